"""History pages of the audit trail: a client's, an attendance day's (supervisor) and a billing month's
(manager), always inside the current office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _

from compostela.models import AuditAction, AuditEvent, Office, Role
from compostela.scoping import office_required, scoped

HISTORY_LIMIT = 500  # newest events shown on one page


# --- selectors -------------------------------------------------------------------------------------


def audit_client_history(*, office: Office, client_id: int) -> QuerySet[AuditEvent]:
    """Every recorded change of a client's rows, across the audited tables, newest first."""
    return AuditEvent.objects.filter(office=office, client_id=client_id).select_related("user")


def audit_day_history(*, office: Office, table: str, day: date) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(office=office, table_name=table, day=day).select_related("user")


def audit_billing_month_history(*, office: Office, month: date) -> QuerySet[AuditEvent]:
    """Changes of the office's billing rows (closings, claims) of one month."""
    return AuditEvent.objects.filter(office=office, table_name__startswith="billing_", day=month).select_related(
        "user"
    )


# --- presentation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    what: str
    changes: list[Change]


def _models_by_table() -> dict[str, type[Model]]:
    return {model._meta.db_table: model for model in apps.get_models()}


def _changes(event: AuditEvent, model: type[Model] | None) -> list[Change]:
    labels = {}
    if model is not None:
        labels = {f.column: str(f.verbose_name) for f in model._meta.concrete_fields}
    before, after = event.before or {}, event.after or {}
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if event.action == AuditAction.UPDATE and old == new:
            continue
        if event.action != AuditAction.UPDATE and old in (None, "") and new in (None, ""):
            continue
        changes.append(Change(field=labels.get(key, key), before=old, after=new))
    return changes


def history_rows(events) -> list[EventRow]:
    tables = _models_by_table()
    rows = []
    for event in events:
        model = tables.get(event.table_name)
        what = str(model._meta.verbose_name) if model is not None else (event.table_name or _("Export"))
        rows.append(EventRow(event=event, what=what, changes=_changes(event, model)))
    return rows


def _render(request: HttpRequest, title: str, events: QuerySet[AuditEvent]) -> HttpResponse:
    rows = history_rows(events[:HISTORY_LIMIT])
    return render(
        request, "compostela/history.html",
        {"title": title, "rows": rows, "limit": HISTORY_LIMIT, "truncated": len(rows) == HISTORY_LIMIT},
    )


# --- views -----------------------------------------------------------------------------------------


@office_required(Role.SUPERVISOR)
def client_history(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(scoped(request, apps.get_model("clients", "Client")), pk=pk)
    events = audit_client_history(office=request.office, client_id=client.pk)
    return _render(request, _("History of %(client)s") % {"client": client}, events)


@office_required(Role.SUPERVISOR)
def attendance_day_history(request: HttpRequest, day: str) -> HttpResponse:
    try:
        the_day = date.fromisoformat(day)
    except ValueError as error:
        raise Http404 from error
    table = apps.get_model("clients", "Attendance")._meta.db_table
    events = audit_day_history(office=request.office, table=table, day=the_day)
    return _render(request, _("History of the attendance of %(day)s") % {"day": the_day.isoformat()}, events)


@office_required(Role.MANAGER)
def billing_month_history(request: HttpRequest, year: int, month: int) -> HttpResponse:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    first = date(year, month, 1)
    events = audit_billing_month_history(office=request.office, month=first)
    return _render(request, _("History of the billing of %(month)s") % {"month": f"{year}-{month:02d}"}, events)


app_name = "history"
urlpatterns = [
    path("client/<int:pk>/", client_history, name="client"),
    path("attendance/<str:day>/", attendance_day_history, name="attendance_day"),
    path("billing/<int:year>/<int:month>/", billing_month_history, name="billing_month"),
]

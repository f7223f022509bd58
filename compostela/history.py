"""Reading the audit trail: the events of a client, an attendance day or a billing month, and the page that
shows them readably.  The views live in the apps that own the rows (``clients``, ``attendance``,
``billing``); they scope the request to the office and role and call ``history_page``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from compostela.models import AuditAction, AuditEvent, Office

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


# Bookkeeping columns that say nothing to a reader of the history.
HIDDEN_COLUMNS = {"id", "version", "created_at", "updated_at", "office_id"}


def _models_by_table() -> dict[str, type[Model]]:
    return {model._meta.db_table: model for model in apps.get_models()}


def _field_for_column(model: type[Model] | None, column: str):
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if field.column == column:
            return field
    return None


def _referenced(events: list[AuditEvent], tables: dict[str, type[Model]]) -> dict[tuple[type[Model], Any], str]:
    """Names of every object the events point to through a foreign key: one query per referenced model."""
    wanted: dict[type[Model], set] = {}
    for event in events:
        model = tables.get(event.table_name)
        for values in (event.before or {}, event.after or {}):
            for column, value in values.items():
                if column in HIDDEN_COLUMNS:
                    continue
                field = _field_for_column(model, column)
                if field is not None and field.is_relation and value is not None:
                    wanted.setdefault(field.related_model, set()).add(value)
    names: dict[tuple[type[Model], Any], str] = {}
    for related, keys in wanted.items():
        for obj in related._default_manager.filter(pk__in=keys):
            names[(related, obj.pk)] = str(obj)
    return names


def _readable(field, value, names) -> Any:
    """A stored value as the supervisor reads it: choice labels, names of related rows, はい/いいえ."""
    if value is None or value == "":
        return None
    if field is None:
        return value
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _changes(event: AuditEvent, model: type[Model] | None, names) -> list[Change]:
    before, after = event.before or {}, event.after or {}
    changes = []
    for key in sorted(set(before) | set(after)):
        if key in HIDDEN_COLUMNS:
            continue
        old, new = before.get(key), after.get(key)
        if event.action == AuditAction.UPDATE and old == new:
            continue
        if event.action != AuditAction.UPDATE and old in (None, "") and new in (None, ""):
            continue
        field = _field_for_column(model, key)
        label = str(field.verbose_name) if field is not None else key
        changes.append(Change(field=label, before=_readable(field, old, names), after=_readable(field, new, names)))
    return changes


def history_rows(events) -> list[EventRow]:
    """Rows of a history page; the names of related rows are read in one query per referenced model."""
    events = list(events)
    tables = _models_by_table()
    names = _referenced(events, tables)
    rows = []
    for event in events:
        model = tables.get(event.table_name)
        what = str(model._meta.verbose_name) if model is not None else (event.table_name or _("Export"))
        rows.append(EventRow(event=event, what=what, changes=_changes(event, model, names)))
    return rows


def history_page(request: HttpRequest, title: str, events: QuerySet[AuditEvent]) -> HttpResponse:
    """The history page of ``events`` (newest first, at most ``HISTORY_LIMIT``).  Each app's view decides
    who may see which events (the client's, the attendance day's, the billing month's) and calls this."""
    rows = history_rows(events[:HISTORY_LIMIT])
    return render(
        request, "compostela/history.html",
        {"title": title, "rows": rows, "limit": HISTORY_LIMIT, "truncated": len(rows) == HISTORY_LIMIT},
    )

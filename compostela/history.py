"""Reading the audit trail: the events of a client, of an attendance day or of a billing month, and the page
that shows them readably.  The events are pghistory's (``compostela.models.AuditEvent``, one list across the
event tables, each event with the row as recorded and what changed since the row's previous event).  The
views live in the apps that own the rows (``clients``, ``attendance``, ``billing``); they scope the request
to the office and role and call ``history_page``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from compostela.models import AuditAction, AuditEvent, Office

HISTORY_LIMIT = 500  # newest events shown on one page


# --- selectors -------------------------------------------------------------------------------------


def _newest_first(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    return events.select_related("user").order_by("-pgh_created_at", "-pgh_id")


def audit_client_history(*, client: Model) -> QuerySet[AuditEvent]:
    """Every recorded change of the client and of the rows that point to the client (periods, certificates,
    attendance, notes, plans, hires …), across the event tables, newest first."""
    return _newest_first(AuditEvent.objects.references(client))


def audit_rows_history(model: type[Model], **recorded: Any) -> QuerySet[AuditEvent]:
    """Every recorded change of the rows of ``model`` whose recorded values match ``recorded`` (e.g. an
    office's attendance of one day: ``office=…, day=…``) and of the rows that point to them (a closing's
    claim lines), newest first.  The rows are found in the model's event table, so deleted rows count."""
    keys = model.pgh_event_model.objects.filter(**recorded).values_list("pgh_obj_id", flat=True).distinct()
    rows = [model(pk=key) for key in keys]
    if not rows:
        return AuditEvent.objects.none()
    return _newest_first(AuditEvent.objects.references(rows))


def audit_exports() -> QuerySet[AuditEvent]:
    """The recorded exports, newest first: the offices' "export" events (``audit.audit_record_export``);
    what was exported and how many rows are in the context (``pgh_context["export"]``)."""
    return _newest_first(AuditEvent.objects.across(Office.pgh_event_model).filter(pgh_label=AuditAction.EXPORT))


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
    reason: str


# Bookkeeping columns that say nothing to a reader of the history.
HIDDEN_COLUMNS = {"id", "version", "created_at", "updated_at", "office_id"}


def _tracked_model(event: AuditEvent) -> type[Model] | None:
    try:
        return apps.get_model(event.pgh_obj_model)
    except LookupError:
        return None


def _field_for_column(model: type[Model] | None, column: str):
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if field.column == column:
            return field
    return None


def _before_and_after(event: AuditEvent) -> tuple[dict, dict]:
    """The row's values before and after the event, by column.  A change shows what differs from the row's
    previous event (pghistory's ``pgh_diff``); a create shows the row, a delete the row as it was."""
    data = {k: v for k, v in (event.pgh_data or {}).items() if not k.startswith("pgh_")}
    if event.pgh_label == AuditAction.UPDATE and event.pgh_diff is not None:
        diff = event.pgh_diff or {}
        return {k: old for k, (old, _new) in diff.items()}, {k: new for k, (_old, new) in diff.items()}
    if event.pgh_label == AuditAction.DELETE:
        return data, {}
    if event.pgh_label == AuditAction.EXPORT:
        return {}, dict((event.pgh_context or {}).get("export") or {})
    return {}, data


def _referenced(events: list[AuditEvent]) -> dict[tuple[type[Model], Any], str]:
    """Names of every object the events point to through a foreign key: one query per referenced model."""
    wanted: dict[type[Model], set] = {}
    for event in events:
        model = _tracked_model(event)
        for values in _before_and_after(event):
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
    before, after = _before_and_after(event)
    changes = []
    for key in sorted(set(before) | set(after)):
        if key in HIDDEN_COLUMNS:
            continue
        old, new = before.get(key), after.get(key)
        if event.pgh_label == AuditAction.UPDATE and old == new:
            continue
        if event.pgh_label != AuditAction.UPDATE and old in (None, "") and new in (None, ""):
            continue
        field = _field_for_column(model, key)
        label = str(field.verbose_name) if field is not None else key
        changes.append(Change(field=label, before=_readable(field, old, names), after=_readable(field, new, names)))
    return changes


def history_rows(events) -> list[EventRow]:
    """Rows of a history page; the names of related rows are read in one query per referenced model."""
    events = list(events)
    names = _referenced(events)
    rows = []
    for event in events:
        model = _tracked_model(event)
        what = str(model._meta.verbose_name) if model is not None else event.pgh_obj_model
        rows.append(EventRow(event=event, what=what, changes=_changes(event, model, names), reason=event.reason or ""))
    return rows


def history_page(request: HttpRequest, title: str, events: QuerySet[AuditEvent]) -> HttpResponse:
    """The history page of ``events`` (newest first, at most ``HISTORY_LIMIT``).  Each app's view decides
    who may see which events (the client's, the attendance day's, the billing month's) and calls this."""
    rows = history_rows(events[:HISTORY_LIMIT])
    return render(
        request,
        "compostela/history.html",
        {"title": title, "rows": rows, "limit": HISTORY_LIMIT, "truncated": len(rows) == HISTORY_LIMIT},
    )

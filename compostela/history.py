"""Reading the audit trail: the events of a client, of an attendance day or of a billing month, and the page
that shows them readably.  The events are pghistory's (``compostela.models.AuditEvent``, one list across the
event tables, each event with the row as recorded and what changed since the row's previous event).  The
views live in the apps that own the rows (``clients``, ``attendance``, ``billing``); they scope the request
to the office and role and call ``history_page``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
# A history page reads like the other screens: fields by their verbose names in the order of the model,
# choices by their labels, related rows by name (a deleted one as 「削除済み (#12)」), yes/no, dates "Y-m-d",
# times "H:i" and moments "Y-m-d H:i" in the office's time zone (Asia/Tokyo), numbers with thousands
# separators, lists joined, JSON objects folded; nothing as True/False/None or a raw column name.

DATE_FORMAT = "Y-m-d"  # as the other screens write dates, times and moments
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y-m-d H:i"

# Bookkeeping columns that say nothing to a reader of the history.
HIDDEN_COLUMNS = {"id", "version", "created_at", "updated_at", "office_id"}
# What an export event records (``audit.audit_record_export``), by its key in the event's context.
EXPORT_LABELS = {"what": gettext_lazy("What was exported"), "rows": gettext_lazy("Rows")}


@dataclass(frozen=True)
class Value:
    """A value as shown: ``text`` (None: nothing, shown "—"); a JSON object also has ``block``, its indented
    text, shown folded under ``text``."""

    text: str | None
    block: str = ""


NOTHING = Value(None)


@dataclass(frozen=True)
class Change:
    field: str
    before: Value
    after: Value


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    what: str
    who: str
    changes: list[Change]
    reason: str
    # an update of a row with no earlier event (written before the trail began, or by the demo seeder): what
    # it was before is unknown, so the row is shown as it was after the change, without "before → after"
    snapshot: bool = False

    @property
    def shows_before(self) -> bool:
        return self.event.pgh_label in (AuditAction.UPDATE, AuditAction.DELETE) and not self.snapshot


def _tracked_model(event: AuditEvent) -> type[Model] | None:
    try:
        return apps.get_model(event.pgh_obj_model)
    except LookupError:
        return None


def _fields_by_column(model: type[Model] | None) -> dict[str, tuple[int, models.Field]]:
    """The model's fields by column, with their place in the model (the order the changes are listed in)."""
    if model is None:
        return {}
    return {field.column: (index, field) for index, field in enumerate(model._meta.concrete_fields)}


def field_label(field: models.Field) -> str:
    """The field's verbose name.  A foreign key left with Django's default (its own name — the columns of an
    automatic many-to-many table) is named by the model it points to (利用者, 診断名 …)."""
    if field.is_relation and not isinstance(field.verbose_name, Promise):  # Django's default is a plain str
        return str(field.related_model._meta.verbose_name)
    return str(field.verbose_name)


def _is_update_without_before(event: AuditEvent) -> bool:
    return event.pgh_label == AuditAction.UPDATE and event.pgh_diff is None


def _before_and_after(event: AuditEvent) -> tuple[dict, dict]:
    """The row's values before and after the event, by column.  A change shows what differs from the row's
    previous event (pghistory's ``pgh_diff``); a create shows the row, a delete the row as it was; a change
    with no previous event shows the row after it."""
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
        fields = _fields_by_column(_tracked_model(event))
        for values in _before_and_after(event):
            for column, value in values.items():
                if column in HIDDEN_COLUMNS or column not in fields:
                    continue
                field = fields[column][1]
                if field.is_relation and value is not None:
                    wanted.setdefault(field.related_model, set()).add(value)
    names: dict[tuple[type[Model], Any], str] = {}
    for related, keys in wanted.items():
        for obj in related._default_manager.filter(pk__in=keys):
            names[(related, obj.pk)] = str(obj)
    return names


def _choices(field: models.Field) -> dict:
    """The field's choices by value; a list field (``ArrayField``) has them on its base field."""
    base = getattr(field, "base_field", None)
    return dict((base or field).flatchoices) if (base or field).choices else {}


def _number(value, field: models.Field | None = None) -> str:
    """A number with thousands separators ("8,451", "10.17"); a year is a name, not an amount ("2026")."""
    if field is not None and field.name.endswith("year"):
        return str(value)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return number_format(number, force_grouping=True)


def _moment(value, kind: type) -> str:
    """A stored date, time or moment (ISO text in the trail) in the office's time zone, as the screens show it."""
    if kind is datetime:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, DATETIME_FORMAT)
    if kind is time:
        return date_format(time.fromisoformat(value) if isinstance(value, str) else value, TIME_FORMAT)
    return date_format(date.fromisoformat(value) if isinstance(value, str) else value, DATE_FORMAT)


def _json_block(value) -> Value:
    return Value(_("Show"), block=json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True))


def _readable(field: models.Field | None, value, names) -> Value:
    """A stored value as the supervisor reads it (see the top of this section)."""
    if value is None or value == "" or value == [] or value == {}:
        return NOTHING
    if field is not None and field.is_relation:
        name = names.get((field.related_model, value))
        return Value(name if name is not None else _("deleted (#%(id)s)") % {"id": value})
    choices = _choices(field) if field is not None else {}
    if isinstance(value, list):
        items = [choices.get(item, item) if not isinstance(item, (dict, list)) else None for item in value]
        if None in items:
            return _json_block(value)
        return Value(_(", ").join(str(_readable(None, item, names).text or "—") for item in items))
    if isinstance(value, dict):
        return _json_block(value)
    if value in choices:
        return Value(str(choices[value]))
    if isinstance(value, bool):
        return Value(_("yes") if value else _("no"))
    try:
        if isinstance(field, models.DateTimeField):
            return Value(_moment(value, datetime))
        if isinstance(field, models.TimeField):
            return Value(_moment(value, time))
        if isinstance(field, models.DateField):
            return Value(_moment(value, date))
    except (TypeError, ValueError):
        return Value(str(value))
    if isinstance(value, (int, float, Decimal)):
        return Value(_number(value, field))
    return Value(str(value))


def _changes(event: AuditEvent, model: type[Model] | None, names) -> list[Change]:
    before, after = _before_and_after(event)
    fields = _fields_by_column(model)
    changes = []
    keys = (set(before) | set(after)) - HIDDEN_COLUMNS
    for key in sorted(keys, key=lambda k: (fields[k][0] if k in fields else len(fields), k)):
        old, new = before.get(key), after.get(key)
        if event.pgh_label == AuditAction.UPDATE and old == new:
            continue
        if old in (None, "") and new in (None, "") and not (event.pgh_label == AuditAction.UPDATE and event.pgh_diff):
            continue  # a row's empty fields (created, deleted, or shown as it was) say nothing
        field = fields[key][1] if key in fields else None
        if event.pgh_label == AuditAction.EXPORT:
            label = str(EXPORT_LABELS.get(key, key))
        else:
            label = field_label(field) if field is not None else key
        changes.append(Change(field=label, before=_readable(field, old, names), after=_readable(field, new, names)))
    return changes


def _who(event: AuditEvent) -> str:
    if event.user_id is None:
        return _("system")
    if event.user is None:
        return _("deleted (#%(id)s)") % {"id": event.user_id}
    return str(event.user)


def history_rows(events) -> list[EventRow]:
    """Rows of a history page; the names of related rows are read in one query per referenced model."""
    events = list(events)
    names = _referenced(events)
    rows = []
    for event in events:
        model = _tracked_model(event)
        what = str(model._meta.verbose_name) if model is not None else event.pgh_obj_model
        rows.append(
            EventRow(
                event=event,
                what=what,
                who=_who(event),
                changes=_changes(event, model, names),
                reason=event.reason or "",
                snapshot=_is_update_without_before(event),
            )
        )
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

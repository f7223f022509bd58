"""Writes of attendance: saving one office's day (the roster, the import) in one transaction.

``attendance_record_day`` is the only function that writes ``Attendance`` rows.  It checks every rule of
the issue before writing anything; when a rule is broken it raises ``DayRejected`` with a message per row
(and general messages), each with its ``AttendanceError`` code, and nothing is written, so the screen can
show the user's input again.

Concurrency (two staff saving the same day): saves of one office's month are serialised by a transaction
advisory lock, and every row carries the version and a digest of the values it had when the form was
loaded.  Per row:

* the user did not change the row → it is not written (a newer entry by someone else stays);
* the user changed it and nobody else did → it is written (version + 1);
* the user changed it and so did someone else meanwhile → **last writer wins**: it is written, and the
  summary names the row as "changed under you" so the user can check it.

So neither writer loses rows they did not touch, and the later writer is told about every row both touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attendance import rules
from attendance.errors import AttendanceError
from attendance.models import Attendance, AttendanceStatus, ClosedMonth, GrantedDaysOverride, RegionalMeeting
from attendance.selectors import (
    CapacityFigures,
    MonthCounts,
    attendance_capacity_figures,
    attendance_clients_by_id,
    attendance_closed_months,
    attendance_month_counts,
)
from compostela.audit import audited
from compostela.dates import is_after_today, refuse_future_date
from compostela.models import Office, Role, User
from compostela.scoping import user_has_role

MSG_FUTURE_DAY = gettext_lazy("Attendance cannot be entered for a day after today.")
MSG_MONTH_CLOSED = gettext_lazy(
    "Billing has closed this month, so its attendance is read-only. A manager can reopen the month in billing."
)
MSG_UNKNOWN_CLIENT = gettext_lazy("This client is not a client of the office.")
MSG_DUPLICATE_ROW = gettext_lazy("This client appears more than once.")
MSG_END_NOT_AFTER_START = gettext_lazy("The end time must be after the start time.")
MSG_SUPPORT_NEEDS_NOTE = gettext_lazy("An absence with support needs a note on the call or visit.")
MSG_ABSENCE_NO_TRANSPORT_OR_MEAL = gettext_lazy("An absence has no transport and no meal.")
MSG_ABSENCE_NO_TIMES = gettext_lazy("An absence has no start or end time.")
MSG_OVER_GRANTED_DAYS = gettext_lazy(
    "This would be day %(count)d of the month, beyond the %(granted)d granted days. "
    "A supervisor can confirm it with a reason."
)
MSG_MISSING_TIMES = gettext_lazy(
    "%(name)s: saved without the start and end times. The record sheet needs them; add them when you can."
)
MSG_AT_GRANTED_DAYS = gettext_lazy("%(name)s reaches the granted days of the month (%(granted)d).")
MSG_OVERRIDE_CONFIRMED = gettext_lazy("Confirmed beyond the granted days for %(name)s: %(reason)s")
MSG_OVERRIDE_SUPERVISOR_ONLY = gettext_lazy("Only a supervisor or manager can confirm days beyond the granted days.")
MSG_OVERRIDE_REASON_TOO_LONG = gettext_lazy("The reason may have at most %(limit)d characters.")
OVERRIDE_REASON_MAX_LENGTH = GrantedDaysOverride._meta.get_field("reason").max_length
MSG_CAPACITY_DAY_EXCEEDED = gettext_lazy(
    "%(users)d people attended, more than the %(limit)s a day a capacity of %(capacity)d allows "
    "(over-capacity reduction)."
)
MSG_CHANGED_AND_REPLACED = gettext_lazy(
    "%(name)s was changed by %(by)s after you opened the page; your entry replaced theirs (it was: %(was)s)."
)
MSG_CHANGED_AND_KEPT = gettext_lazy(
    "%(name)s was changed by %(by)s after you opened the page; you had not changed this row, so their entry "
    "(%(now)s) was kept."
)
MSG_NO_ENTRY = gettext_lazy("no entry")
MSG_RECORD_MONTH_CLOSED = gettext_lazy(
    "Billing has closed %(month)s, so its records are read-only. A manager can reopen the month in billing."
)


@dataclass(frozen=True)
class AttendanceRow:
    """One client's entry for the day.  ``status == ""`` means "no entry" (an existing row is removed).

    ``loaded_version`` / ``loaded_fingerprint`` are what the row had when the form was loaded (0 / "" for no
    row); ``None`` (the import) means "no check": the row is written when it differs from the database.
    """

    client_id: int
    status: str = ""
    start_time: time | None = None
    end_time: time | None = None
    transport_to: bool = False
    transport_from: bool = False
    meal: bool = False
    note: str = ""
    loaded_version: int | None = None
    loaded_fingerprint: str | None = None

    @property
    def fingerprint(self) -> str:
        return rules.row_fingerprint(
            status=self.status, start_time=self.start_time, end_time=self.end_time,
            transport_to=self.transport_to, transport_from=self.transport_from, meal=self.meal, note=self.note,
        )


def attendance_fingerprint(record: Attendance | None) -> str:
    if record is None:
        return ""
    return rules.row_fingerprint(
        status=record.status, start_time=record.start_time, end_time=record.end_time,
        transport_to=record.transport_to, transport_from=record.transport_from, meal=record.meal, note=record.note,
    )


@dataclass(frozen=True)
class RowConflict:
    client_id: int
    message: str
    replaced: bool  # True: the user's entry replaced the other's; False: the other's entry was kept


@dataclass
class DaySummary:
    day: date
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    conflicts: list[RowConflict] = field(default_factory=list)
    confirmed_overrides: list[int] = field(default_factory=list)  # client ids
    capacity: CapacityFigures | None = None

    @property
    def written(self) -> int:
        return self.created + self.updated + self.deleted


class DayRejected(Exception):  # noqa: N818 - a user-facing outcome, not a programming error
    """Nothing was saved.  Built from coded ``ValidationError``s, it keeps what the screen shows and what a
    caller tests apart: ``errors`` (messages about the whole day) with ``codes`` (their ``AttendanceError``
    codes, in the same order); ``row_errors`` (client id → messages) with ``row_codes`` (client id → codes)."""

    def __init__(self, errors: list[ValidationError] | None = None,
                 row_errors: dict[int, list[ValidationError]] | None = None, over_granted: list[int] | None = None):
        errors = errors or []
        row_errors = row_errors or {}
        self.errors = [_message(e) for e in errors]
        self.codes = [e.code for e in errors]
        self.over_granted = over_granted or []  # clients a supervisor could confirm beyond the granted days
        self.row_errors = {k: [_message(e) for e in v] for k, v in row_errors.items()}
        self.row_codes = {k: [e.code for e in v] for k, v in row_errors.items()}
        super().__init__("; ".join(self.errors + [m for ms in self.row_errors.values() for m in ms]))


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


@audited(by="by")
def attendance_month_close(*, office: Office, month: date, by: User) -> None:
    """Make ``month``'s attendance read-only (billing closes the month).  Call it inside the closing's
    transaction after ``attendance_lock_month``, so saves in progress finish first and later ones are refused."""
    ClosedMonth.objects.get_or_create(office=office, month=rules.month_start(month))


@audited(by="by")
def attendance_month_reopen(*, office: Office, month: date, by: User) -> None:
    """Let ``month``'s attendance be edited again (billing reopened the month)."""
    ClosedMonth.objects.filter(office=office, month=rules.month_start(month)).delete()


def attendance_lock_month(*, office: Office, day: date) -> None:
    """Serialise writers of one office's month until the transaction ends (versions and granted days)."""
    key = f"compostela.attendance:{office.pk}:{day:%Y-%m}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def attendance_lock_months_closed(*, office: Office, days: list[date]) -> list[date]:
    """The one closed-month rule of attendance's records: lock the months of ``days`` against a closing in
    progress (``attendance_lock_month``, the lock ``billing_month_close`` takes before it computes the month,
    months in order so two writers cannot deadlock) and return those billing has closed (first days, in
    order).  Call it inside the write's transaction; a write touching a closed month is refused."""
    months = sorted({rules.month_start(day) for day in days})
    for month in months:
        attendance_lock_month(office=office, day=month)
    return sorted(attendance_closed_months(office=office, months=months))


def _status_label(status: str) -> str:
    return str(AttendanceStatus(status).label) if status else str(MSG_NO_ENTRY)


def _describe(record: Attendance | None) -> str:
    if record is None:
        return str(MSG_NO_ENTRY)
    text = _status_label(record.status)
    if record.start_time and record.end_time:
        text += f" {record.start_time:%H:%M}–{record.end_time:%H:%M}"
    return text


def _row_rule_errors(row: AttendanceRow) -> list[ValidationError]:
    errors = []
    if row.status not in AttendanceStatus.values:
        errors.append(ValidationError(_("Select a valid status."), code=AttendanceError.UNKNOWN_STATUS))
        return errors
    if row.start_time and row.end_time and row.end_time <= row.start_time:
        errors.append(ValidationError(str(MSG_END_NOT_AFTER_START), code=AttendanceError.END_NOT_AFTER_START))
    if row.status in rules.ABSENCES:
        if row.transport_to or row.transport_from or row.meal:
            errors.append(ValidationError(str(MSG_ABSENCE_NO_TRANSPORT_OR_MEAL),
                                          code=AttendanceError.ABSENCE_NO_TRANSPORT_OR_MEAL))
        if row.start_time or row.end_time:
            errors.append(ValidationError(str(MSG_ABSENCE_NO_TIMES), code=AttendanceError.ABSENCE_NO_TIMES))
    if row.status == AttendanceStatus.ABSENT_SUPPORTED and not row.note.strip():
        errors.append(ValidationError(str(MSG_SUPPORT_NEEDS_NOTE), code=AttendanceError.SUPPORT_NEEDS_NOTE))
    return errors


@audited(by="by")
def attendance_record_day(
    *, office: Office, day: date, rows: list[AttendanceRow], by: User, override_reason: str | None = None,
    today: date | None = None,
) -> DaySummary:
    """Save ``rows`` as ``office``'s attendance on ``day``: all of them or none (``DayRejected``).

    Rules: no future day; not in a month closed by billing; each client enrolled that day (certificate,
    enrolment, end); end after start; absences without times, transport or meal; an absence with support
    has a note; attended + off-site days of the month within the granted days — a warning when a row
    reaches them, an error beyond them unless a supervisor's confirmation (``GrantedDaysOverride``) exists
    or ``override_reason`` is given by a supervisor (then it is recorded).  A day over capacity (the daily
    rule) is saved with a warning.
    """
    today = today or timezone.localdate()
    if is_after_today(day, today):
        raise DayRejected([ValidationError(MSG_FUTURE_DAY, code=AttendanceError.FUTURE_DAY)])
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        if attendance_lock_months_closed(office=office, days=[day]):
            raise DayRejected([ValidationError(MSG_MONTH_CLOSED, code=AttendanceError.MONTH_CLOSED)])
        summary, to_write, to_delete, to_confirm = _check_day(
            office=office, day=day, rows=rows, by=by, override_reason=override_reason
        )
        if to_confirm:
            month = rules.month_start(day)
            overrides = [
                GrantedDaysOverride(client=c, month=month, reason=override_reason, confirmed_by=by) for c in to_confirm
            ]
            GrantedDaysOverride.objects.bulk_create(overrides)
            summary.confirmed_overrides = [c.pk for c in to_confirm]
            summary.warnings += [
                _(MSG_OVERRIDE_CONFIRMED) % {"name": c.full_name, "reason": override_reason} for c in to_confirm
            ]
        if to_write:
            Attendance.objects.bulk_create(
                to_write, update_conflicts=True, unique_fields=["client", "day"],
                update_fields=["status", "start_time", "end_time", "transport_to", "transport_from", "meal", "note",
                               "version", "updated_at", "updated_by"],
            )
        if to_delete:
            Attendance.objects.filter(pk__in=to_delete).delete()
        summary.capacity = attendance_capacity_figures(office=office, day=day)
        if summary.written and summary.capacity.day_exceeded:
            summary.warnings.append(
                _(MSG_CAPACITY_DAY_EXCEEDED)
                % {"users": summary.capacity.day_users, "limit": summary.capacity.day_limit,
                   "capacity": summary.capacity.capacity}
            )
    return summary


def _check_day(*, office, day, rows, by, override_reason):
    """Validate every row (no writes).  Returns the summary so far, rows to upsert, ids to delete and the
    clients whose granted days a supervisor confirms now; raises ``DayRejected`` on any error."""
    ids = [row.client_id for row in rows]
    clients = attendance_clients_by_id(office=office, client_ids=ids)  # 3 queries
    existing = {
        a.client_id: a
        for a in Attendance.objects.filter(office=office, day=day, client_id__in=ids).select_related("updated_by")
    }
    month = rules.month_start(day)
    counts = attendance_month_counts(office=office, month=month, client_ids=ids)
    confirmed = set(
        GrantedDaysOverride.objects.filter(client_id__in=ids, month=month).values_list("client_id", flat=True)
    )
    supervisor = user_has_role(by, office, Role.SUPERVISOR)
    errors: list[ValidationError] = []
    row_errors: dict[int, list[ValidationError]] = {}
    if override_reason and not supervisor:
        errors.append(ValidationError(str(MSG_OVERRIDE_SUPERVISOR_ONLY), code=AttendanceError.OVERRIDE_SUPERVISOR_ONLY))
    if len(override_reason) > OVERRIDE_REASON_MAX_LENGTH:
        errors.append(ValidationError(_(MSG_OVERRIDE_REASON_TOO_LONG) % {"limit": OVERRIDE_REASON_MAX_LENGTH},
                                      code=AttendanceError.OVERRIDE_REASON_TOO_LONG))
    summary = DaySummary(day=day)
    to_write: list[Attendance] = []
    to_delete: list[int] = []
    to_confirm = []
    over_granted: list[int] = []
    seen: set[int] = set()
    for row in rows:
        problems = row_errors.setdefault(row.client_id, [])
        if row.client_id in seen:
            problems.append(ValidationError(str(MSG_DUPLICATE_ROW), code=AttendanceError.DUPLICATE_ROW))
            continue
        seen.add(row.client_id)
        client = clients.get(row.client_id)
        if client is None:
            problems.append(ValidationError(str(MSG_UNKNOWN_CLIENT), code=AttendanceError.UNKNOWN_CLIENT))
            continue
        current = existing.get(row.client_id)
        current_fingerprint = attendance_fingerprint(current)
        new_fingerprint = row.fingerprint
        if new_fingerprint == current_fingerprint:
            summary.unchanged += 1
            continue
        user_changed = row.loaded_fingerprint is None or new_fingerprint != row.loaded_fingerprint
        current_version = current.version if current else 0
        moved = row.loaded_version is not None and row.loaded_version != current_version
        other = str(current.updated_by) if current else "?"
        if not user_changed:
            # someone else changed the row after the form was loaded, this user did not: keep theirs
            summary.conflicts.append(RowConflict(row.client_id, _(MSG_CHANGED_AND_KEPT) % {
                "name": client.full_name, "by": other, "now": _describe(current)}, replaced=False))
            summary.unchanged += 1
            continue
        if moved:
            summary.conflicts.append(RowConflict(row.client_id, _(MSG_CHANGED_AND_REPLACED) % {
                "name": client.full_name, "by": other, "was": _describe(current)}, replaced=True))
        if not row.status:
            if current is not None:
                to_delete.append(current.pk)
                summary.deleted += 1
            continue
        problems += _row_rule_errors(row)
        refusal = client.enrolment.refusal_on(day)
        if refusal is not None:
            problems.append(ValidationError(str(rules.ENROLMENT_MESSAGES[refusal]), code=refusal))
        if problems:
            continue
        newly_billable = row.status in rules.BILLABLE and (current is None or current.status not in rules.BILLABLE)
        if newly_billable:
            month_counts = counts.get(client.pk, MonthCounts())
            # counted against the certificate valid that day, over its own days (a certificate may change
            # mid-month: each has its granted days, as billing counts them)
            under = client.enrolment.days_under_certificate(day, [*month_counts.billable_days, day])
            count, granted = under if under is not None else (month_counts.billable + 1, None)
            if granted is not None and count > granted and client.pk not in confirmed:
                if override_reason and supervisor:
                    to_confirm.append(client)
                else:
                    problems.append(ValidationError(_(MSG_OVER_GRANTED_DAYS) % {"count": count, "granted": granted},
                                                    code=AttendanceError.OVER_GRANTED_DAYS))
                    over_granted.append(client.pk)
                    continue
            elif granted is not None and count == granted:
                summary.warnings.append(_(MSG_AT_GRANTED_DAYS) % {"name": client.full_name, "granted": granted})
        record = Attendance(
            office=office, client=client, day=day, status=row.status,
            start_time=row.start_time, end_time=row.end_time, transport_to=row.transport_to,
            transport_from=row.transport_from, meal=row.meal, note=row.note.strip(),
            version=current_version + 1, updated_by=by,
        )
        try:
            record.full_clean(exclude=["office", "client", "updated_by"], validate_unique=False,
                              validate_constraints=False)
        except ValidationError as error:  # the fields' own validators: Django's codes ("max_length", …)
            problems += [ValidationError(_message(e), code=e.code or AttendanceError.ROW_INVALID)
                         for field_errors in error.error_dict.values() for e in field_errors]
            continue
        to_write.append(record)
        if rules.lacks_times(record.status, record.start_time, record.end_time):
            summary.warnings.append(_(MSG_MISSING_TIMES) % {"name": client.full_name})
        if current is None:
            summary.created += 1
        else:
            summary.updated += 1
    row_errors = {k: v for k, v in row_errors.items() if v}
    if errors or row_errors:
        raise DayRejected(errors, row_errors, over_granted)
    return summary, to_write, to_delete, to_confirm


# --- regional cooperation meetings (地域連携会議) ------------------------------------------------------------
MEETING_FIELDS = ("day", "kind", "participants", "note")


def _refuse_meeting_closed(*, office: Office, days: list[date]) -> None:
    closed = attendance_lock_months_closed(office=office, days=days)
    if closed:
        raise ValidationError({"day": ValidationError(
            MSG_RECORD_MONTH_CLOSED, code=AttendanceError.MONTH_CLOSED,
            params={"month": ", ".join(f"{month:%Y-%m}" for month in closed)})})


def _meeting_save(meeting: RegionalMeeting) -> RegionalMeeting:
    meeting.participants = meeting.participants.strip()
    meeting.note = meeting.note.strip()
    meeting.full_clean()
    meeting.save()
    return meeting


@audited(by="by")
@transaction.atomic
def regional_meeting_record(*, office: Office, client, day: date, kind: str, participants: str, note: str = "",
                            by: User) -> RegionalMeeting:
    """Record a regional cooperation meeting (地域連携会議) of ``client`` on ``day``: not after today, not in a
    month billing has closed, the client one of the office's, at most one of each kind a client and day."""
    if client.office_id != office.pk:
        raise ValidationError({"client": ValidationError(MSG_UNKNOWN_CLIENT, code=AttendanceError.UNKNOWN_CLIENT)})
    refuse_future_date(day)
    _refuse_meeting_closed(office=office, days=[day])
    return _meeting_save(RegionalMeeting(office=office, client=client, day=day, kind=kind, participants=participants,
                                         note=note, recorded_by=by))


@audited(by="by")
@transaction.atomic
def regional_meeting_update(*, meeting: RegionalMeeting, by: User, **changes) -> RegionalMeeting:
    """Change a recorded meeting (its day, kind, who took part, note): refused when the month it was in or the
    month it moves to is closed, as when recording it."""
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"regional_meeting_update() got unexpected fields {sorted(unknown)}")
    meeting = RegionalMeeting.objects.select_for_update().get(pk=meeting.pk)
    day = changes.get("day", meeting.day)
    refuse_future_date(day)
    _refuse_meeting_closed(office=meeting.office, days=[meeting.day, day])
    for name, value in changes.items():
        setattr(meeting, name, value)
    return _meeting_save(meeting)


@audited(by="by")
@transaction.atomic
def regional_meeting_delete(*, meeting: RegionalMeeting, by: User) -> None:
    """Delete a recorded meeting: refused in a month billing has closed."""
    meeting = RegionalMeeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_meeting_closed(office=meeting.office, days=[meeting.day])
    meeting.delete()

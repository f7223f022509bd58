"""The attendance screens: the day roster (enter and save a day) and the month grid.  Thin: they parse
input, call ``attendance_selectors`` / ``attendance_services`` and render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy
from django.views.decorators.http import require_http_methods

from attendance import rules
from attendance.forms import (
    NO_ENTRY,
    NOTE_MAX_LENGTH,
    ROW_FIELDS,
    STATUS_CHOICES,
    STATUS_KEYS,
    TIME_STEP,
    DayForm,
    DayRosterForm,
    MonthForm,
    OverrideForm,
    RegionalMeetingForm,
    RosterEntry,
    parse_day,
    parse_month,
    row_initial,
)
from attendance.models import Attendance, AttendanceStatus, RegionalMeeting
from attendance.selectors import (
    RosterRow,
    attendance_closed_months,
    attendance_month_grid,
    attendance_roster,
    regional_meetings_of_month,
)
from attendance.services import (
    MEETING_FIELDS,
    MSG_FUTURE_DAY,
    MSG_MONTH_CLOSED,
    MSG_RECORD_MONTH_CLOSED,
    DayRejected,
    attendance_fingerprint,
    attendance_record_day,
    regional_meeting_delete,
    regional_meeting_record,
    regional_meeting_update,
)
from clients.models import Client
from compostela.forms import form_add_service_errors, form_submit
from compostela.history import audit_rows_history, history_page
from compostela.models import Role
from compostela.scoping import has_role, office_required, scoped

# Short marks for the month grid (通, 外, 欠, 対 in Japanese).
STATUS_MARKS = {
    AttendanceStatus.ATTENDED: pgettext_lazy("attendance mark", "A"),
    AttendanceStatus.OFFSITE: pgettext_lazy("attendance mark", "O"),
    AttendanceStatus.ABSENT: pgettext_lazy("attendance mark", "X"),
    AttendanceStatus.ABSENT_SUPPORTED: pgettext_lazy("attendance mark", "S"),
}


def status_mark(status: str) -> str:
    return str(STATUS_MARKS[status])


@dataclass
class RosterLine:
    """One row of the roster page: the client's roster row, its entry in the day's form, and the texts of the
    row (translated once for the page, then filled in: nothing is translated per row)."""

    row: RosterRow
    entry: RosterEntry
    status_legend: str  # "Status of <name>" (the legend of the row's radios)
    previous_status: str = ""  # the label of the previous entry's status
    previous_weekday: str = ""  # its day of the week, abbreviated

    @property
    def prefix(self) -> str:
        return self.entry.prefix

    @property
    def values(self) -> dict:
        return self.entry.values

    @property
    def client(self):
        return self.row.client

    @property
    def at_limit(self) -> bool:
        return self.row.granted_days is not None and self.row.counted >= self.row.granted_days


def _day_url(day: date) -> str:
    return f"{reverse('attendance:day')}?day={day:%Y-%m-%d}"


def _roster_form(roster, *, data=None) -> DayRosterForm:
    initials = {row.client.pk: row_initial(record=row.record, client=row.client,
                                           fingerprint=attendance_fingerprint(row.record))
                for row in roster.rows}
    return DayRosterForm(data, initials=initials)


def _roster_lines(roster, form: DayRosterForm) -> list[RosterLine]:
    """The lines of the page.  The texts every row repeats are translated here, once: a translation per row
    (the legend, the previous status, its weekday) was a large part of the page's time."""
    status_of = _("Status of %(name)s")
    status_labels = {value: str(label) for value, label in AttendanceStatus.choices}
    weekdays = [str(name) for _number, name in sorted(WEEKDAYS_ABBR.items())]  # Monday first, as date.weekday()
    lines = []
    for row in roster.rows:
        previous = row.previous
        lines.append(RosterLine(
            row=row, entry=form.entries[row.client.pk],
            status_legend=status_of % {"name": row.client.full_name},
            previous_status=status_labels.get(previous.status, previous.status) if previous else "",
            previous_weekday=weekdays[previous.day.weekday()] if previous else "",
        ))
    return lines


def _mark_all_attended(data, roster) -> dict:
    """The no-script fallback of "Mark all as attended": rows without an entry become attended, with the
    client's usual times where none are typed.  Nothing is saved."""
    data = data.copy()
    for row in roster.rows:
        prefix = f"c{row.client.pk}-"
        if data.get(prefix + "status", NO_ENTRY) == NO_ENTRY:
            data[prefix + "status"] = AttendanceStatus.ATTENDED
            for field, usual in (("start_time", row.client.usual_start), ("end_time", row.client.usual_end)):
                if not data.get(prefix + field) and usual:
                    data[prefix + field] = usual.strftime("%H:%M")
    return data


def _report(request: HttpRequest, summary) -> None:
    if summary.written:
        messages.success(request, ngettext(
            "Saved: %(count)d row changed.", "Saved: %(count)d rows changed.", summary.written
        ) % {"count": summary.written})
    else:
        messages.info(request, _("Nothing to save: no row was changed."))
    for conflict in summary.conflicts:
        messages.warning(request, conflict.message)
    for warning in summary.warnings:
        messages.warning(request, warning)


@office_required()
@require_http_methods(["GET", "POST"])
def attendance_day(request: HttpRequest) -> HttpResponse:
    """The roster of one day (``?day=YYYY-MM-DD``, today by default): view, enter and save it."""
    today = timezone.localdate()
    source = request.POST if request.method == "POST" else request.GET
    day, refused = parse_day(source.get("day"), default=today)
    for reason in refused:
        messages.warning(request, reason)
    office = request.office
    roster = attendance_roster(office=office, day=day, today=today)
    readonly = roster.month_closed or roster.is_future
    can_supervise = has_role(request, Role.SUPERVISOR)
    errors: list[str] = []
    failed = False
    show_override = False
    override_form = OverrideForm()
    data = None
    if request.method == "POST" and not readonly:
        data = request.POST
        if "mark_all" in request.POST:
            data = _mark_all_attended(request.POST, roster)
        override_form = OverrideForm(data)
    form = _roster_form(roster, data=data)
    if request.method == "POST" and readonly:
        errors.append(str(MSG_MONTH_CLOSED if roster.month_closed else MSG_FUTURE_DAY))
        failed = True
    elif request.method == "POST" and "mark_all" not in request.POST:
        valid = form.is_valid() & override_form.is_valid()
        if valid:
            try:
                summary = attendance_record_day(
                    office=office, day=day, rows=form.rows(), by=request.user,
                    override_reason=override_form.cleaned_data["override_reason"] if can_supervise else None,
                    today=today,
                )
            except DayRejected as rejected:
                failed = True
                errors += rejected.errors
                for client_id, messages_of_row in rejected.row_errors.items():
                    if client_id in form.entries:
                        for message in messages_of_row:
                            form.add_row_error(client_id, message)
                show_override = bool(rejected.over_granted) and can_supervise
            else:
                _report(request, summary)
                return redirect(_day_url(day))
        else:
            failed = True
    if failed:
        errors.append(_("Nothing was saved: correct the rows marked below. Your entries are still in the form."))
    lines = _roster_lines(roster, form)
    recorded = [line.row.record for line in lines if line.row.record]
    context = {
        "roster": roster, "lines": lines, "day": day, "today": today, "readonly": readonly,
        "errors": errors, "override_form": override_form, "show_override": show_override,
        "day_form": DayForm(initial={"day": day}),
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1) if day < today else None,
        "status_keys": STATUS_KEYS,
        # the row inputs are written by hand in the template (see DayRosterForm._shown); texts and numbers
        # resolved here, so that the template does not translate or localize the same thing on every row
        "note_placeholder": str(ROW_FIELDS["note"].widget.attrs["placeholder"]),
        "note_max_length": str(NOTE_MAX_LENGTH), "time_step": str(TIME_STEP),
        # the status radios of every row, labels translated once: (key, value, label); the key is the radio's
        # keyboard key (data-key, static/js/attendance.js) and the last part of its id, as RadioSelect numbered it
        "status_choices": [(STATUS_KEYS[value], value, str(label)) for value, label in STATUS_CHOICES],
        "row_labels": {
            "start": pgettext("attendance time", "Start"), "end": pgettext("attendance time", "End"),
            "there": _("there"), "back": _("back"), "meal": _("meal"), "note": _("Note"),
            "previous": _("Previous entry"),
            "month": _("Attended + off-site days this month under the day's certificate / its granted days"),
        },
        "totals": [(status, label, status_mark(status), sum(1 for r in recorded if r.status == status))
                   for status, label in AttendanceStatus.choices],
        "closed_day": rules.office_closed_day(day),
    }
    return render(request, "attendance/day.html", context, status=422 if failed else 200)


@office_required()
@require_http_methods(["GET"])
def attendance_month(request: HttpRequest) -> HttpResponse:
    """The client × day grid of a month (``?month=YYYY-MM``, this month by default) with monthly counts."""
    today = timezone.localdate()
    asked, refused = parse_month(request.GET.get("month"), default=today)
    for reason in refused:
        messages.warning(request, reason)
    month = rules.month_start(asked)
    grid = attendance_month_grid(office=request.office, month=month)
    rows = []
    for client in grid.clients:
        cells = []
        for day in grid.days:
            record = grid.cells.get((client.pk, day))
            cells.append({
                "day": day, "record": record, "mark": status_mark(record.status) if record else "",
                "not_enrolled": (client.pk, day) in grid.not_enrolled,
                "closed": day in grid.closed_days,
                "lacks_times": record is not None and rules.lacks_times(record.status, record.start_time,
                                                                         record.end_time),
            })
        rows.append({"client": client, "cells": cells, "counts": grid.counts[client.pk],
                     "granted": grid.granted[client.pk], "meetings": grid.meetings.get(client.pk, 0),
                     "days_without_times": [cell["day"] for cell in cells if cell["lacks_times"]]})
    context = {
        "grid": grid, "rows": rows, "month": month, "today": today,
        "month_form": MonthForm(initial={"month": month}),
        "previous_month": rules.previous_month(month),
        "next_month": rules.next_month(month) if rules.next_month(month) <= today else None,
        "day_totals": [grid.day_users.get(day, 0) for day in grid.days],
        "legend": [(status_mark(s), label) for s, label in AttendanceStatus.choices],
        "user_days": sum(grid.day_users.values()),
        "days_without_times": sum(len(row["days_without_times"]) for row in rows),
    }
    return render(request, "attendance/month.html", context)


@office_required(Role.SUPERVISOR)
def attendance_day_history(request: HttpRequest, day: date) -> HttpResponse:
    """Every recorded change of the office's attendance of one day (the audit trail), newest first."""
    the_day = day
    events = audit_rows_history(Attendance, office=request.office, day=the_day)
    return history_page(request, _("History of the attendance of %(day)s") % {"day": the_day.isoformat()}, events)


# --- regional cooperation meetings (地域連携会議) ------------------------------------------------------------
def _meetings_url(month: date, client_id: int | None = None) -> str:
    url = f"{reverse('attendance:meetings')}?month={month:%Y-%m}"
    return f"{url}&client={client_id}" if client_id else url


def _asked_client(request: HttpRequest) -> Client | None:
    """The client of ``?client=`` when it is one of the office's (anything else: no client chosen)."""
    value = request.GET.get("client", "")
    if not value.isdigit():
        return None
    return scoped(request, Client).filter(pk=int(value)).first()


@office_required()
@require_http_methods(["GET"])
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The office's regional cooperation meetings of a month (``?month=YYYY-MM``; ``?client=`` one client's)."""
    today = timezone.localdate()
    asked, refused = parse_month(request.GET.get("month"), default=today)
    for reason in refused:
        messages.warning(request, reason)
    month = rules.month_start(asked)
    client = _asked_client(request)
    meetings = regional_meetings_of_month(office=request.office, month=month, client_id=client.pk if client else None)
    closed = bool(attendance_closed_months(office=request.office, months=[month]))
    context = {
        "meetings": meetings, "month": month, "client": client, "today": today, "month_closed": closed,
        "month_form": MonthForm(initial={"month": month}),
        "previous_month": rules.previous_month(month),
        "next_month": rules.next_month(month) if rules.next_month(month) <= today else None,
        "closed_message": MSG_RECORD_MONTH_CLOSED % {"month": f"{month:%Y-%m}"},
    }
    return render(request, "attendance/meetings.html", context)


@office_required()
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    """Record a meeting (``?client=`` and ``?day=`` fill the form)."""
    client = _asked_client(request)
    day, _refused = parse_day(request.GET.get("day"), default=timezone.localdate())
    form = RegionalMeetingForm(request.POST or None, office=request.office,
                               initial={"client": client.pk if client else None, "day": day})
    done = form_submit(
        request, form, success=_("Meeting recorded."),
        action=lambda: regional_meeting_record(office=request.office, by=request.user, **form.cleaned_data),
        then=lambda: redirect(_meetings_url(form.cleaned_data["day"], client.pk if client else None)),
    )
    if done:
        return done
    title = _("Record a regional cooperation meeting")
    back = _meetings_url(day, client.pk if client else None)
    return render(request, "attendance/meeting_form.html", {"form": form, "title": title, "back": back},
                  status=422 if form.errors else 200)


@office_required()
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(scoped(request, RegionalMeeting).select_related("client"), pk=pk)
    was = meeting.day
    form = RegionalMeetingForm(request.POST or None, office=request.office, instance=meeting)
    if request.method == "POST" and form.is_valid():
        meeting.refresh_from_db()  # the form wrote the new values onto the instance; the service reads the old
        try:
            regional_meeting_update(meeting=meeting, by=request.user,
                                    **{name: form.cleaned_data[name] for name in MEETING_FIELDS})
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect(_meetings_url(form.cleaned_data["day"]))
    title = _("Meeting of %(client)s") % {"client": meeting.client.full_name}
    return render(request, "attendance/meeting_form.html",
                  {"form": form, "title": title, "back": _meetings_url(was), "meeting": meeting},
                  status=422 if form.errors else 200)


@office_required()
@require_http_methods(["GET", "POST"])
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete a recorded meeting (POST)."""
    meeting = get_object_or_404(scoped(request, RegionalMeeting).select_related("client"), pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            regional_meeting_delete(meeting=meeting, by=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Meeting deleted."))
            return redirect(_meetings_url(meeting.day))
    return render(request, "attendance/meeting_delete.html",
                  {"meeting": meeting, "errors": errors, "back": _meetings_url(meeting.day)},
                  status=422 if errors else 200)

"""The attendance rules that the roster, the day-save service, the import and the demo share.  Pure
functions over plain values: no queries.  The rules of the regulations themselves (granted days, which
certificate governs a month, billable statuses, over-capacity) are ``regulations.rules``; this module only
applies them to attendance's facts.

* ``month_start(day)`` / ``month_end(day)`` / ``days_in_month(day)`` (``regulations.rules``)
* ``EnrolmentFacts.granted_days(month, billable_days)``: 支給量 of the certificate governing the month (shown);
  ``days_under_certificate(day, billable_days)``: the days counted against the day's own certificate (the rule).
* ``enrolment_problem(facts, day)``: why a client may not have attendance on ``day`` (or ``None``);
  ``enrolment_refusal(facts, day)`` gives the same answer as an ``AttendanceError`` code.
* ``office_closed_day(day)``: weekends, Japanese public holidays and the year-end break (demo, month view).
* ``row_fingerprint(...)``: a short digest of a row's values, carried by the roster form so that a save
  can tell which rows the user actually changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import jpholiday
from django.utils.translation import gettext_lazy as _

from attendance.errors import AttendanceError
from attendance.models import BILLABLE_ATTENDANCE, AttendanceStatus
from regulations import rules as regulations
from regulations.rules import days_in_month, month_end, month_start

BILLABLE = frozenset(BILLABLE_ATTENDANCE)  # count against granted days
ABSENCES = frozenset({AttendanceStatus.ABSENT, AttendanceStatus.ABSENT_SUPPORTED})
# days of service: the record sheet (サービス提供実績記録票) shows their start and end times
TIMED = frozenset({AttendanceStatus.ATTENDED, AttendanceStatus.OFFSITE})


def lacks_times(status: str, start_time, end_time) -> bool:
    """A day of service (通所, 施設外支援) saved without its start or end time: the record sheet needs both."""
    return status in TIMED and (start_time is None or end_time is None)


# Why a client cannot have attendance on a day (shown on the row).
MSG_OUTSIDE_CERTIFICATE = _("No recipient certificate is valid on this day.")
MSG_BEFORE_ENROLMENT = _("The client was not enrolled yet on this day.")
MSG_AFTER_END = _("The client's use of the office had ended by this day.")
ENROLMENT_MESSAGES = {
    AttendanceError.OUTSIDE_CERTIFICATE: MSG_OUTSIDE_CERTIFICATE,
    AttendanceError.BEFORE_ENROLMENT: MSG_BEFORE_ENROLMENT,
    AttendanceError.AFTER_END: MSG_AFTER_END,
}


def next_month(day: date) -> date:
    return month_end(day) + timedelta(days=1)


def previous_month(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def month_days(month: date) -> list[date]:
    first = month_start(month)
    return [first + timedelta(days=offset) for offset in range(days_in_month(first))]


@dataclass(frozen=True)
class CertificateFacts:
    number: str
    period_start: date
    period_end: date
    granted_days: int | None

    def covers(self, day: date) -> bool:
        return self.period_start <= day <= self.period_end


@dataclass(frozen=True)
class PeriodFacts:
    started_on: date
    enrolled_on: date | None
    ended_on: date | None


@dataclass
class EnrolmentFacts:
    """What the enrolment rule needs to know about one client (see ``enrolment_problem``)."""

    client_id: int
    enrolled_on: date | None
    ended_on: date | None
    certificates: list[CertificateFacts] = field(default_factory=list)
    periods: list[PeriodFacts] = field(default_factory=list)

    def certificate_on(self, day: date) -> CertificateFacts | None:
        return regulations.certificate_on(self.certificates, day)

    def problem_on(self, day: date):
        return enrolment_problem(self, day)

    def refusal_on(self, day: date) -> AttendanceError | None:
        return enrolment_refusal(self, day)

    def days_under_certificate(self, day: date, billable_days: Iterable[date]) -> tuple[int, int] | None:
        """(billable days counted, granted days) of the certificate valid on ``day``, over that certificate's
        own days of the month (``regulations.rules.certificate_days``, as billing counts them: a certificate
        that changes mid-month has its own granted days); None when no certificate covers ``day``."""
        certificate = self.certificate_on(day)
        for part in regulations.certificate_days(self.certificates, day, billable_days):
            if part.certificate is certificate:
                return len(part.days), part.granted
        return None

    def granted_days(self, month: date, billable_days: Iterable[date] = ()) -> int | None:
        """支給量 of ``month`` by the certificate that governs it (``regulations.rules.certificate_for_month``:
        the one covering the month's last billable day, else the latest in the month); None without one."""
        certificate = regulations.certificate_for_month(self.certificates, month, billable_days)
        return None if certificate is None else regulations.granted_days(certificate.granted_days, month)


def enrolment_problem(facts: EnrolmentFacts, day: date):
    """``None`` when the client may have attendance on ``day``, else the message saying why not (the rule is
    ``enrolment_refusal``)."""
    code = enrolment_refusal(facts, day)
    return None if code is None else ENROLMENT_MESSAGES[code]


def enrolment_refusal(facts: EnrolmentFacts, day: date) -> AttendanceError | None:
    """``None`` when the client may have attendance on ``day``, else the code saying why not.

    A client may attend on a day when a transition certificate is valid that day (``facts.certificates``
    holds only those: callers read ``Certificate.objects.transition()``) and the day falls in a period of use
    between its enrolment and its end (both inclusive).  Clients whose periods of use are recorded are
    judged by them (so the days between a hire and a return, 再利用, are closed); for a client without
    periods, the client's own enrolment and end dates are used.
    """
    refusal = period_refusal(facts, day)
    if refusal is not None:
        return refusal
    if facts.certificate_on(day) is None:
        return AttendanceError.OUTSIDE_CERTIFICATE
    return None


def period_refusal(facts: EnrolmentFacts, day: date) -> AttendanceError | None:
    """``None`` when ``day`` falls in one of the client's periods of use (between its enrolment and its end,
    both inclusive), else why not.  Judged by the recorded periods of use when there are any, else by the
    client's own enrolment and end dates.  Billing counts no day outside a period of use."""
    if facts.periods:
        enrolled = [p for p in facts.periods if p.enrolled_on is not None and p.enrolled_on <= day]
        if not enrolled:
            return AttendanceError.BEFORE_ENROLMENT
        if not any(p.ended_on is None or day <= p.ended_on for p in enrolled):
            return AttendanceError.AFTER_END
        return None
    if facts.enrolled_on is None or day < facts.enrolled_on:
        return AttendanceError.BEFORE_ENROLMENT
    if facts.ended_on is not None and day > facts.ended_on:
        return AttendanceError.AFTER_END
    return None


def year_end_break(day: date) -> bool:
    """12/29–1/3, when offices (and the demo) are closed."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def office_closed_day(day: date) -> bool:
    """Weekends, Japanese public holidays (jpholiday) and the year-end break."""
    return day.weekday() >= 5 or jpholiday.is_holiday(day) or year_end_break(day)


def row_fingerprint(
    *, status: str, start_time: time | None, end_time: time | None, transport_to: bool, transport_from: bool,
    meal: bool, note: str,
) -> str:
    """A short digest of a row's values; the empty string stands for "no row"."""
    if not status:
        return ""
    text = "|".join([
        status, start_time.strftime("%H:%M") if start_time else "", end_time.strftime("%H:%M") if end_time else "",
        str(int(transport_to)), str(int(transport_from)), str(int(meal)), note.strip(),
    ])
    return hashlib.sha256(text.encode()).hexdigest()[:16]

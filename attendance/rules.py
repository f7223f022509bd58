"""The attendance rules that the roster, the day-save service, the import, billing and the demo share —
each written once, here.  Pure functions over plain values: no queries.

* ``month_start(day)`` / ``month_end(day)`` / ``days_in_month(day)``
* ``granted_days_for_month(granted_days, month)``: 支給量; an empty value is the standard
  "days in the month − 8".
* ``certificate_for_month(certificates, month)``: which certificate's granted days apply to a month.
* ``enrolment_problem(facts, day)``: why a client may not have attendance on ``day`` (or ``None``).
* ``capacity_day_exceeded`` / ``capacity_average_exceeded``: 定員超過 (150 % on a day, 125 % on average).
* ``office_closed_day(day)``: weekends, Japanese public holidays and the year-end break (demo, month view).
* ``row_fingerprint(...)``: a short digest of a row's values, carried by the roster form so that a save
  can tell which rows the user actually changed.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import jpholiday
from django.utils.translation import gettext_lazy as _

from attendance.models import AttendanceStatus
from clients.rules import standard_granted_days

BILLABLE = frozenset({AttendanceStatus.ATTENDED, AttendanceStatus.OFFSITE})  # count against granted days
ABSENCES = frozenset({AttendanceStatus.ABSENT, AttendanceStatus.ABSENT_SUPPORTED})

CAPACITY_DAY_LIMIT_PERCENT = 150  # 定員超過: any day above 150 % of capacity
CAPACITY_AVERAGE_LIMIT_PERCENT = 125  # 定員超過: average above 125 % of capacity

# Why a client cannot have attendance on a day (shown on the row).
MSG_OUTSIDE_CERTIFICATE = _("No recipient certificate is valid on this day.")
MSG_BEFORE_ENROLMENT = _("The client was not enrolled yet on this day.")
MSG_AFTER_END = _("The client's use of the office had ended by this day.")


def month_start(day: date) -> date:
    return day.replace(day=1)


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def month_end(day: date) -> date:
    return day.replace(day=days_in_month(day))


def next_month(day: date) -> date:
    return month_end(day) + timedelta(days=1)


def previous_month(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def month_days(month: date) -> list[date]:
    first = month_start(month)
    return [first + timedelta(days=offset) for offset in range(days_in_month(first))]


def granted_days_for_month(granted_days: int | None, month: date) -> int:
    """支給量 for ``month``: the certificate's figure, or the standard days-in-month − 8 when it is empty
    (``clients.rules.standard_granted_days``, the one definition of the standard)."""
    if granted_days is not None:
        return granted_days
    return standard_granted_days(month)


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
        return next((c for c in self.certificates if c.covers(day)), None)

    def problem_on(self, day: date):
        return enrolment_problem(self, day)

    def granted_days(self, month: date) -> int | None:
        certificate = certificate_for_month(self.certificates, month)
        return None if certificate is None else granted_days_for_month(certificate.granted_days, month)


def certificate_for_month(certificates: Iterable[CertificateFacts], month: date) -> CertificateFacts | None:
    """The certificate whose granted days apply to ``month``: of those valid on some day of the month, the
    one that starts last (a renewal mid-month applies to that month)."""
    first, last = month_start(month), month_end(month)
    overlapping = [c for c in certificates if c.period_start <= last and c.period_end >= first]
    return max(overlapping, key=lambda c: c.period_start, default=None)


def enrolment_problem(facts: EnrolmentFacts, day: date):
    """``None`` when the client may have attendance on ``day``, else the message saying why not.

    A client may attend on a day when a transition certificate is valid that day (``facts.certificates``
    holds only those: callers read ``Certificate.objects.transition()``) and the day falls in a period of use
    between its enrolment and its end (both inclusive).  Clients whose periods of use are recorded are
    judged by them (so the days between a hire and a return, 再利用, are closed); for a client without
    periods, the client's own enrolment and end dates are used.
    """
    if facts.periods:
        enrolled = [p for p in facts.periods if p.enrolled_on is not None and p.enrolled_on <= day]
        if not enrolled:
            return MSG_BEFORE_ENROLMENT
        if not any(p.ended_on is None or day <= p.ended_on for p in enrolled):
            return MSG_AFTER_END
    else:
        if facts.enrolled_on is None or day < facts.enrolled_on:
            return MSG_BEFORE_ENROLMENT
        if facts.ended_on is not None and day > facts.ended_on:
            return MSG_AFTER_END
    if facts.certificate_on(day) is None:
        return MSG_OUTSIDE_CERTIFICATE
    return None


def capacity_day_exceeded(*, users: int, capacity: int) -> bool:
    """A day's users above 150 % of capacity (integer arithmetic: 31 of 20 is over, 30 is not)."""
    return users * 100 > capacity * CAPACITY_DAY_LIMIT_PERCENT


def capacity_average_exceeded(*, user_days: int, open_days: int, capacity: int) -> bool:
    """User-days above capacity × open days × 125 %."""
    return user_days * 100 > capacity * open_days * CAPACITY_AVERAGE_LIMIT_PERCENT


def percent_limit(capacity: int, percent: int) -> Decimal:
    return (Decimal(capacity) * percent / 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


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

"""The placement rules that billing, case review and reports share — each written once, here.

* ``six_month_date(start)``: the day a hire reaches six months (start + 6 calendar months).
* ``hire_retention(...)``: retained / short fixed-term / left / pending, judged on that day.
* ``followup_phase(start, day)``: which service a follow-up contact on ``day`` belongs to.
* ``fiscal_year_of(day)`` / ``fiscal_year_bounds(fy)``: Japanese fiscal years run April–March.
"""

from __future__ import annotations

import enum
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

RETENTION_SUPPORT_FIRST_MONTH = 7  # 就労定着支援 runs from month 7 …
RETENTION_SUPPORT_LAST_MONTH = 42  # … to the end of year 3½


def six_month_date(start: date) -> date:
    """The day a job started on ``start`` reaches six months (calendar months; 31 Aug → 28/29 Feb)."""
    return start + relativedelta(months=6)


class Retention(enum.StrEnum):
    RETAINED = "retained"  # still in the job on the six-month day
    SHORT_FIXED_TERM = "short_fixed_term"  # a fixed-term job planned to end before six months
    LEFT = "left"  # left the job before the six-month day
    PENDING = "pending"  # still in the job, six-month day not reached yet


def hire_retention(*, start: date, ended_on: date | None, fixed_term_end: date | None, as_of: date) -> Retention:
    """Retention of one hire as known on ``as_of``.  A person is retained when still in that job on the
    six-month day (their last working day is on or after it)."""
    six = six_month_date(start)
    if fixed_term_end is not None and fixed_term_end < six:
        return Retention.SHORT_FIXED_TERM
    if ended_on is not None and ended_on < six:
        return Retention.LEFT if ended_on <= as_of else Retention.PENDING
    return Retention.RETAINED if as_of >= six else Retention.PENDING


class FollowUpPhase(enum.StrEnum):
    UNPAID = "unpaid"  # months 0–6: owed by the transition service, not paid
    RETENTION_SUPPORT = "retention_support"  # months 7–42: 就労定着支援, paid monthly
    AFTER = "after"  # beyond year 3½


def month_after_start(start: date, day: date) -> int:
    """1 for the first month after the start (start ≤ day < start + 1 month), 2 for the next, …"""
    delta = relativedelta(day, start)
    return delta.years * 12 + delta.months + 1


def followup_phase(*, start: date, day: date) -> FollowUpPhase:
    if day < six_month_date(start):
        return FollowUpPhase.UNPAID
    if day < start + relativedelta(months=RETENTION_SUPPORT_LAST_MONTH):
        return FollowUpPhase.RETENTION_SUPPORT
    return FollowUpPhase.AFTER


def fiscal_year_of(day: date) -> int:
    """Fiscal year 2024 runs 2024-04-01 … 2025-03-31."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    return date(fiscal_year, 4, 1), date(fiscal_year + 1, 4, 1) - timedelta(days=1)


def retention_support_span(start: date) -> tuple[date, date]:
    """The 就労定着支援 phase of a job started on ``start``: first day and the day after its last day."""
    return six_month_date(start), start + relativedelta(months=RETENTION_SUPPORT_LAST_MONTH)


def retention_support_month_billable(*, face_to_face: int, support_reports: int) -> bool:
    """A month of 就労定着支援 is billable with at least one face-to-face contact with the person and a
    support report shared with them (required from 2021)."""
    return face_to_face >= 1 and support_reports >= 1


# --- IPS fidelity: targets the office measures itself against ------------------------------------------
FIDELITY_DAYS_TO_FIRST_EMPLOYER_CONTACT = 30  # days from enrolment to the first face-to-face employer contact (≤)
FIDELITY_EMPLOYER_CONTACTS_PER_WEEK = 6  # face-to-face employer contacts per specialist per week (≥)
FIDELITY_MAX_CASELOAD = 20  # clients per employment specialist (≤)
FIDELITY_COMPETITIVE_SHARE = 0.9  # share of hires that are competitive jobs (≥)
FIDELITY_DIVERSITY = 0.85  # chance that two hires differ in job field / in employer (≥)
FIDELITY_FIRST_FOLLOWUP_DAYS = 3  # a follow-up contact within 3 days after the start …
FIDELITY_FIRST_MONTH_WEEKS = 4  # … and in each of the first four weeks
FIDELITY_FOLLOWUP_SHARE = 1.0  # share of hires meeting the follow-up items (every hire)


def followed_up_within_days(*, start: date, contact_days: list[date], days: int = FIDELITY_FIRST_FOLLOWUP_DAYS) -> bool:
    """A follow-up contact on the start day or within ``days`` days after it."""
    return any(start <= d <= start + timedelta(days=days) for d in contact_days)


def followed_up_weekly_first_month(*, start: date, contact_days: list[date]) -> bool:
    """At least one follow-up contact in each of the first four weeks after the start."""
    weeks = {(d - start).days // 7 for d in contact_days if d >= start}
    return all(week in weeks for week in range(FIDELITY_FIRST_MONTH_WEEKS))


def diversity_index(counts: list[int]) -> float | None:
    """Gini–Simpson index: the chance that two hires picked at random (without replacement) differ.
    None with fewer than two hires."""
    total = sum(counts)
    if total < 2:
        return None
    same = sum(c * (c - 1) for c in counts) / (total * (total - 1))
    return 1 - same

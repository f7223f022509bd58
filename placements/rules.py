"""The IPS practice targets the office measures itself against (fidelity), and the calculations on them.

The rules of the regulations about hires — the six-month day, retention, the follow-up phases and their
dates, fiscal years — are ``regulations.rules`` (one definition each); callers import them from there.
"""

from __future__ import annotations

from datetime import date, timedelta

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

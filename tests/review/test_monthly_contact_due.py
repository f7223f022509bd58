"""Rule (issue 18): a contact owed once a calendar month (a follow-up in months 0–6, a face-to-face meeting in
就労定着支援) is flagged when it is due — from the 20th of the month, or once the last one is more than 35 days
ago — not from the 1st (``review.placement_flags.monthly_contact_due``)."""

from datetime import date

import pytest

from review.placement_flags import MONTHLY_CONTACT_DUE_FROM_DAY, MONTHLY_CONTACT_INTERVAL_DAYS, monthly_contact_due

SINCE = date(2025, 1, 1)  # when the duty began (the six-month day, or the end of the first week)


@pytest.mark.parametrize(
    ("day", "last_contact", "due"),
    [
        (date(2026, 12, 2), date(2026, 11, 22), False),  # the 2nd, last month's contact 10 days ago
        (date(2026, 12, 19), date(2026, 11, 22), False),  # 27 days: still in rhythm
        (date(2026, 12, 20), date(2026, 11, 22), True),  # the 20th with none this month
        (date(2026, 12, 31), date(2026, 11, 30), True),
        (date(2026, 12, 5), date(2026, 10, 30), True),  # 36 days: November had none
        (date(2026, 12, 5), date(2026, 10, 31), False),  # exactly 35 days
        (date(2027, 2, 20), date(2027, 1, 28), True),  # February too, from the 20th
    ],
)
def test_a_monthly_contact_is_due_from_the_20th_or_after_35_days(day, last_contact, due):
    assert monthly_contact_due(day=day, held_this_month=False, last_contact=last_contact, since=SINCE) is due


def test_a_contact_held_this_month_is_never_due():
    assert not monthly_contact_due(
        day=date(2026, 12, 31), held_this_month=True, last_contact=date(2026, 12, 1), since=SINCE
    )


def test_with_no_contact_ever_the_days_count_from_when_the_duty_began():
    since = date(2026, 11, 10)
    assert not monthly_contact_due(day=date(2026, 12, 2), held_this_month=False, last_contact=None, since=since)
    assert monthly_contact_due(day=date(2026, 12, 16), held_this_month=False, last_contact=None, since=since)


def test_the_thresholds_are_the_documented_ones():
    assert (MONTHLY_CONTACT_DUE_FROM_DAY, MONTHLY_CONTACT_INTERVAL_DAYS) == (20, 35)

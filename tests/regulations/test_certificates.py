"""Rules: which certificate governs a day, and which one sets a month's granted days (billing's rule)."""

from dataclasses import dataclass
from datetime import date

from regulations.rules import certificate_for_month, certificate_on, latest_certificate_in_month


@dataclass(frozen=True)
class Cert:
    name: str
    period_start: date
    period_end: date


JUNE = date(2025, 6, 1)
OLD = Cert("old", date(2023, 6, 16), date(2025, 6, 15))  # ends mid-June …
NEW = Cert("new", date(2025, 6, 16), date(2026, 6, 15))  # … renewed the next day
RENEWED = [OLD, NEW]


def test_a_certificate_covers_both_ends_of_its_period():
    assert certificate_on(RENEWED, date(2025, 6, 15)) is OLD
    assert certificate_on(RENEWED, date(2025, 6, 16)) is NEW
    assert certificate_on(RENEWED, date(2023, 6, 15)) is None


def test_renewal_mid_month_the_certificate_of_the_last_billable_day_sets_the_month():
    assert certificate_for_month(RENEWED, JUNE, [date(2025, 6, 3), date(2025, 6, 20), date(2025, 6, 10)]) is NEW


def test_renewal_mid_month_attendance_only_before_it_keeps_the_old_certificate():
    assert certificate_for_month(RENEWED, JUNE, [date(2025, 6, 2), date(2025, 6, 13)]) is OLD


def test_renewal_mid_month_without_billable_days_the_certificate_of_the_month_end_sets_it():
    assert certificate_for_month(RENEWED, JUNE, []) is NEW


def test_billable_days_outside_every_certificate_or_the_month_are_not_the_anchor():
    gap = [Cert("a", date(2024, 6, 11), date(2025, 6, 10)), Cert("b", date(2025, 6, 20), date(2026, 6, 19))]
    days = [date(2025, 6, 5), date(2025, 6, 15), date(2025, 7, 1)]  # 15th: in the gap; 1 July: next month
    assert certificate_for_month(gap, JUNE, days).name == "a"


def test_a_certificate_ending_mid_month_without_a_successor_still_sets_the_month():
    assert certificate_for_month([OLD], JUNE, []) is OLD


def test_no_certificate_overlapping_the_month_sets_nothing():
    assert certificate_for_month(RENEWED, date(2026, 7, 1), [date(2026, 7, 1)]) is None


def test_the_latest_certificate_in_a_month_is_the_one_starting_last():
    assert latest_certificate_in_month(RENEWED, JUNE) is NEW
    assert latest_certificate_in_month(RENEWED, date(2025, 5, 1)) is OLD
    assert latest_certificate_in_month(RENEWED, date(2026, 7, 1)) is None

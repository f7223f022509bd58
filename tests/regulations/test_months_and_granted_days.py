"""Rules: month helpers and granted days (支給量: the certificate's figure, else days in the month − 8)."""

from datetime import date

import pytest

from regulations.rules import (
    BILLABLE_STATUSES,
    days_in_month,
    granted_days,
    is_billable,
    month_bounds,
    month_end,
    month_start,
    months_ending_with,
    rolling_window,
    standard_granted_days,
)


def test_month_helpers_find_the_first_and_last_day_of_a_leap_february():
    assert month_start(date(2024, 2, 17)) == date(2024, 2, 1)
    assert month_end(date(2024, 2, 17)) == date(2024, 2, 29)
    assert days_in_month(date(2024, 2, 1)) == 29
    assert month_bounds(date(2025, 2, 28)) == (date(2025, 2, 1), date(2025, 2, 28))


def test_months_ending_with_go_back_across_the_new_year():
    assert months_ending_with(date(2025, 1, 20), 3) == (
        (date(2025, 1, 1), date(2025, 1, 31)),
        (date(2024, 12, 1), date(2024, 12, 31)),
        (date(2024, 11, 1), date(2024, 11, 30)),
    )


def test_the_rolling_window_is_this_month_and_the_two_before():
    assert rolling_window(date(2024, 4, 30)) == (date(2024, 2, 1), date(2024, 4, 30))


@pytest.mark.parametrize(("month", "days"), [
    (date(2025, 1, 1), 23),
    (date(2025, 4, 1), 22),
    (date(2025, 2, 1), 20),
    (date(2024, 2, 1), 21),  # leap year
    (date(2100, 2, 1), 20),  # not a leap year (divisible by 100)
])
def test_standard_granted_days_are_days_in_the_month_minus_8(month, days):
    assert standard_granted_days(month) == days


def test_the_certificates_own_granted_days_win_over_the_standard():
    assert granted_days(15, date(2025, 1, 1)) == 15


def test_without_a_figure_on_the_certificate_the_standard_applies():
    assert granted_days(None, date(2024, 2, 10)) == 21
    assert granted_days(0, date(2025, 2, 10)) == 20  # billing reads an empty 0 as "no figure" too


@pytest.mark.parametrize(("status", "billable"), [
    ("attended", True), ("offsite", True), ("absent", False), ("absent_supported", False), ("", False),
])
def test_only_attendance_and_offsite_support_are_billable(status, billable):
    assert is_billable(status) is billable


def test_billable_statuses_are_attended_and_offsite():
    assert BILLABLE_STATUSES == ("attended", "offsite")

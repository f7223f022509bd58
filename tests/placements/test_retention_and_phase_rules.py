"""Rules: six-month retention, follow-up phases and fiscal years at their edges."""

from datetime import date

import pytest

from placements.rules import diversity_index, followed_up_weekly_first_month, followed_up_within_days
from regulations.rules import (
    FollowUpPhase,
    Retention,
    fiscal_year_bounds,
    fiscal_year_of,
    followup_phase,
    hire_retention,
    six_month_date,
)

START = date(2024, 4, 1)
SIX = date(2024, 10, 1)


def test_six_month_day_is_six_calendar_months_later_and_clamps_month_ends():
    assert six_month_date(START) == SIX
    assert six_month_date(date(2023, 8, 31)) == date(2024, 2, 29)


def test_retained_when_still_in_the_job_on_exactly_the_six_month_day():
    assert hire_retention(start=START, ended_on=SIX, fixed_term_end=None, as_of=SIX) == Retention.RETAINED


def test_left_when_the_job_ended_the_day_before_six_months():
    assert hire_retention(start=START, ended_on=date(2024, 9, 30), fixed_term_end=None,
                          as_of=SIX) == Retention.LEFT


def test_pending_until_the_six_month_day_is_reached():
    assert hire_retention(start=START, ended_on=None, fixed_term_end=None,
                          as_of=date(2024, 9, 30)) == Retention.PENDING
    assert hire_retention(start=START, ended_on=None, fixed_term_end=None, as_of=SIX) == Retention.RETAINED


def test_short_fixed_term_job_under_six_months_is_counted_separately():
    assert hire_retention(start=START, ended_on=date(2024, 8, 31), fixed_term_end=date(2024, 8, 31),
                          as_of=SIX) == Retention.SHORT_FIXED_TERM


def test_fixed_term_job_reaching_six_months_counts_as_retained():
    assert hire_retention(start=START, ended_on=None, fixed_term_end=SIX, as_of=SIX) == Retention.RETAINED


@pytest.mark.parametrize(("day", "phase"), [
    (START, FollowUpPhase.UNPAID),
    (date(2024, 9, 30), FollowUpPhase.UNPAID),
    (SIX, FollowUpPhase.RETENTION_SUPPORT),
    (date(2027, 9, 30), FollowUpPhase.RETENTION_SUPPORT),
    (date(2027, 10, 1), FollowUpPhase.AFTER),
])
def test_followup_phase_edges(day, phase):
    assert followup_phase(start=START, day=day) == phase


@pytest.mark.parametrize(("day", "fiscal_year"), [
    (date(2025, 3, 31), 2024), (date(2025, 4, 1), 2025), (date(2024, 4, 1), 2024), (date(2025, 1, 1), 2024),
])
def test_fiscal_year_turns_on_april_first(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


def test_fiscal_year_bounds_run_april_to_march():
    assert fiscal_year_bounds(2024) == (date(2024, 4, 1), date(2025, 3, 31))


def test_first_followup_counts_within_three_days_of_the_start_only():
    assert followed_up_within_days(start=START, contact_days=[date(2024, 4, 4)])
    assert not followed_up_within_days(start=START, contact_days=[date(2024, 4, 5)])


def test_weekly_first_month_needs_a_contact_in_each_of_four_weeks():
    weekly = [date(2024, 4, 1), date(2024, 4, 8), date(2024, 4, 15), date(2024, 4, 28)]
    assert followed_up_weekly_first_month(start=START, contact_days=weekly)
    assert not followed_up_weekly_first_month(start=START, contact_days=weekly[:3] + [date(2024, 4, 29)])


def test_diversity_is_the_chance_that_two_hires_differ():
    assert diversity_index([1, 1, 1, 1]) == 1
    assert diversity_index([4]) == 0
    assert diversity_index([2, 2]) == pytest.approx(2 / 3)
    assert diversity_index([1]) is None

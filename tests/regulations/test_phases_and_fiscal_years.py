"""Rules: the six-month day, retention of a hire, follow-up phases, retention-support months, fiscal years
and the new office — at their month-end and year-end edges."""

from datetime import date

import pytest

from regulations.rules import (
    FollowUpPhase,
    Retention,
    fiscal_year_bounds,
    fiscal_year_of,
    followup_phase,
    hire_retention,
    month_after_start,
    new_office,
    retention_support_month_billable,
    retention_support_span,
    six_month_date,
)
from tests.regulations.figures import FIGURES, FIGURES_2019

START = date(2024, 4, 1)
SIX = date(2024, 10, 1)
AUG_31 = date(2024, 8, 31)


def test_the_six_month_day_is_six_calendar_months_later_clamped_to_the_month_end():
    assert six_month_date(START) == SIX
    assert six_month_date(AUG_31) == date(2025, 2, 28)
    assert six_month_date(date(2023, 8, 31)) == date(2024, 2, 29)


def test_retained_when_still_in_the_job_on_exactly_the_six_month_day():
    assert hire_retention(start=START, ended_on=SIX, fixed_term_end=None, as_of=SIX) == Retention.RETAINED


def test_left_when_the_job_ended_the_day_before_six_months():
    assert hire_retention(start=START, ended_on=date(2024, 9, 30), fixed_term_end=None, as_of=SIX) == Retention.LEFT


def test_an_end_known_in_advance_is_pending_until_it_comes():
    assert hire_retention(start=START, ended_on=date(2024, 9, 30), fixed_term_end=None,
                          as_of=date(2024, 9, 1)) == Retention.PENDING


def test_pending_until_the_six_month_day_is_reached():
    assert hire_retention(start=START, ended_on=None, fixed_term_end=None, as_of=date(2024, 9, 30)) == Retention.PENDING


def test_a_fixed_term_job_that_ended_when_its_term_ran_out_before_six_months_is_short_fixed_term():
    assert hire_retention(start=START, ended_on=date(2024, 9, 30), fixed_term_end=date(2024, 9, 30),
                          as_of=SIX) == Retention.SHORT_FIXED_TERM


def test_a_renewed_fixed_term_job_still_going_at_six_months_is_retained():
    """Rule: retention reads what happened — the contract ended before the six-month day on paper, but it was
    renewed and the person is still in the job."""
    assert hire_retention(start=START, ended_on=None, fixed_term_end=date(2024, 9, 30),
                          as_of=SIX) == Retention.RETAINED


def test_a_fixed_term_job_left_before_its_term_is_left():
    assert hire_retention(start=START, ended_on=date(2024, 9, 1), fixed_term_end=date(2024, 9, 30),
                          as_of=SIX) == Retention.LEFT


def test_a_fixed_term_job_before_its_planned_end_is_pending():
    assert hire_retention(start=START, ended_on=None, fixed_term_end=date(2024, 9, 30),
                          as_of=date(2024, 9, 15)) == Retention.PENDING


@pytest.mark.parametrize(("day", "phase", "month"), [
    (date(2024, 8, 31), FollowUpPhase.UNPAID, 1),
    (date(2024, 9, 30), FollowUpPhase.UNPAID, 2),  # 31 Aug + 1 month = 30 Sep
    (date(2025, 2, 27), FollowUpPhase.UNPAID, 6),
    (date(2025, 2, 28), FollowUpPhase.RETENTION_SUPPORT, 7),  # the six-month day
    (date(2028, 2, 28), FollowUpPhase.RETENTION_SUPPORT, 42),
    (date(2028, 2, 29), FollowUpPhase.AFTER, 43),  # start + 42 months
])
def test_followup_phase_and_month_agree_at_month_end_edges_for_a_start_on_31_august(day, phase, month):
    assert followup_phase(start=AUG_31, day=day) == phase
    assert month_after_start(AUG_31, day) == month


def test_the_retention_support_span_runs_from_the_six_month_day_to_start_plus_42_months():
    assert retention_support_span(AUG_31) == (date(2025, 2, 28), date(2028, 2, 29))


def test_a_retention_support_month_needs_a_face_to_face_contact():
    assert retention_support_month_billable(face_to_face=0, support_reports=3, figures=FIGURES) is False


def test_from_2021_a_retention_support_month_also_needs_a_support_report():
    assert retention_support_month_billable(face_to_face=1, support_reports=0, figures=FIGURES) is False
    assert retention_support_month_billable(face_to_face=1, support_reports=1, figures=FIGURES) is True


def test_before_2021_a_face_to_face_contact_is_enough():
    assert retention_support_month_billable(face_to_face=1, support_reports=0, figures=FIGURES_2019) is True


@pytest.mark.parametrize(("day", "fiscal_year"), [
    (date(2025, 3, 31), 2024), (date(2025, 4, 1), 2025), (date(2025, 12, 31), 2025), (date(2026, 1, 1), 2025),
])
def test_fiscal_years_run_april_to_march(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2024) == (date(2024, 4, 1), date(2025, 3, 31))


@pytest.mark.parametrize(("opened_on", "fiscal_year", "is_new"), [
    (date(2024, 4, 1), 2024, True),
    (date(2024, 4, 1), 2025, True),
    (date(2024, 4, 1), 2026, False),
    (date(2025, 3, 31), 2025, True),  # opened on the last day of fiscal 2024: 2024 and 2025 are its first two
    (date(2025, 3, 31), 2026, False),
    (date(2010, 4, 1), 2024, False),  # the office of the seeds
])
def test_an_office_is_new_in_the_fiscal_year_it_opened_and_the_next(opened_on, fiscal_year, is_new):
    assert new_office(opened_on=opened_on, fiscal_year=fiscal_year, figures=FIGURES) is is_new

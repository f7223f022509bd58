"""Rules: retention per fiscal year (short fixed-term apart), the fee-tier numerator over the two previous
fiscal years, attendance days before each hire with mean/sd/median, and re-use."""

from datetime import date, timedelta

import pytest

from attendance.models import AttendanceStatus
from placements.figures import (
    placement_days_before_hire,
    placement_retention_figures,
    placement_reuse,
    placement_tier_retention,
)
from placements.models import EmploymentForm
from tests.factories import ClientFactory, HireFactory, ServicePeriodFactory
from tests.factories import attend as attend_days


def test_retention_per_fiscal_year_counts_short_fixed_term_apart(world):
    HireFactory(office=world.office, start_date=date(2024, 4, 1))  # retained
    HireFactory(office=world.office, start_date=date(2024, 5, 1), ended_on=date(2024, 6, 1), end_reason="quit")
    HireFactory(office=world.office, start_date=date(2025, 3, 31), employment_form=EmploymentForm.FIXED_TERM,
                fixed_term_end=date(2025, 6, 30), ended_on=date(2025, 6, 30), end_reason="contract_ended")
    years = {y.fiscal_year: y for y in placement_retention_figures(office=world.office, as_of=date(2026, 1, 1))}
    assert (years[2024].hires, years[2024].retained, years[2024].left, years[2024].short_fixed_term) == (3, 1, 1, 1)


def test_tier_counts_hires_of_the_two_previous_fiscal_years_by_their_start(world):
    before = HireFactory(office=world.office, start_date=date(2023, 3, 31))  # FY2022: outside
    first = HireFactory(office=world.office, start_date=date(2023, 4, 1))  # FY2023: inside
    last = HireFactory(office=world.office, start_date=date(2025, 3, 31))  # FY2024: inside
    after = HireFactory(office=world.office, start_date=date(2025, 4, 1))  # FY2025: outside
    tier = placement_tier_retention(office=world.office, fiscal_year=2025, as_of=date(2025, 10, 1))
    assert [r.hire for r in tier.hires] == [first, last]
    assert tier.numerator == 2
    assert before not in [r.hire for r in tier.retained] and after not in [r.hire for r in tier.retained]


def attend(world, client, first, days, status=AttendanceStatus.ATTENDED):
    attend_days(client, [first + timedelta(days=i) for i in range(days)], status=status, by=world.staff)


def test_days_before_hire_count_attendance_in_the_period_that_led_to_the_hire(world):
    client = ClientFactory(office=world.office, service_period=False)
    ServicePeriodFactory(client=client, started_on=date(2023, 4, 1), enrolled_on=date(2023, 4, 1),
                         ended_on=date(2023, 9, 30))
    attend(world, client, date(2023, 4, 1), 5)  # an earlier period: not counted
    ServicePeriodFactory(client=client, started_on=date(2024, 4, 1), enrolled_on=date(2024, 4, 1))
    attend(world, client, date(2024, 4, 1), 10)
    attend(world, client, date(2024, 4, 20), 3, AttendanceStatus.ABSENT)  # absences: not counted
    attend(world, client, date(2024, 5, 1), 2, AttendanceStatus.OFFSITE)
    HireFactory(office=world.office, client=client, start_date=date(2024, 5, 2))  # 5/2 itself not counted
    result = placement_days_before_hire(office=world.office)
    assert [d for _h, d in result.hires] == [11]


def test_days_before_hire_statistics_per_fiscal_year(world):
    for days in [10, 20, 60]:
        client = ClientFactory(office=world.office, service_period=False)
        ServicePeriodFactory(client=client, started_on=date(2024, 1, 1))
        attend(world, client, date(2024, 1, 1), days)
        HireFactory(office=world.office, client=client, start_date=date(2024, 4, 1))
    year = placement_days_before_hire(office=world.office).years[0]
    assert year.fiscal_year == 2024
    assert year.mean == pytest.approx(30)
    assert year.sd == pytest.approx(26.4575, abs=1e-3)  # sample standard deviation
    assert year.median == 20


def test_reuse_counts_those_who_came_back_after_a_job_ended_within_six_months(world):
    came_back = ClientFactory(office=world.office, service_period=False)
    ServicePeriodFactory(client=came_back, started_on=date(2024, 1, 1), ended_on=date(2024, 3, 31))
    HireFactory(office=world.office, client=came_back, start_date=date(2024, 4, 1), ended_on=date(2024, 6, 1),
                end_reason="quit")
    ServicePeriodFactory(client=came_back, started_on=date(2024, 7, 1), is_return=True)
    gone = ClientFactory(office=world.office)
    HireFactory(office=world.office, client=gone, start_date=date(2024, 4, 1), ended_on=date(2024, 5, 1),
                end_reason="dismissed")
    HireFactory(office=world.office, start_date=date(2024, 4, 1), ended_on=date(2024, 12, 1), end_reason="quit")
    reuse = placement_reuse(office=world.office, as_of=date(2025, 1, 1))
    assert (len(reuse.returned), len(reuse.ended_early)) == (1, 2)
    assert reuse.rate == 0.5


def test_a_renewed_fixed_term_job_counts_as_retained_not_short(world):
    """Rule (regulations.rules.hire_retention): retention reads what happened — a contract ending before the
    six-month day, renewed and still going months later, is retained."""
    HireFactory(office=world.office, start_date=date(2024, 5, 1), employment_form=EmploymentForm.FIXED_TERM,
                fixed_term_end=date(2024, 7, 31))  # renewed: no end recorded
    years = {y.fiscal_year: y for y in placement_retention_figures(office=world.office, as_of=date(2025, 3, 1))}
    assert (years[2024].retained, years[2024].short_fixed_term) == (1, 0)

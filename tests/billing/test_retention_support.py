"""Rules of the 就労定着支援 monthly claim: months 7–42 with a face-to-face contact (and a support report
from April 2021), one month's fee by the office's retention-support tier; offices switch it off."""

from datetime import date

import pytest

from billing.models import Service
from billing.services.claims import billing_month_compute
from placements.models import FollowUpKind
from tests.billing.helpers import confirm_no_history_rate, retention_plan
from tests.factories import ClientFactory, HireFactory, SupportCertificateFactory, followup, office_settings

MAY = date(2024, 5, 1)


@pytest.fixture
def office(world):
    office_settings(world.office, runs_retention_support=True)
    confirm_no_history_rate(world.office, world.manager)  # no past user (0 ÷ 0): the notice's tier, the lowest
    return world.office


def employed(office, start, **hire_fields):
    client = ClientFactory(office=office)
    SupportCertificateFactory(client=client)
    retention_plan(client)
    return HireFactory(client=client, office=office, start_date=start, **hire_fields)


def support_lines(office, month=MAY):
    return [line for line in billing_month_compute(office=office, month=month).lines
            if line.service == Service.RETENTION_SUPPORT]


def test_month_8_with_face_to_face_and_report_bills_one_month_at_the_lowest_tier(office):
    hire = employed(office, date(2023, 10, 1))
    followup(hire, date(2024, 5, 10))
    followup(hire, date(2024, 5, 20), kind=FollowUpKind.SUPPORT_REPORT)
    [line] = support_lines(office)
    assert line.basic_units == 1045  # nobody used retention support in the past three years: the confirmed lowest tier
    assert line.total_yen == 10627  # 1,045 × 10.17 = 10,627.65
    assert line.copayment == 1062


def test_without_a_support_report_the_month_is_not_billable_from_2021(office):
    hire = employed(office, date(2023, 10, 1))
    followup(hire, date(2024, 5, 10))
    result = billing_month_compute(office=office, month=MAY)
    assert not [line for line in result.lines if line.service == Service.RETENTION_SUPPORT]
    assert result.warnings


def test_before_april_2021_face_to_face_alone_is_enough(office):
    hire = employed(office, date(2020, 6, 1))
    followup(hire, date(2021, 3, 10))
    assert len(support_lines(office, date(2021, 3, 1))) == 1


@pytest.mark.parametrize(("start", "billable"), [
    (date(2023, 11, 11), False),  # 10 May is still in month 6: unpaid follow-up
    (date(2023, 11, 10), True),  # six months reached on 10 May: month 7
    (date(2020, 11, 11), True),  # month 42
    (date(2020, 11, 10), False),  # beyond year 3½
])
def test_only_months_7_to_42_are_billable(office, start, billable):
    hire = employed(office, start)
    followup(hire, date(2024, 5, 10))
    followup(hire, date(2024, 5, 10), kind=FollowUpKind.SUPPORT_REPORT)
    assert bool(support_lines(office)) is billable


def test_a_person_who_left_the_job_is_not_billed(office):
    hire = employed(office, date(2023, 10, 1), ended_on=date(2024, 5, 5), end_reason="quit")
    followup(hire, date(2024, 5, 10))
    followup(hire, date(2024, 5, 10), kind=FollowUpKind.SUPPORT_REPORT)
    assert support_lines(office) == []


def test_offices_that_do_not_run_it_switch_it_off(world):
    hire = employed(world.office, date(2023, 10, 1))
    followup(hire, date(2024, 5, 10))
    followup(hire, date(2024, 5, 10), kind=FollowUpKind.SUPPORT_REPORT)
    assert support_lines(world.office) == []


def test_the_tier_rises_with_people_still_employed_at_the_end_of_the_previous_fiscal_year(office):
    for _ in range(9):  # used retention support in FY2022 and still employed on 2024-03-31
        past = employed(office, date(2022, 1, 10))
        followup(past, date(2022, 9, 1))
    left = employed(office, date(2022, 1, 10), ended_on=date(2023, 1, 31), end_reason="quit")
    followup(left, date(2022, 9, 1))
    hire = employed(office, date(2023, 10, 1))
    followup(hire, date(2024, 5, 10))
    followup(hire, date(2024, 5, 10), kind=FollowUpKind.SUPPORT_REPORT)
    [line] = support_lines(office)
    assert line.tier["rate"] == "0.9000"
    assert line.basic_units == 3215

"""Rule (個別支援計画未作成減算, ``billing.services.claims.client_plan_reduction`` over
``regulations.rules.plan_month``): a claim line's month counts by its state on its last day in service — an
agreed plan in force and monitored in time — for 就労移行支援 and 就労定着支援 alike, each on its own plans
and certificates; the line's explanation says why (``plan_gap``) and how many months in a row."""

from datetime import date
from decimal import Decimal

import pytest

from billing.models import Service
from billing.services.claims import billing_month_compute
from billing.services.tier import retention_tier_override
from clients.models import CertificateService
from placements.models import FollowUpKind
from tests.billing.helpers import confirm_no_history_rate, retention_plan, weekdays
from tests.factories import (
    CertificateFactory,
    ClientFactory,
    HireFactory,
    SupportCertificateFactory,
    attend,
    followup,
    monitored_plan,
    office_settings,
    plan,
)

MARCH, APRIL, MAY = date(2024, 3, 1), date(2024, 4, 1), date(2024, 5, 1)


@pytest.fixture
def office(world):
    """FY2023 and FY2024 at 811 units a day (the city's notice)."""
    for year in (2023, 2024):
        retention_tier_override(
            office=world.office, fiscal_year=year, rate=Decimal("0.3"), reason="通知", by=world.manager
        )
    return world.office


def line_of(office, client, month, service=Service.TRANSITION):
    lines = billing_month_compute(office=office, month=month).lines
    return next(line for line in lines if line.client == client and line.service == service)


def in_service_from_march(office):
    client = ClientFactory(office=office, enrolled_on=MARCH)
    CertificateFactory(client=client, period_start=MARCH, period_end=date(2025, 2, 28))
    for month in (MARCH, APRIL, MAY):
        attend(client, weekdays(month, month.replace(day=10)))
    return client


def test_a_plan_agreed_mid_month_covers_that_month_and_the_months_before_it_are_reduced(office):
    client = in_service_from_march(office)
    plan(client, APRIL, date(2024, 9, 30), agreed_on=date(2024, 4, 15))
    march = line_of(office, client, MARCH)
    assert (march.reductions["plan_gap"], march.reductions["plan_missing_months"]) == ("no_plan", 1)
    assert march.reductions["plan_missing_percent"] == 70 and march.basic[0].units_per_day == 568
    april = line_of(office, client, APRIL)
    assert (april.reductions["plan_gap"], april.reductions["plan_missing_percent"]) == ("none", None)
    assert april.basic[0].units_per_day == 811


def test_a_plan_entered_for_a_past_month_agreed_before_the_first_day_of_use_leaves_no_reduction(office):
    # entering history: the plan of March, agreed on 25 February before the first day of use
    client = in_service_from_march(office)
    plan(
        client,
        MARCH,
        date(2024, 8, 31),
        agreed_on=date(2024, 2, 25),
        created_on=date(2024, 2, 20),
        monitored_on=[date(2024, 5, 24)],
    )
    for month in (MARCH, APRIL, MAY):
        line = line_of(office, client, month)
        assert line.reductions["plan_missing_percent"] is None and line.basic[0].units_per_day == 811


def test_monitoring_exactly_three_months_apart_leaves_no_reduction(office):
    client = in_service_from_march(office)
    plan(
        client, date(2024, 2, 1), date(2024, 12, 31), agreed_on=date(2024, 2, 10), monitored_on=[date(2024, 5, 10)]
    )  # due 10 May, done on the day
    assert line_of(office, client, MAY).reductions["plan_missing_percent"] is None


def test_monitoring_late_on_the_month_end_reduces_that_month_with_its_reason(office):
    client = in_service_from_march(office)
    plan(
        client, date(2024, 2, 1), date(2024, 12, 31), agreed_on=date(2024, 2, 28), monitored_on=[date(2024, 6, 1)]
    )  # due 28 May; not done by 31 May, done on 1 June
    line = line_of(office, client, MAY)
    assert (line.reductions["plan_gap"], line.reductions["plan_monitoring_due_on"]) == ("monitoring_late", "2024-05-28")
    assert (line.reductions["plan_missing_months"], line.basic[0].units_per_day) == (1, 568)
    assert [s["reduction"] for s in line.explanation()["basic"][0]["steps"]] == ["plan_missing"]


def test_monitoring_one_day_late_within_the_month_is_not_reduced(office):
    client = in_service_from_march(office)
    plan(
        client, date(2024, 2, 1), date(2024, 12, 31), agreed_on=date(2024, 2, 14), monitored_on=[date(2024, 5, 15)]
    )  # due 14 May, done on the 15th: covered on 31 May
    assert line_of(office, client, MAY).reductions["plan_missing_percent"] is None


def retention_support_person(office, world):
    office_settings(office, runs_retention_support=True)
    confirm_no_history_rate(office, world.manager)  # the lowest tier: 1,045 units a month
    client = ClientFactory(office=office, status="employed")
    SupportCertificateFactory(client=client, period_start=date(2024, 1, 1), period_end=date(2024, 12, 31))
    monitored_plan(client, date(2023, 4, 1), date(2024, 12, 31), agreed_on=date(2023, 4, 5))  # transition's
    hire = HireFactory(client=client, office=office, start_date=date(2023, 10, 1))
    followup(hire, date(2024, 5, 10))
    followup(hire, date(2024, 5, 20), kind=FollowUpKind.SUPPORT_REPORT)
    return client


def test_a_retention_support_line_without_its_own_plan_is_reduced(office, world):
    client = retention_support_person(office, world)
    line = line_of(office, client, MAY, Service.RETENTION_SUPPORT)
    # in retention support since January without its plan (a transition plan does not count): 50 %
    assert (line.reductions["plan_gap"], line.reductions["plan_missing_months"]) == ("no_plan", 3)
    assert line.basic[0].steps == [{"reduction": "plan_missing", "percent": 50, "units_per_day": 523}]
    assert line.basic_units == 523  # 1,045 × 50 % = 522.5 → 523


def test_a_retention_support_line_with_its_plan_monitored_every_six_months_is_not_reduced(office, world):
    client = retention_support_person(office, world)
    retention_plan(client, start=date(2024, 1, 1), end=date(2024, 12, 31))
    line = line_of(office, client, MAY, Service.RETENTION_SUPPORT)
    assert line.reductions["plan_missing_percent"] is None and line.basic_units == 1045
    assert line.reductions["plan_monitoring_months"] == 6


def test_a_retention_support_plan_not_monitored_in_six_months_reduces_the_fee(office, world):
    client = retention_support_person(office, world)
    plan(
        client,
        date(2023, 10, 1),
        date(2024, 12, 31),
        agreed_on=date(2023, 10, 1),
        service=CertificateService.RETENTION_SUPPORT,
    )  # due 1 April 2024
    line = line_of(office, client, MAY, Service.RETENTION_SUPPORT)
    assert (line.reductions["plan_gap"], line.reductions["plan_monitoring_due_on"]) == ("monitoring_late", "2024-04-01")
    assert line.reductions["plan_missing_months"] == 2 and line.basic_units == 732  # April, May: × 70 %

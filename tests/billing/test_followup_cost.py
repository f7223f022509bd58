"""Rules of the uncompensated follow-up cost: the seed's what-if table exactly, and per hire from data."""

from datetime import date
from decimal import Decimal

import pytest

from billing.services.closing import billing_month_close
from billing.services.followup_cost import followup_cost_year, followup_what_if
from billing.services.tier import retention_tier_override
from placements.models import FollowUpKind
from tests.billing.helpers import weekdays
from tests.factories import (
    CertificateFactory,
    ClientFactory,
    HireFactory,
    attend,
    followup,
    monitored_plan,
    office_settings,
)


def test_what_if_prints_the_seed_table_exactly():
    rows = followup_what_if(yen_per_day=10000, followups=35, cost_per_followup=10000, days=[500, 250, 100, 50, 30])
    assert [(r.days, r.fee, r.cost, r.net, r.net_per_day) for r in rows] == [
        (500, 5_000_000, 350_000, 4_650_000, 9_300),
        (250, 2_500_000, 350_000, 2_150_000, 8_600),
        (100, 1_000_000, 350_000, 650_000, 6_500),
        (50, 500_000, 350_000, 150_000, 3_000),
        (30, 300_000, 350_000, -50_000, -1_667),  # −1,666.67 rounds away from zero
    ]


def test_what_if_rounds_half_away_from_zero_both_ways():
    assert followup_what_if(yen_per_day=1, followups=1, cost_per_followup=3, days=[2])[0].net_per_day == -1  # −0.5
    assert followup_what_if(yen_per_day=2, followups=1, cost_per_followup=1, days=[2])[0].net_per_day == 2  # 1.5


@pytest.fixture
def office(world):
    retention_tier_override(office=world.office, fiscal_year=2024, rate=Decimal("0.3"), reason="通知", by=world.manager)
    return world.office


def hired_client(office, start=date(2024, 6, 3)):
    client = ClientFactory(office=office)
    CertificateFactory(client=client)
    monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 5))
    hire = HireFactory(client=client, office=office, start_date=start)
    return client, hire


def test_hire_fees_are_estimated_from_days_when_no_month_is_closed(office):
    client, hire = hired_client(office)
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)))  # 10 days
    attend(client, [date(2024, 6, 3)])  # the day of the hire: not before it
    for day in (date(2024, 6, 10), date(2024, 7, 1), date(2024, 12, 2)):
        followup(hire, day, minutes=90)
    followup(hire, date(2024, 12, 3))  # six months reached: retention support, not unpaid
    result = followup_cost_year(office=office, year=2024).hires[0]
    assert result.days_before == 10
    assert result.fees == 82478  # 10 × 811 × 10.17 = 82,478.7 → floor
    assert result.fee_source == "estimate"
    assert (result.contacts, result.minutes, result.cost) == (3, 270, 30000)
    assert result.net == 52478
    assert result.net_per_day == 5248  # 5,247.8


def test_hire_fees_come_from_the_stored_claim_of_a_closed_month(office, world):
    client, hire = hired_client(office)
    office_settings(office, trained_staff=True)  # the claim carries an add-on the estimate does not know
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)))
    billing_month_close(office=office, month=date(2024, 5, 1), by=world.manager)
    result = followup_cost_year(office=office, year=2024).hires[0]
    assert result.fee_source == "claims"
    assert result.fees == 83088  # (8,110 + 60) × 10.17 = 83,088.9


def test_cost_by_minutes_uses_the_hourly_staff_cost(office):
    office_settings(office, followup_cost_method="per_minute", hourly_staff_cost=2500)
    client, hire = hired_client(office)
    followup(hire, date(2024, 6, 10), minutes=50)
    followup(hire, date(2024, 6, 11), minutes=25, kind=FollowUpKind.PHONE_ONLINE)
    result = followup_cost_year(office=office, year=2024).hires[0]
    assert result.cost == 3125  # 75 min × 2,500 ÷ 60


def test_days_before_a_return_hire_start_after_the_previous_hire(office):
    client, first_hire = hired_client(office, start=date(2024, 3, 1))
    attend(client, weekdays(date(2024, 2, 1), date(2024, 2, 9)))  # 7 days before the first hire
    attend(client, weekdays(date(2024, 9, 2), date(2024, 9, 6)))  # 5 days before the second
    HireFactory(client=client, office=office, start_date=date(2024, 10, 1))
    results = followup_cost_year(office=office, year=2024).hires
    assert [r.days_before for r in results] == [7, 5]


def test_year_buckets_totals_and_per_day_earnings(office):
    client, hire = hired_client(office)
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)))
    for n in range(35):
        followup(hire, date(2024, 6, 4 + n % 20))
    year = followup_cost_year(office=office, year=2024)
    bucket = next(b for b in year.buckets if b.hires)
    assert bucket.label == "0–30" and bucket.days == 10
    assert year.total_cost == 350_000
    assert year.year_days == 10 and year.year_fees == 82478
    assert year.per_day_without_duty == 8248
    assert year.per_day_with_duty == -26752  # (82,478 − 350,000) ÷ 10 = −26,752.2
    assert year.cost_share_of_fees == Decimal(350000) / Decimal(82478)

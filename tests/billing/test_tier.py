"""Rules of the 就労移行支援 retention tier: retained hires of the two previous fiscal years ÷ the sum of
capacity in those years; tier edges exactly at 10/20/30/40/50 %; the new-office tier; overrides."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.errors import BillingError
from billing.models import RetentionTierOverride, Service
from billing.services.fees import fee_book_load
from billing.services.tier import retention_tier, retention_tier_override
from tests.factories import ClientFactory, EmployerFactory, HireFactory, capacity
from tests.helpers import codes_of

FY = 2024  # window: FY2022 (2022-04-01 … 2023-03-31) and FY2023; retention judged on 2024-03-31


def retained_hires(office, count, start=date(2022, 6, 1)):
    client = ClientFactory(office=office)
    employer = EmployerFactory(office=office)
    return HireFactory.create_batch(count, client=client, employer=employer, office=office, start_date=start)


@pytest.mark.parametrize(
    ("retained", "units"),
    [
        (0, 502),  # 0 %
        (1, 527),  # a single retained hire: 2.5 %
        (3, 527),  # 7.5 %: just below 10 %
        (4, 567),  # exactly 10 %
        (7, 567),  # 17.5 %: just below 20 %
        (8, 689),  # exactly 20 %
        (11, 689),  # just below 30 %
        (12, 811),  # exactly 30 %
        (15, 811),  # just below 40 %
        (16, 939),  # exactly 40 %
        (19, 939),  # just below 50 %
        (20, 1094),  # exactly 50 %
        (22, 1094),  # the domain's example: 22 ÷ 40 = 55 %
    ],
)
def test_tier_units_follow_retained_hires_over_two_years_of_capacity(world, retained, units):
    retained_hires(world.office, retained)
    tier = retention_tier(office=world.office, fiscal_year=FY)
    assert tier.numerator == retained
    assert tier.denominator == 40
    assert tier.rate == Decimal(retained) / 40
    assert tier.units_on(date(2024, 4, 1)) == units


@pytest.mark.parametrize(
    ("rate", "units"),
    [
        ("0", 502), ("0.0001", 527), ("0.0999", 527), ("0.1", 567), ("0.1999", 567), ("0.2", 689),
        ("0.2999", 689), ("0.3", 811), ("0.3999", 811), ("0.4", 939), ("0.4999", 939), ("0.5", 1094), ("1.6", 1094),
    ],
)
def test_tier_edges_are_exact_on_decimal_rates(world, rate, units):
    book = fee_book_load(office=world.office)
    assert book.tier_for(service=Service.TRANSITION, day=date(2024, 4, 1), band=20, rate=Decimal(rate)).units == units


def test_only_hires_of_the_two_previous_fiscal_years_count(world):
    retained_hires(world.office, 1, start=date(2022, 3, 31))  # FY2021: outside
    retained_hires(world.office, 1, start=date(2022, 4, 1))  # FY2022: first day of the window
    retained_hires(world.office, 1, start=date(2023, 9, 30))  # six months on 2024-03-30: retained in time
    retained_hires(world.office, 1, start=date(2023, 10, 1))  # six months on 2024-04-01: still pending
    retained_hires(world.office, 1, start=date(2024, 4, 1))  # FY2024 itself: outside
    tier = retention_tier(office=world.office, fiscal_year=FY)
    assert [h.hire.start_date for h in tier.retained] == [date(2022, 4, 1), date(2023, 9, 30)]
    assert len(tier.hires) == 3


def test_a_hire_that_left_before_six_months_is_not_retained(world):
    client = ClientFactory(office=world.office)
    HireFactory(client=client, office=world.office, start_date=date(2022, 6, 1), ended_on=date(2022, 11, 30),
                end_reason="quit")
    HireFactory(client=client, office=world.office, start_date=date(2022, 12, 1), ended_on=date(2023, 6, 1),
                end_reason="quit")
    tier = retention_tier(office=world.office, fiscal_year=FY)
    assert tier.numerator == 1


def test_denominator_uses_the_capacity_in_force_in_each_fiscal_year(world):
    capacity(world.office, date(2023, 4, 1), 10)
    retained_hires(world.office, 3)
    tier = retention_tier(office=world.office, fiscal_year=FY)
    assert [(c.fiscal_year, c.capacity) for c in tier.capacities] == [(2022, 20), (2023, 10)]
    assert tier.denominator == 30
    assert tier.units_on(date(2024, 4, 1)) == 567  # exactly 10 %


@pytest.mark.parametrize(("opened_on", "fiscal_year", "new"), [
    (date(2023, 4, 1), 2023, True), (date(2023, 4, 1), 2024, True), (date(2023, 4, 1), 2025, False),
    (date(2024, 3, 31), 2024, True), (date(2024, 3, 31), 2025, False),
])
def test_new_office_gets_the_30_to_40_percent_tier_in_its_first_two_fiscal_years(world, opened_on, fiscal_year, new):
    world.office.opened_on = opened_on
    world.office.save()
    tier = retention_tier(office=world.office, fiscal_year=fiscal_year)
    assert tier.new_office is new
    assert tier.units_on(date(fiscal_year, 4, 1)) == (811 if new else 502)


def test_fiscal_year_2019_pays_the_flat_fee_until_the_october_revision(world):
    retained_hires(world.office, 22, start=date(2017, 6, 1))
    tier = retention_tier(office=world.office, fiscal_year=2019)
    assert tier.units_on(date(2019, 9, 30)) == 804
    assert tier.units_on(date(2019, 10, 1)) == 1094


def test_override_with_reason_wins_and_is_recorded(world):
    retained_hires(world.office, 1)
    retention_tier_override(office=world.office, fiscal_year=FY, rate=Decimal("0.35"), reason="札幌市通知 第12号",
                            by=world.manager)
    tier = retention_tier(office=world.office, fiscal_year=FY)
    assert tier.overridden and tier.computed_rate == Decimal("0.025")
    assert tier.units_on(date(2024, 4, 1)) == 811
    assert tier.override.created_by == world.manager and tier.override.reason == "札幌市通知 第12号"


def test_clearing_an_override_returns_to_the_computed_rate_and_keeps_the_history(world):
    retention_tier_override(office=world.office, fiscal_year=FY, rate=Decimal("0.5"), reason="通知", by=world.manager)
    retention_tier_override(office=world.office, fiscal_year=FY, rate=None, reason="通知の訂正", by=world.manager)
    tier = retention_tier(office=world.office, fiscal_year=FY)
    assert not tier.overridden
    assert tier.units_on(date(2024, 4, 1)) == 502
    assert RetentionTierOverride.objects.filter(office=world.office).count() == 2


def test_override_without_reason_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        retention_tier_override(office=world.office, fiscal_year=FY, rate=Decimal("0.5"), reason=" ",
                                by=world.manager)
    assert codes_of(refused.value) == {BillingError.OVERRIDE_NEEDS_REASON}
    assert not RetentionTierOverride.objects.exists()


def test_tier_is_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    retained_hires(world.office, 10)
    with django_assert_max_num_queries(16):  # the fee book 14 (one per table) and the hires
        retention_tier(office=world.office, fiscal_year=FY)


@pytest.mark.parametrize("not_a_reason", ["0", "42", "a", "！"])
def test_override_refuses_a_reason_that_says_nothing_and_the_page_says_why(world, not_a_reason):
    """Rule (compostela.reasons.is_real_reason): an override reason is a few words; the page answers with the
    message, not a 500."""
    from django.urls import reverse

    from tests.conftest import logged_in

    with pytest.raises(ValidationError) as refused:
        retention_tier_override(office=world.office, fiscal_year=FY, rate=Decimal("0.5"), reason=not_a_reason,
                                by=world.manager)
    assert codes_of(refused.value) == {BillingError.OVERRIDE_NEEDS_REASON}
    response = logged_in(world.manager).post(
        reverse("billing:tier_override"), {"fiscal_year": FY, "rate_percent": "50", "reason": not_a_reason},
        follow=True,
    )
    assert response.status_code == 200
    assert "理由" in response.content.decode()
    assert not RetentionTierOverride.objects.exists()

"""Rules of month closing: a snapshot per version, reopening with a recorded reason, earlier versions kept."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.errors import BillingError
from billing.models import ClaimLine, MonthClosing
from billing.selectors import billing_closed_months, billing_month_statement, billing_month_versions
from billing.services.closing import billing_month_close, billing_month_reopen
from billing.services.tier import retention_tier_override
from tests.billing.helpers import weekdays
from tests.factories import CertificateFactory, ClientFactory, attend, monitored_plan
from tests.helpers import codes_of

MAY = date(2024, 5, 1)


@pytest.fixture
def month_with_a_client(world):
    retention_tier_override(office=world.office, fiscal_year=2024, rate=Decimal("0.3"), reason="通知", by=world.manager)
    client = ClientFactory(office=world.office)
    CertificateFactory(client=client)
    monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 5))
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)))
    return client


def test_closing_stores_the_claim_lines_as_computed(world, month_with_a_client):
    closing = billing_month_close(office=world.office, month=MAY, by=world.manager)
    assert (closing.version, closing.total_yen, closing.copayment_yen, closing.claimed_yen) == (1, 82478, 8247, 74231)
    line = ClaimLine.objects.get(closing=closing)
    assert (line.billable_days, line.basic_units, line.total_yen, line.copayment) == (10, 8110, 82478, 8247)
    assert line.explanation["basic"][0]["units_per_day"] == 811
    assert billing_closed_months(office=world.office, months=[MAY]) == {MAY}


def test_a_closed_month_shows_its_snapshot_even_after_the_data_changes(world, month_with_a_client):
    billing_month_close(office=world.office, month=MAY, by=world.manager)
    attend(month_with_a_client, [date(2024, 5, 20)])  # the attendance engineer forbids this; the snapshot holds
    statement = billing_month_statement(office=world.office, month=MAY)
    assert statement.is_snapshot and statement.total_yen == 82478


def test_closing_twice_is_refused(world, month_with_a_client):
    billing_month_close(office=world.office, month=MAY, by=world.manager)
    with pytest.raises(ValidationError) as refused:
        billing_month_close(office=world.office, month=MAY, by=world.manager)
    assert codes_of(refused.value) == {BillingError.ALREADY_CLOSED}
    assert MonthClosing.objects.count() == 1


def test_a_month_not_yet_over_cannot_be_closed(world, today):
    with pytest.raises(ValidationError) as refused:
        billing_month_close(office=world.office, month=today, by=world.manager)
    assert codes_of(refused.value) == {BillingError.MONTH_NOT_OVER}


def test_reopening_needs_a_reason_and_records_who_and_why(world, month_with_a_client):
    billing_month_close(office=world.office, month=MAY, by=world.manager)
    with pytest.raises(ValidationError) as refused:
        billing_month_reopen(office=world.office, month=MAY, by=world.manager, reason="  ")
    assert codes_of(refused.value) == {BillingError.REOPEN_NEEDS_REASON}
    assert billing_closed_months(office=world.office, months=[MAY]) == {MAY}
    closing = billing_month_reopen(office=world.office, month=MAY, by=world.manager, reason="出席の訂正")
    assert closing.reopened_by == world.manager and closing.reopen_reason == "出席の訂正"
    assert billing_closed_months(office=world.office, months=[MAY]) == set()


def test_reopening_an_open_month_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        billing_month_reopen(office=world.office, month=MAY, by=world.manager, reason="出席の訂正")
    assert codes_of(refused.value) == {BillingError.NOT_CLOSED}


def test_closing_again_stores_a_new_version_and_keeps_the_old_one(world, month_with_a_client):
    billing_month_close(office=world.office, month=MAY, by=world.manager)
    billing_month_reopen(office=world.office, month=MAY, by=world.manager, reason="出席の訂正")
    attend(month_with_a_client, [date(2024, 5, 20)])
    second = billing_month_close(office=world.office, month=MAY, by=world.manager)
    assert second.version == 2 and second.total_yen == 90726  # 11 × 811 × 10.17 = 90,726.57
    versions = billing_month_versions(office=world.office, month=MAY)
    assert [v.version for v in versions] == [1, 2]
    assert billing_month_statement(office=world.office, month=MAY, version=1).total_yen == 82478
    assert billing_month_statement(office=world.office, month=MAY).total_yen == 90726


def test_closings_of_another_office_are_separate(world, month_with_a_client):
    billing_month_close(office=world.office, month=MAY, by=world.manager)
    assert billing_closed_months(office=world.other_office, months=[MAY]) == set()


@pytest.mark.parametrize("not_a_reason", ["0", "7", "123", "x", "..", "ああ", " - "])
def test_reopening_refuses_a_reason_that_says_nothing(world, month_with_a_client, not_a_reason):
    """Rule (compostela.reasons.is_real_reason): a reopen reason is a few words, not one character or digits."""
    billing_month_close(office=world.office, month=MAY, by=world.manager)
    with pytest.raises(ValidationError) as refused:
        billing_month_reopen(office=world.office, month=MAY, by=world.manager, reason=not_a_reason)
    assert codes_of(refused.value) == {BillingError.REOPEN_NEEDS_REASON}
    assert billing_closed_months(office=world.office, months=[MAY]) == {MAY}

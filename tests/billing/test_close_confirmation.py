"""Rules of closing a month through the screen: the "close" button opens a confirmation page listing the points
to check (no JavaScript), confirming closes; a confirmation given on a list that has changed since is refused
and the new list is shown; closing while an earlier month is open is refused (``EARLIER_MONTH_OPEN``) unless
the manager gives a real reason, which the audit trail records with the closing."""

import re
from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing.errors import BillingError, CloseCheck
from billing.models import MonthClosing
from billing.services.closing import billing_month_close
from billing.services.tier import retention_tier_override
from compostela.models import AuditEvent
from tests.billing.helpers import confirm_close, weekdays
from tests.factories import CertificateFactory, ClientFactory, attend, monitored_plan
from tests.helpers import codes_of

MAY = date(2024, 5, 1)
CLOSE_URL = reverse("billing:close", kwargs={"year": 2024, "month": 5})
TIMES = {"start_time": time(10, 0), "end_time": time(15, 0)}


@pytest.fixture
def client_without_plan(world, clock):
    retention_tier_override(office=world.office, fiscal_year=2024, rate=Decimal("0.3"), reason="通知", by=world.manager)
    client = ClientFactory(office=world.office, family_name="計画", given_name="無子")
    CertificateFactory(client=client)
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)), **TIMES)
    return client


def digest_on(page: str) -> str:
    return re.search(r'name="confirmed" value="([0-9a-f]+)"', page).group(1)


def test_the_month_page_lists_the_checks_and_its_close_button_opens_the_confirmation(
    manager_client, client_without_plan
):
    page = manager_client.get(reverse("billing:index"), {"month": "2024-05"}).content.decode()
    assert 'data-code="plan_missing"' in page and "計画 無子" in page
    assert f'href="{CLOSE_URL}"' in page  # a link: GET shows the list, nothing closes yet


def test_the_confirmation_page_shows_the_list_and_a_confirm_form(manager_client, client_without_plan):
    response = manager_client.get(CLOSE_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="plan_missing"' in page and "4,050" in page
    assert digest_on(page) and not MonthClosing.objects.exists()


def test_confirming_closes_the_month_and_stores_the_checks_it_was_closed_with(
    manager_client, world, client_without_plan
):
    assert confirm_close(manager_client, CLOSE_URL).status_code == 302
    closing = MonthClosing.objects.get(office=world.office)
    # May 2024 is also 要確認 (only the 2019 fee revision is loaded): tests/billing/test_fee_status.py
    assert [c["code"] for c in closing.summary["checks"]] == [CloseCheck.FEES_UNVERIFIED, CloseCheck.PLAN_MISSING]


def test_a_stale_confirmation_is_refused_and_the_new_list_is_shown(manager_client, world, client_without_plan):
    digest = digest_on(manager_client.get(CLOSE_URL).content.decode())
    # meanwhile someone records a day without times: the list changes
    attend(client_without_plan, [date(2024, 5, 20)])
    response = manager_client.post(CLOSE_URL, {"confirmed": digest})
    page = response.content.decode()
    assert response.status_code == 422
    assert not MonthClosing.objects.exists()
    assert 'data-code="missing_times"' in page and digest_on(page) != digest
    with pytest.raises(ValidationError) as refused:
        billing_month_close(office=world.office, month=MAY, by=world.manager, confirmed=digest)
    assert codes_of(refused.value) == {BillingError.STALE_CONFIRMATION}


def test_a_confirmation_without_its_digest_is_refused(manager_client, client_without_plan):
    assert manager_client.post(CLOSE_URL, {}).status_code == 400
    assert not MonthClosing.objects.exists()


@pytest.fixture
def april_open(world, client_without_plan):
    monitored_plan(client_without_plan, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 5))
    attend(client_without_plan, [date(2024, 4, 22)], **TIMES)
    return client_without_plan


def test_closing_out_of_order_is_refused_without_a_reason(world, april_open):
    for reason in ["", "x", "123"]:
        with pytest.raises(ValidationError) as refused:
            billing_month_close(office=world.office, month=MAY, by=world.manager, reason=reason)
        assert codes_of(refused.value) == {BillingError.EARLIER_MONTH_OPEN}
    assert not MonthClosing.objects.exists()


def test_the_screen_asks_for_the_reason_and_refuses_without_it(manager_client, april_open):
    page = manager_client.get(CLOSE_URL).content.decode()
    assert 'data-code="earlier_month_open"' in page and 'name="reason"' in page
    response = manager_client.post(CLOSE_URL, {"confirmed": digest_on(page), "reason": ""})
    assert response.status_code == 422 and not MonthClosing.objects.exists()
    assert "2024-04" in response.content.decode()


def test_closing_out_of_order_with_a_real_reason_closes_and_records_the_reason(manager_client, world, april_open):
    response = confirm_close(manager_client, CLOSE_URL, reason="4月分は国保連の返戻待ち")
    assert response.status_code == 302
    closing = MonthClosing.objects.get(office=world.office, month=MAY)
    assert closing.summary["out_of_order"] == {"earlier_open": ["2024-04-01"], "reason": "4月分は国保連の返戻待ち"}
    event = AuditEvent.objects.filter(pgh_obj_model="billing.MonthClosing", pgh_obj_id=str(closing.pk)).first()
    assert event is not None
    assert event.reason == "closed out of order: 4月分は国保連の返戻待ち"
    assert event.user_id == world.manager.pk


def test_closing_in_order_needs_no_reason(world, april_open):
    billing_month_close(office=world.office, month=date(2024, 4, 1), by=world.manager)
    billing_month_close(office=world.office, month=MAY, by=world.manager)
    assert MonthClosing.objects.filter(office=world.office).count() == 2


def test_a_closed_month_s_confirmation_page_sends_back_to_the_month(manager_client, world, client_without_plan):
    billing_month_close(office=world.office, month=MAY, by=world.manager)
    response = manager_client.get(CLOSE_URL)
    assert response.status_code == 302 and MonthClosing.objects.count() == 1

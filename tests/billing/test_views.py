"""Billing screens: managers only, scoped to their office; refused writes change nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import MonthClosing, RetentionTierOverride
from billing.services.closing import billing_month_close
from billing.services.tier import retention_tier_override
from tests.billing.helpers import confirm_close, weekdays
from tests.conftest import logged_in
from tests.factories import CertificateFactory, ClientFactory, attend, monitored_plan

MAY = date(2024, 5, 1)
CLOSE_URL = "/billing/month/2024/5/close/"


@pytest.fixture
def may(world):
    retention_tier_override(office=world.office, fiscal_year=2024, rate=Decimal("0.3"), reason="通知", by=world.manager)
    client = ClientFactory(office=world.office, family_name="北海", given_name="一郎")
    CertificateFactory(client=client)
    monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 5))
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)))
    return client


def test_month_page_lists_lines_totals_and_explanations(manager_client, may):
    response = manager_client.get(reverse("billing:index"), {"month": "2024-05"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "北海 一郎" in body
    assert "82,478" in body and "8,247" in body and "74,231" in body
    assert "<details>" in body and "811" in body


def test_manager_closes_and_reopens_through_the_screen(manager_client, world, may):
    assert confirm_close(manager_client, CLOSE_URL).status_code == 302
    closing = MonthClosing.objects.get(office=world.office)
    assert closing.total_yen == 82478
    response = manager_client.post("/billing/month/2024/5/reopen/", {"reason": "出席の訂正"})
    assert response.status_code == 302
    closing.refresh_from_db()
    assert closing.reopen_reason == "出席の訂正"
    page = manager_client.get(reverse("billing:version", kwargs={"year": 2024, "month": 5, "version": 1}))
    assert page.status_code == 200 and "82,478" in page.content.decode()


def test_reopen_without_reason_changes_nothing(manager_client, world, may):
    billing_month_close(office=world.office, month=MAY, by=world.manager)
    manager_client.post("/billing/month/2024/5/reopen/", {"reason": ""})
    assert MonthClosing.objects.get(office=world.office).reopened_at is None


@pytest.mark.parametrize("persona", ["staff", "supervisor"])
def test_staff_and_supervisor_cannot_close_reopen_or_override(world, may, persona):
    http = logged_in(getattr(world, persona))
    assert http.post(CLOSE_URL).status_code == 403
    assert not MonthClosing.objects.exists()
    billing_month_close(office=world.office, month=MAY, by=world.manager)
    assert http.post("/billing/month/2024/5/reopen/", {"reason": "x"}).status_code == 403
    assert MonthClosing.objects.get().reopened_at is None
    before = RetentionTierOverride.objects.count()
    response = http.post(reverse("billing:tier_override"), {"fiscal_year": 2024, "rate_percent": "50", "reason": "x"})
    assert response.status_code == 403
    assert RetentionTierOverride.objects.count() == before


def test_another_offices_manager_sees_404_for_a_version_and_cannot_touch_this_office(world, may, outsider_client):
    billing_month_close(office=world.office, month=MAY, by=world.manager)
    url = reverse("billing:version", kwargs={"year": 2024, "month": 5, "version": 1})
    assert outsider_client.get(url).status_code == 404
    outsider_client.post("/billing/month/2024/5/reopen/", {"reason": "x"})
    assert MonthClosing.objects.get(office=world.office).reopened_at is None
    page = outsider_client.get(reverse("billing:index"), {"month": "2024-05"}).content.decode()
    assert "北海" not in page


def test_anonymous_post_is_sent_to_login_and_changes_nothing(client, may):
    response = client.post(CLOSE_URL)
    assert response.status_code == 302 and "login" in response["Location"]
    assert not MonthClosing.objects.exists()


def test_tier_page_shows_the_calculation_and_records_an_override(manager_client, world):
    page = manager_client.get(reverse("billing:tier"), {"fiscal_year": 2024}).content.decode()
    assert "0 ÷ 40" in page
    manager_client.post(reverse("billing:tier_override"),
                        {"fiscal_year": 2024, "rate_percent": "35", "reason": "札幌市通知"})
    override = RetentionTierOverride.objects.get(office=world.office)
    assert override.rate == Decimal("0.35") and override.created_by == world.manager
    page = manager_client.get(reverse("billing:tier"), {"fiscal_year": 2024}).content.decode()
    assert "札幌市通知" in page and "811" in page


def test_followup_cost_page_prints_the_seed_what_if_table(manager_client, world):
    manager_client.cookies.load({})
    world.manager.language = "en"
    world.manager.save()
    page = manager_client.get(reverse("billing:followup_cost"), {
        "year": 2024, "yen_per_day": 10000, "followups": 35, "cost_per_followup": 10000,
        "days": "500,250,100,50,30"}).content.decode()
    for figure in ("¥4,650,000", "¥9,300", "¥2,150,000", "¥8,600", "¥650,000", "¥6,500", "¥150,000", "¥3,000",
                   "−¥50,000", "−¥1,667"):
        assert figure in page

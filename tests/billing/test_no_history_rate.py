"""Rule (billing.services.tier.retention_support_tier): the 就労定着支援 rate of an office with no past user is
0 ÷ 0, and the rule for it is not in our sources — never 0 % silently.  Until the manager confirms the tier
from the city's notice (a recorded office setting), the month's retention-support lines are held: computed as
要確認 with no units, listed before closing, and the month cannot be closed (``RETENTION_SUPPORT_HELD``).
Once set, the lines compute with the chosen tier."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing.errors import BillingError
from billing.models import MonthClosing, RetentionSupportNoHistoryRate, Service
from billing.services.claims import billing_month_compute
from billing.services.closing import billing_month_close
from billing.services.tier import retention_support_no_history_rate_set
from compostela.models import AuditEvent
from placements.models import FollowUpKind
from tests.billing.helpers import retention_plan
from tests.conftest import logged_in
from tests.factories import ClientFactory, HireFactory, SupportCertificateFactory, followup, office_settings
from tests.helpers import codes_of

MAY = date(2024, 5, 1)
URL = reverse("billing:no_history_rate")


@pytest.fixture
def supported(world, clock):
    """An office running 就労定着支援 with no history, and one employed person in month 8 with this month's
    face-to-face contact and support report."""
    office_settings(world.office, runs_retention_support=True)
    client = ClientFactory(office=world.office, status="employed", family_name="定着", given_name="花子")
    SupportCertificateFactory(client=client)
    retention_plan(client)
    hire = HireFactory(client=client, office=world.office, start_date=date(2023, 10, 1))
    followup(hire, date(2024, 5, 10))
    followup(hire, date(2024, 5, 20), kind=FollowUpKind.SUPPORT_REPORT)
    return client


def support_line(office):
    claims = billing_month_compute(office=office, month=MAY)
    [line] = [line for line in claims.lines if line.service == Service.RETENTION_SUPPORT]
    return claims, line


def test_with_no_history_and_no_setting_the_line_is_held_not_claimed_at_zero_percent(world, supported):
    claims, line = support_line(world.office)
    assert claims.retention_support.no_history and claims.retention_support.held
    assert line.held and line.explanation()["held"] and line.explanation()["tier"]["held"]
    assert (line.total_units, line.total_yen, line.claimed) == (0, 0, 0)


def test_closing_is_refused_while_a_line_is_held(world, supported):
    with pytest.raises(ValidationError) as refused:
        billing_month_close(office=world.office, month=MAY, by=world.manager)
    assert codes_of(refused.value) == {BillingError.RETENTION_SUPPORT_HELD}
    assert not MonthClosing.objects.exists()


def test_the_month_page_marks_the_held_line_and_the_confirmation_offers_no_close(manager_client, supported):
    page = manager_client.get(reverse("billing:index"), {"month": "2024-05"}).content.decode()
    assert 'data-code="retention_support_held"' in page and f'href="{URL}"' in page
    confirm = manager_client.get(reverse("billing:close", kwargs={"year": 2024, "month": 5})).content.decode()
    assert 'data-code="retention_support_held"' in confirm and 'name="confirmed"' not in confirm


def test_the_manager_sets_the_tier_on_the_form_and_the_line_computes_with_it(manager_client, world, supported):
    page = manager_client.get(URL).content.decode()
    assert "0.9000" in page  # the 2019 table's tiers are offered: 90 % or more …
    response = manager_client.post(URL, {"rate": "0.9000", "notice": "札幌市障がい福祉課 通知 2024年4月1日"})
    assert response.status_code == 302
    setting = RetentionSupportNoHistoryRate.objects.get(office=world.office)
    assert (setting.rate, setting.confirmed_by) == (Decimal("0.9"), world.manager)
    claims, line = support_line(world.office)
    assert not line.held and line.basic_units == 3215  # 90 % or more, ≤ 20 users (2019 table)
    assert not claims.retention_support.held
    billing_month_close(office=world.office, month=MAY, by=world.manager)  # no longer refused


def test_the_setting_is_recorded_in_the_audit_trail_with_who_changed_it(manager_client, world, supported):
    manager_client.post(URL, {"rate": "0.9000", "notice": "札幌市通知 2024-04"})
    manager_client.post(URL, {"rate": "0.5000", "notice": "札幌市通知 2024-06 訂正"})
    setting = RetentionSupportNoHistoryRate.objects.get(office=world.office)
    events = AuditEvent.objects.filter(
        pgh_obj_model="billing.RetentionSupportNoHistoryRate", pgh_obj_id=str(setting.pk)
    ).order_by("pgh_created_at")
    assert [Decimal(str(e.pgh_data["rate"])) for e in events] == [Decimal("0.9"), Decimal("0.5")]
    assert {e.user_id for e in events} == {world.manager.pk}


def test_the_setting_needs_the_notice_and_a_tier_of_the_table(manager_client, world, supported):
    response = manager_client.post(URL, {"rate": "0.9000", "notice": "1"})
    assert response.status_code == 422 and not RetentionSupportNoHistoryRate.objects.exists()
    response = manager_client.post(URL, {"rate": "0.12345", "notice": "札幌市通知"})
    assert response.status_code == 422 and not RetentionSupportNoHistoryRate.objects.exists()
    with pytest.raises(ValidationError) as refused:
        retention_support_no_history_rate_set(office=world.office, rate=Decimal("0.5"), notice="..", by=world.manager)
    assert codes_of(refused.value) == {BillingError.NO_HISTORY_BASIS_NEEDS_NOTICE}


def test_the_setting_is_the_office_s_own(world, supported):
    """A manager of another office sets their office's rate; this office's lines stay held."""
    response = logged_in(world.outsider).post(URL, {"rate": "0.9000", "notice": "よその市の通知"})
    assert response.status_code == 302
    assert RetentionSupportNoHistoryRate.objects.get().office == world.other_office
    _claims, line = support_line(world.office)
    assert line.held


@pytest.mark.parametrize("persona", ["staff", "supervisor"])
def test_only_a_manager_sets_it(world, supported, persona):
    response = logged_in(getattr(world, persona)).post(URL, {"rate": "0.9000", "notice": "札幌市通知"})
    assert response.status_code == 403 and not RetentionSupportNoHistoryRate.objects.exists()

"""Rule: from the billing page a manager makes the month's PDF and downloads it in the browser — made by a
real worker process, the page following its progress until the download link appears."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.management import call_command

from billing.services.tier import retention_tier_override
from compostela.models import Role
from tests.billing.helpers import weekdays
from tests.factories import (
    TEST_PASSWORD,
    CertificateFactory,
    ClientFactory,
    MembershipFactory,
    OfficeFactory,
    UserFactory,
    attend,
    monitored_plan,
)
from tests.pdf_reading import pdf_page_count, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_makes_and_downloads_the_month_pdf(live_server, page, tmp_path, workers):
    # given a worker, the fee tables (a transactional test may follow one that flushed the
    # migration's rows)
    workers("plain")
    call_command("billing_load_fees")
    # and an office with one client attending in May 2024
    office = OfficeFactory(name="就労移行支援事業所コンポステラ", number="0110000001")
    manager = UserFactory(username="manager1")
    MembershipFactory(user=manager, office=office, role=Role.MANAGER)
    retention_tier_override(office=office, fiscal_year=2024, rate=Decimal("0.3"), reason="通知", by=manager)
    client = ClientFactory(office=office, family_name="札幌", given_name="一郎")
    CertificateFactory(client=client)
    monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 10))
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)), start_time=time(10), end_time=time(15))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "manager1")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    # when the manager asks for the whole month on the billing page
    page.goto(f"{live_server.url}/billing/?month=2024-05")
    page.select_option("#id_document_kind", "month_all")
    page.click("form[action$='/documents/new/'] button[type=submit]")
    # then the page follows the worker's progress until the finished document's link appears
    link = page.locator("tr.document a[href*='/download/']").first
    link.wait_for(timeout=90_000)
    with page.expect_download() as info:
        link.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    data = path.read_bytes()
    assert info.value.suggested_filename == "billing-0110000001-2024-05-all.pdf"
    assert pdf_page_count(data) == 3
    assert "札幌 一郎" in pdf_text(data) and "82,478円" in pdf_text(data)

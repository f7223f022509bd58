"""Rule: a manager works the 利用者の書類 page from a phone (390 × 844): nothing scrolls sideways, the controls are
at least 44 px tall, and a payment is recorded from the client's card."""

from pathlib import Path

import pytest

from billing.models import ClientInvoice, ClientPayment
from billing.papers.services import client_invoices_issue
from tests.billing.papers.conftest import APRIL
from tests.browser.test_phone_layout import MEASURE, SMALL_TARGETS, TARGET_MIN_PX
from tests.browser_support import watch_console
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def test_the_papers_page_fits_a_phone_and_records_a_payment(live_server, browser, papers):
    # given the month's invoices issued
    client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    invoice = ClientInvoice.objects.get(client=papers.saburo)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    console_errors = watch_console(page)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", papers.world.manager.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    # when the manager opens the page on a phone
    page.goto(f"{live_server.url}/billing/month/2025/04/papers/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "billing-papers-phone.png"), full_page=True)
    # then nothing sticks out and the controls are big enough
    measured = page.evaluate(MEASURE, 390)
    assert measured["width"] <= 390, measured["sticking"]
    assert page.evaluate(SMALL_TARGETS, TARGET_MIN_PX) == []
    # and a payment is recorded from 三郎's card
    page.fill(f"#id_p{invoice.pk}-amount", "1200")
    page.select_option(f"#id_p{invoice.pk}-method", "bank_transfer")
    page.click(f"#client-{papers.saburo.pk} form.payment-form button[type=submit]")
    page.wait_for_url(f"**/papers/#client-{papers.saburo.pk}")
    assert (ClientPayment.objects.get().amount, ClientPayment.objects.get().method) == (1200, "bank_transfer")
    assert console_errors == []

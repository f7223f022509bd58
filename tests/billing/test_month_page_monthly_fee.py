"""Rule: a 就労定着支援 line is one month's fee — the month page and the PDF say so instead of showing
"0 billable days" next to its units."""

from datetime import date

from django.urls import reverse

from billing.documents.pdfs import billing_month_pdf
from placements.models import FollowUpKind
from tests.billing.helpers import confirm_no_history_rate, retention_plan
from tests.factories import ClientFactory, HireFactory, SupportCertificateFactory, followup, office_settings
from tests.pdf_reading import pdf_text


def retention_support_month(office, manager):
    office_settings(office, runs_retention_support=True)
    confirm_no_history_rate(office, manager)
    client = ClientFactory(office=office, family_name="定着", given_name="花子")
    SupportCertificateFactory(client=client)
    retention_plan(client)
    hire = HireFactory(client=client, office=office, start_date=date(2023, 10, 1))
    followup(hire, date(2024, 5, 10))
    followup(hire, date(2024, 5, 20), kind=FollowUpKind.SUPPORT_REPORT)


def test_month_page_shows_monthly_fee_for_retention_support(world, manager_client):
    retention_support_month(world.office, world.manager)
    page = manager_client.get(reverse("billing:index"), {"month": "2024-05"}).content.decode()
    row = page[page.index("定着 花子"):]
    row = row[:row.index("</tr>")]
    assert "月額" in row
    assert '<td class="num">0</td>' not in row


def test_month_pdf_shows_monthly_fee_for_retention_support(world):
    retention_support_month(world.office, world.manager)
    text = pdf_text(billing_month_pdf(office=world.office, month=date(2024, 5, 1)))
    assert "月額（日数によらない）" in text.replace(" ", "")

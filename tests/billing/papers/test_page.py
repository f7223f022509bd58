"""Rule: the 利用者の書類 page of a month shows each client's invoice, payments, receipts and notice, issues the
invoices at once, records payments and the 国保連's payment (a refusal re-displays the form with its errors and
what was typed), downloads the PDFs; it reads a fixed number of queries whatever the number of clients."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from billing.models import ClientInvoice, ClientPayment, FederationPayment, GeneratedDocument, Service
from billing.papers.services import client_invoices_issue, client_payment_record, federation_payment_record
from tests.billing.papers.conftest import APRIL, CLAIMED, accepted_sending, stored_closing
from tests.factories import ClientFactory
from tests.pdf_reading import pdf_text

pytestmark = pytest.mark.django_db
PAGE = reverse("billing:papers", args=[2025, 4])


def test_the_month_page_links_to_the_papers(papers, manager_client):
    response = manager_client.get(reverse("billing:index") + "?month=2025-04")
    assert PAGE in response.content.decode()


def test_the_page_lists_each_client_and_issues_the_invoices_at_once(papers, manager_client):
    # given the closed month: two clients to invoice
    page = manager_client.get(PAGE).content.decode()
    assert "札幌 一郎" in page and "小樽 花子" in page and "函館 三郎" in page
    assert reverse("billing:papers_invoices", args=[2025, 4]) in page
    # when the manager issues them
    response = manager_client.post(reverse("billing:papers_invoices", args=[2025, 4]))
    # then both are issued and the page offers their PDFs and payment forms
    assert response.status_code == 302 and ClientInvoice.objects.count() == 2
    page = manager_client.get(PAGE).content.decode()
    invoice = ClientInvoice.objects.get(client=papers.ichiro)
    assert reverse("billing:papers_pdf", args=[2025, 4, "invoice", invoice.pk]) in page
    assert reverse("billing:papers_payment", args=[2025, 4, invoice.pk]) in page


def test_an_overpayment_shows_the_error_on_the_amount_and_keeps_what_was_typed(papers, manager_client):
    client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    invoice = ClientInvoice.objects.get(client=papers.saburo)
    # when 1,500 is paid on an invoice of 1,200
    response = manager_client.post(reverse("billing:papers_payment", args=[2025, 4, invoice.pk]), {
        f"p{invoice.pk}-paid_on": "2025-06-02", f"p{invoice.pk}-amount": "1500", f"p{invoice.pk}-method": "cash"})
    # then the page again, the error beside the amount, the typed values kept, nothing recorded
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="1500"' in page and 'value="2025-06-02"' in page
    form = next(c.payment_form for c in response.context["papers"].clients if c.client_id == papers.saburo.pk)
    assert form.has_error("amount", "payment_over_invoice")
    assert ClientPayment.objects.count() == 0


def test_a_payment_is_recorded_with_its_receipt(papers, manager_client):
    client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    invoice = ClientInvoice.objects.get(client=papers.saburo)
    response = manager_client.post(reverse("billing:papers_payment", args=[2025, 4, invoice.pk]), {
        f"p{invoice.pk}-paid_on": "2025-06-02", f"p{invoice.pk}-amount": "1200", f"p{invoice.pk}-method": "cash"})
    assert response.status_code == 302
    payment = ClientPayment.objects.get()
    page = manager_client.get(PAGE).content.decode()
    assert reverse("billing:papers_pdf", args=[2025, 4, "receipt", payment.pk]) in page


def test_the_federations_amount_refused_on_its_field_with_the_value_kept(papers, manager_client):
    response = manager_client.post(reverse("billing:papers_federation", args=[2025, 4]),
                                   {"received_on": "2025-06-10", "amount": "131499"})
    assert response.status_code == 422
    assert response.context["federation_form"].has_error("amount", "federation_amount_mismatch")
    assert 'value="131499"' in response.content.decode()
    assert FederationPayment.objects.count() == 0
    # and the right amount issues the notices
    response = manager_client.post(reverse("billing:papers_federation", args=[2025, 4]),
                                   {"received_on": "2025-06-10", "amount": str(CLAIMED)})
    assert response.status_code == 302
    assert FederationPayment.objects.get().notices.count() == 3


def test_one_clients_invoice_downloads_as_a_pdf(papers, manager_client):
    client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    invoice = ClientInvoice.objects.get(client=papers.saburo)
    response = manager_client.get(reverse("billing:papers_pdf", args=[2025, 4, "invoice", invoice.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(pdf_text(response.content).split())
    assert "函館三郎様" in text and "1,200円" in text and "コンポステラ" in text


def test_a_paper_of_another_month_or_kind_answers_404(papers, manager_client):
    client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    invoice = ClientInvoice.objects.get(client=papers.saburo)
    assert manager_client.get(reverse("billing:papers_pdf", args=[2025, 5, "invoice", invoice.pk])).status_code == 404
    assert manager_client.get(reverse("billing:papers_pdf", args=[2025, 4, "poster", invoice.pk])).status_code == 404
    assert manager_client.get(reverse("billing:papers_pdf", args=[2025, 4, "receipt", invoice.pk])).status_code == 404


def test_the_whole_office_invoices_are_asked_for_from_the_page(papers, manager_client):
    response = manager_client.post(reverse("billing:document_new"), {"kind": "client_invoices", "month": "2025-04"})
    assert response.status_code == 302 and response["Location"].startswith(PAGE)
    assert GeneratedDocument.objects.get().kind == "client_invoices"
    assert "client_invoices" in manager_client.get(PAGE).content.decode()


def test_an_open_month_says_it_has_no_papers(world, manager_client, clock):
    page = manager_client.get(PAGE).content.decode()
    assert reverse("billing:papers_invoices", args=[2025, 4]) not in page
    assert "締められていません" in page or "not closed" in page


def _month_of(world, clients: int) -> None:
    people = [ClientFactory(office=world.office) for _ in range(clients)]
    closing = stored_closing(world.office, world.manager, lines=[(p, Service.TRANSITION, 20000, 2000) for p in people])
    accepted_sending(closing, world.manager)
    client_invoices_issue(office=world.office, month=APRIL, by=world.manager)
    for invoice in ClientInvoice.objects.filter(office=world.office)[: clients // 2]:
        client_payment_record(invoice=invoice, paid_on=date(2025, 6, 2), amount=1000, method="cash", by=world.manager)
    federation_payment_record(office=world.office, month=APRIL, received_on=date(2025, 6, 10),
                              amount=18000 * clients, by=world.manager)


@pytest.mark.parametrize("clients", [4, 60])
def test_the_page_reads_a_fixed_number_of_queries(world, clock, manager_client, clients,
                                                  django_assert_max_num_queries):
    _month_of(world, clients)
    with django_assert_max_num_queries(18):  # 16 + the 国保連's results read for the lines paid
        response = manager_client.get(PAGE)
    assert response.status_code == 200
    assert response.content.decode().count('class="stacked payment-form"') == clients


def test_without_the_federations_results_the_page_sends_to_sending_and_results(world, clock, manager_client):
    """Rule: the amount expected from the 国保連 is what it accepted (billing.papers.paid); none yet: the page
    says where to record the results instead of offering a figure."""
    closing = stored_closing(world.office, world.manager,
                             lines=[(ClientFactory(office=world.office), Service.TRANSITION, 20000, 2000)])
    page = manager_client.get(PAGE).content.decode()
    assert reverse("billing:submission", args=[2025, 4]) in page.split('id="federation"')[1]
    accepted_sending(closing, world.manager)
    page = manager_client.get(PAGE).content.decode()
    assert "18,000" in page.split('id="federation"')[1]

"""Rule: the client's papers print as real PDFs — per client and for the whole office — with the office's name
and number, the client's name and the stored figures, in Japanese with the embedded font (read back here);
the whole-office ones are made by the billing documents' background job with progress."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from billing.documents.services import billing_document_build, billing_document_request
from billing.models import ClientInvoice, ClientPayment, DocumentKind, DocumentStatus, GeneratedDocument
from billing.papers.pdfs import INVOICE, NOTICE, RECEIPT, papers_pdf_file
from billing.papers.services import client_invoices_issue, client_payment_record, federation_payment_record
from tests.billing.papers.conftest import APRIL, CLAIMED, build_papers_month
from tests.conftest import make_world
from tests.pdf_reading import pdf_font_names, pdf_page_count, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    """Every paper of the month, per client and for the whole office — rendered once, in a rolled-back
    transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = make_world()
        papers = build_papers_month(world)
        by, office = world.manager, world.office
        client_invoices_issue(office=office, month=APRIL, by=by)
        ichiro = ClientInvoice.objects.get(client=papers.ichiro)
        client_payment_record(invoice=ichiro, paid_on=date(2025, 6, 2), amount=9300, method="bank_transfer", by=by)
        federation_payment_record(office=office, month=APRIL, received_on=date(2025, 6, 10), amount=CLAIMED, by=by)
        receipt = ClientPayment.objects.get()
        out = {
            "invoice": papers_pdf_file(office=office, month=APRIL, kind=INVOICE, pk=ichiro.pk).data,
            "receipt": papers_pdf_file(office=office, month=APRIL, kind=RECEIPT, pk=receipt.pk).data,
            "invoices": papers_pdf_file(office=office, month=APRIL, kind=INVOICE).data,
            "notices": papers_pdf_file(office=office, month=APRIL, kind=NOTICE).data,
        }
        document = billing_document_request(office=office, kind=DocumentKind.PROXY_NOTICES, month=APRIL, by=by)
        out["job_status"] = billing_document_build(document_id=document.pk)
        document = GeneratedDocument.objects.get(pk=document.pk)
        out["job"] = (document.filename, document.pages, document.percent, bytes(document.content))
        transaction.set_rollback(True)
    return out


def flat(data: bytes) -> str:
    return "".join(pdf_text(data).split())


def test_one_clients_invoice_names_the_office_the_client_and_the_stored_amount(printed):
    text = flat(printed["invoice"])
    for expected in ("利用者負担額請求書", "コンポステラ", "事業所番号0110000001", "札幌一郎様", "2025年4月",
                     "9,300円", "5,000円", "4,300円", "就労移行支援", "就労定着支援", "202504-001"):
        assert expected in text, expected
    assert pdf_page_count(printed["invoice"]) == 1
    assert any("IPAexGothic" in name for name in pdf_font_names(printed["invoice"]))


def test_the_receipt_names_the_amount_the_day_and_the_method(printed):
    text = flat(printed["receipt"])
    for expected in ("領収書", "札幌一郎様", "9,300円", "2025年6月2日", "銀行振込", "202504-001-1", "コンポステラ",
                     "0110000001"):
        assert expected in text, expected


def test_the_whole_office_invoices_are_one_page_per_client_with_a_copayment(printed):
    text = flat(printed["invoices"])
    assert pdf_page_count(printed["invoices"]) == 2
    assert "札幌一郎様" in text and "函館三郎様" in text and "小樽花子" not in text


def test_the_notices_name_what_was_received_for_each_person(printed):
    text = flat(printed["notices"])
    assert pdf_page_count(printed["notices"]) == 3
    for expected in ("代理受領通知書", "札幌一郎様", "小樽花子様", "函館三郎様", "80,700円", "40,000円", "10,800円",
                     "90,000円", "2025年6月10日", "コンポステラ", "0110000001"):
        assert expected in text, expected


def test_the_whole_office_notices_are_made_by_the_background_job(printed):
    filename, pages, percent, content = printed["job"]
    assert printed["job_status"] == DocumentStatus.DONE
    assert (filename, pages, percent) == ("proxy-receipt-notices-0110000001-2025-04.pdf", 3, 100)
    assert "代理受領通知書" in pdf_text(content)

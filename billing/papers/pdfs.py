"""The PDFs of the client's papers: invoices, receipts, notices of proxy receipt — one client (made while the
browser waits: one page) or every client of the month in one PDF (the billing documents' background job,
``billing.documents.services``).  One template, one page per paper, under Japanese whatever the UI language."""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone, translation

from billing.documents.pdfs import STEP_COLLECT, STEP_DONE, STEP_LAYOUT, STEP_WRITE, Progress, _no_progress
from billing.models import PaymentMethod
from billing.papers.selectors import papers_invoices_for_print, papers_notices_for_print, papers_payments_for_print
from compostela.models import Office
from compostela.pdf import PdfFile, layout_html, write_pdf

INVOICE, RECEIPT, NOTICE = "invoice", "receipt", "notice"
TITLES = {INVOICE: "利用者負担額請求書", RECEIPT: "領収書", NOTICE: "代理受領通知書"}
FILE_STEMS = {INVOICE: "invoices", RECEIPT: "receipts", NOTICE: "proxy-receipt-notices"}
METHOD_JA = {PaymentMethod.CASH: "現金", PaymentMethod.BANK_TRANSFER: "銀行振込",
             PaymentMethod.DIRECT_DEBIT: "口座振替", PaymentMethod.OTHER: "その他"}


def papers_items(*, office: Office, month: date, kind: str, pk: int | None = None) -> list:
    """What the PDF prints: the month's papers of ``kind``, or the one ``pk`` of the office."""
    if kind == INVOICE:
        return papers_invoices_for_print(office=office, month=month, pk=pk)
    if kind == RECEIPT:
        payments = papers_payments_for_print(office=office, month=month, pk=pk)
        for payment in payments:
            payment.method_ja = METHOD_JA.get(payment.method, "")
        return payments
    if kind == NOTICE:
        return papers_notices_for_print(office=office, month=month, pk=pk)
    raise ValueError(f"unknown kind of paper {kind!r}")


def papers_pdf_file(*, office: Office, month: date, kind: str, pk: int | None = None,
                    progress: Progress = _no_progress) -> PdfFile:
    """The PDF of the month's papers of ``kind`` (every client), or of one paper (``pk``)."""
    progress(0, 4, STEP_COLLECT)
    items = papers_items(office=office, month=month, kind=kind, pk=pk)
    progress(1, 4, STEP_LAYOUT)
    with translation.override("ja"):
        html = render_to_string("pdf/billing/papers.html", {
            "office": office, "month": month.replace(day=1), "kind": kind, "items": items, "title": TITLES[kind],
            "printed_at": timezone.localtime(),
        })
    layout = layout_html(html)
    progress(3, 4, STEP_WRITE)
    pdf = write_pdf(layout)
    progress(4, 4, STEP_DONE)
    return pdf


def papers_filename(*, office: Office, month: date, kind: str, suffix: str = "") -> str:
    return f"{FILE_STEMS[kind]}-{office.number}-{month:%Y-%m}{'-' + suffix if suffix else ''}.pdf"

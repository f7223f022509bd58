"""The client's papers of a month (managers only): invoices issued all at once, a client's payment with its
receipt, the 国保連's payment with the notices of proxy receipt, the PDFs per client and for the whole office, and
the office's unpaid list.  Thin views: the writes are ``billing.papers.services``, the reads its selectors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.forms import ClientPaymentForm, FederationPaymentForm
from billing.models import ClientInvoice, ClientPayment, DocumentKind, ProxyReceiptNotice
from billing.papers import pdfs as papers_pdfs
from billing.papers.selectors import papers_month, papers_unpaid
from billing.papers.services import client_invoices_issue, client_payment_record, federation_payment_record
from billing.selectors import billing_documents
from billing.views import _file_response, _month_from
from compostela.audit import audit_record_export
from compostela.forms import form_add_service_errors
from compostela.models import Role
from compostela.scoping import office_required, scoped

PAPER_DOCUMENT_KINDS = (DocumentKind.CLIENT_INVOICES, DocumentKind.CLIENT_RECEIPTS, DocumentKind.PROXY_NOTICES)
PAPER_MODELS = {papers_pdfs.INVOICE: (ClientInvoice, "closing__month"),
                papers_pdfs.RECEIPT: (ClientPayment, "invoice__closing__month"),
                papers_pdfs.NOTICE: (ProxyReceiptNotice, "payment__month")}


def papers_url(month) -> str:
    return reverse("billing:papers", args=[month.year, month.month])


def _render_papers(request: HttpRequest, first, *, payment_form: tuple[int, ClientPaymentForm] | None = None,
                   federation_form: FederationPaymentForm | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    papers = papers_month(office=request.office, month=first)
    for client in papers.clients:
        if client.invoice is None or client.invoice.outstanding == 0:
            continue
        if payment_form and payment_form[0] == client.invoice.pk:
            client.payment_form = payment_form[1]
        else:
            client.payment_form = ClientPaymentForm(prefix=f"p{client.invoice.pk}", initial={
                "paid_on": today, "amount": client.invoice.outstanding})
    documents = [d for d in billing_documents(office=request.office, month=first, limit=30)
                 if d.kind in PAPER_DOCUMENT_KINDS][:10]
    return render(request, "billing/papers.html", {
        "month": first, "papers": papers, "unpaid": papers_unpaid(office=request.office, today=today),
        "federation_form": federation_form or FederationPaymentForm(initial={
            "received_on": today, "amount": papers.expected_from_federation or None}),
        "documents": documents,
        "document_kinds": [(k, DocumentKind(k).label) for k in PAPER_DOCUMENT_KINDS],
    }, status=status)


@office_required(Role.MANAGER)
def billing_papers(request: HttpRequest, year: int, month: int) -> HttpResponse:
    return _render_papers(request, _month_from(year, month))


@require_POST
@office_required(Role.MANAGER)
def billing_papers_invoices_issue(request: HttpRequest, year: int, month: int) -> HttpResponse:
    first = _month_from(year, month)
    try:
        issued = client_invoices_issue(office=request.office, month=first, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if issued:
            messages.success(request, _("%(count)s invoices issued.") % {"count": len(issued)})
        else:
            messages.info(request, _("Every invoice of this month is issued already."))
    return redirect(papers_url(first))


@require_POST
@office_required(Role.MANAGER)
def billing_papers_payment(request: HttpRequest, year: int, month: int, pk: int) -> HttpResponse:
    """A client's payment of one invoice: the page again with the form's errors (and what was typed) when it
    is refused; another office's invoice answers 404."""
    first = _month_from(year, month)
    invoice = get_object_or_404(scoped(request, ClientInvoice), pk=pk, closing__month=first)
    form = ClientPaymentForm(request.POST, prefix=f"p{invoice.pk}")
    if form.is_valid():
        try:
            payment = client_payment_record(invoice=invoice, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Payment recorded: receipt %(number)s.") % {"number": payment.receipt_number})
            return redirect(papers_url(first) + f"#client-{invoice.client_id}")
    return _render_papers(request, first, payment_form=(invoice.pk, form), status=422)


@require_POST
@office_required(Role.MANAGER)
def billing_papers_federation(request: HttpRequest, year: int, month: int) -> HttpResponse:
    first = _month_from(year, month)
    form = FederationPaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = federation_payment_record(office=request.office, month=first, by=request.user,
                                                **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The federation's payment is recorded; %(count)s notices of proxy receipt "
                                        "issued.") % {"count": payment.notices.count()})
            return redirect(papers_url(first))
    return _render_papers(request, first, federation_form=form, status=422)


@office_required(Role.MANAGER)
def billing_papers_pdf(request: HttpRequest, year: int, month: int, kind: str, pk: int) -> HttpResponse:
    """One client's paper as a PDF (one page: made while the browser waits)."""
    first = _month_from(year, month)
    if kind not in PAPER_MODELS:
        raise Http404
    model, month_path = PAPER_MODELS[kind]
    paper = get_object_or_404(scoped(request, model), pk=pk, **{month_path: first})
    pdf = papers_pdfs.papers_pdf_file(office=request.office, month=first, kind=kind, pk=paper.pk)
    audit_record_export(user=request.user, office=request.office, what=f"client papers {kind} PDF", rows=1)
    return _file_response(pdf.data, filename=papers_pdfs.papers_filename(office=request.office, month=first,
                                                                        kind=kind, suffix=str(paper.pk)),
                          content_type="application/pdf")

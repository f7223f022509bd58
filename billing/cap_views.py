"""Screens of the co-payment cap across providers (上限額管理), managers only: the client-month page where the
manager enters the other providers' figures (this office manages the cap) or the result another office sent,
and the 上限額管理結果票 PDF.  Linked from the month page for the clients concerned; another office's client
answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from billing.cap_forms import PROVIDER_ROWS, CapProvidersForm, CapResultForm, provider_field
from billing.documents.cap_result import cap_result_pdf
from billing.documents.pdfs import DocumentError
from billing.models import CopayCapManagement
from billing.selectors import billing_month_statement
from billing.services.cap_management import (
    billing_cap_management_record,
    billing_cap_result_record,
    cap_manager_of_month,
)
from billing.services.fees import BillingConfigurationError
from billing.views import _file_response, _month_from
from clients.models import Client
from compostela.audit import audit_record_export
from compostela.forms import form_submit
from compostela.models import Role
from compostela.scoping import office_required, scoped
from regulations import rules as regulations


def _providers_initial(entry: CopayCapManagement | None, management: dict) -> dict:
    """The rows as entered; for a shared cap (result 3) whose division is not entered, the division offered
    managing office first (``regulations.rules.cap_shares_prefill``) — the manager confirms or changes it."""
    initial: dict = {}
    providers = list(entry.providers.all()) if entry is not None else []
    prefill = management.get("prefill") or []
    offer = management.get("result") == regulations.CapResult.SHARED and management.get("collect") is None
    if entry is not None:
        initial["own_share"] = entry.own_share
    if offer and len(prefill) == len(providers) + 1:
        initial["own_share"] = prefill[0] if entry is None or entry.own_share is None else entry.own_share
    for row, provider in enumerate(providers[:PROVIDER_ROWS], start=1):
        for name in ("office_number", "office_name", "total_yen", "copay_yen", "share_yen"):
            initial[provider_field(row, name)] = getattr(provider, name)
        if offer and provider.share_yen is None and len(prefill) == len(providers) + 1:
            initial[provider_field(row, "share_yen")] = prefill[row]
    return initial


@office_required(Role.MANAGER)
def billing_cap_management(request: HttpRequest, year: int, month: int, client_id: int) -> HttpResponse:
    """A client's month of 上限額管理: who manages it (the certificates), this office's figures of the month,
    and the form that fits — the other providers (this office manages) or the result received (another office
    manages).  A closed month is shown, not changed."""
    first = _month_from(year, month)
    client = get_object_or_404(scoped(request, Client), pk=client_id)
    manager = cap_manager_of_month(client=client, month=first)
    kind = manager[0] if manager else None
    entry = (scoped(request, CopayCapManagement).filter(client=client, month=first).select_related("entered_by")
             .prefetch_related("providers").first())
    statement = billing_month_statement(office=request.office, month=first)
    if statement.error:
        messages.error(request, statement.error)
    lines = [ln for ln in statement.lines if ln.client_id == client.pk]
    management = next((ln.explanation.get("copay_management") or {} for ln in lines), {})
    closed = statement.closing is not None
    form = None
    if kind == regulations.CAP_MANAGEMENT_THIS_OFFICE:
        form = CapProvidersForm(request.POST or None, initial=_providers_initial(entry, management))
    elif kind == regulations.CAP_MANAGEMENT_OTHER_OFFICE:
        initial = {"result": entry.result, "amount": entry.amount} if entry and entry.result else {}
        form = CapResultForm(request.POST or None, initial=initial)
    here = reverse("billing:cap_management", args=(first.year, first.month, client.pk))
    status = 200
    if request.method == "POST":
        if form is None or closed:
            messages.error(request, _("Nothing to record: the month is closed, or the certificates name no office "
                                      "managing the co-payment cap."))
            return redirect(here)
        if kind == regulations.CAP_MANAGEMENT_THIS_OFFICE:
            def action():
                return billing_cap_management_record(
                    office=request.office, client=client, month=first, providers=form.cleaned_data["providers"],
                    own_share=form.cleaned_data["own_share"], by=request.user)
        else:
            def action():
                return billing_cap_result_record(
                    office=request.office, client=client, month=first, result=form.cleaned_data["result"],
                    amount=form.cleaned_data["amount"], by=request.user)
        try:
            done = form_submit(request, form, action=action, then=lambda: redirect(here),
                               success=_("The co-payment cap management of %(month)s is recorded for %(client)s.")
                               % {"month": f"{first:%Y-%m}", "client": client})
        except BillingConfigurationError as error:
            messages.error(request, str(error))
            done = None
        if done:
            return done
        status = 422
    return render(request, "billing/cap_management.html", {
        "client": client, "month": first, "manager": manager, "kind": kind, "entry": entry, "form": form,
        "lines": lines, "management": management, "closed": closed,
        "own_total": sum(ln.total_yen for ln in lines), "own_copay_raw": sum(ln.explanation.get("copay_raw", 0)
                                                                              for ln in lines),
        "copayment": sum(ln.copayment for ln in lines),
        "holds": sorted({code for ln in lines for code in ln.holds}),
    }, status=status)


@office_required(Role.MANAGER)
def billing_cap_result_pdf(request: HttpRequest, year: int, month: int, client_id: int) -> HttpResponse:
    """The 上限額管理結果票 of a client's month (this office manages the cap), made while the browser waits."""
    first = _month_from(year, month)
    client = get_object_or_404(scoped(request, Client), pk=client_id)
    try:
        pdf = cap_result_pdf(office=request.office, month=first, client_id=client.pk)
    except (DocumentError, ValidationError) as error:
        messages.error(request, str(error.message if isinstance(error, ValidationError) else error))
        return redirect("billing:cap_management", first.year, first.month, client.pk)
    audit_record_export(user=request.user, office=request.office, what="co-payment cap management result PDF", rows=1)
    return _file_response(pdf.data, filename=f"cap-result-{request.office.number}-{first:%Y-%m}-{client.pk}.pdf",
                          content_type="application/pdf")

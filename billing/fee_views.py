"""The managers' fee page (issue 20) and what is done from it: the revision in force and what is to verify, a
revision file loaded (upload → its diff → confirm), a value to verify confirmed against the notice, the office's
dated settings and staff-pay categories.  Thin views: the rules live in ``billing.services.revisions``,
``fee_confirmations``, ``fee_settings`` and ``fee_status``.

A load carries the file's text in a hidden field from the diff to the confirmation, where it is checked again,
with the digest of the diff the manager read: a load whose diff differs by then (another file, or fees loaded
meanwhile) is refused and the new diff shown (as the month's closing does with its points to check)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from billing.errors import BillingError
from billing.forms import (
    FeeValueConfirmForm,
    MonthForm,
    OfficeFeeSettingsForm,
    OfficeTreatmentForm,
    RevisionConfirmForm,
    RevisionUploadForm,
)
from billing.services.fee_confirmations import fee_value_confirm
from billing.services.fee_settings import SETTINGS_FIELDS, office_fee_settings_set, office_treatment_set
from billing.services.fee_status import fee_page_facts
from billing.services.revisions import revision_diff, revision_diff_digest, revision_load
from compostela.forms import form_add_service_errors
from compostela.models import Role
from compostela.scoping import office_required


def _page_month(request: HttpRequest) -> date:
    """The month the page shows (``?month=YYYY-MM``; else this month)."""
    form = MonthForm(request.GET)
    if form.is_valid() and form.cleaned_data["month"]:
        return form.cleaned_data["month"]
    return timezone.localdate().replace(day=1)


def _fees_url(month: date) -> str:
    return f"{reverse('billing:fees')}?month={month:%Y-%m}"


def _render_fees(request: HttpRequest, *, month: date, status: int = 200, confirm_form=None, settings_form=None,
                 treatment_form=None) -> HttpResponse:
    """The fee page; a form that was posted and refused is shown again with its errors."""
    facts = fee_page_facts(office=request.office, month=month)
    posted_row = confirm_form.data.get("row") if confirm_form is not None else None
    shown = False  # the posted confirmation is shown again beside its value (else its errors go on top)
    for entry in [*facts["unverified"], *[{"code": c} for c in facts["service_codes"]]]:
        code = entry.get("code")
        row, value = (code.row, code.code) if code is not None else (entry["row"], entry["value"])
        if posted_row == row and not (code is not None and code.confirmation) and not entry.get("confirmation"):
            form, shown = confirm_form, True
        else:
            form = FeeValueConfirmForm(initial={"row": row, "value": value}, auto_id=False)
        if code is not None:
            code.form = form
        else:
            entry["form"] = form
    row = facts["settings_row"]
    settings_form = settings_form or OfficeFeeSettingsForm(
        initial=model_to_dict(row, fields=SETTINGS_FIELDS) if row is not None else {})
    return render(request, "billing/fees.html", {
        **facts,
        "month_form": MonthForm(initial={"month": f"{month:%Y-%m}"}),
        "upload_form": RevisionUploadForm(),
        "settings_form": settings_form,
        "treatment_form": treatment_form or OfficeTreatmentForm(initial={"month": f"{month:%Y-%m}"}),
        "confirm_errors": confirm_form.errors if confirm_form is not None and not shown else None,
    }, status=status)


@office_required(Role.MANAGER)
def billing_fees(request: HttpRequest) -> HttpResponse:
    """The fee page: the revision in force in the month and the next one loaded, what is to verify (each with
    its confirmation form), the office's dated settings and staff-pay categories with their forms
    (``billing.services.fee_status.fee_page_facts``)."""
    return _render_fees(request, month=_page_month(request))


# -- loading a revision file ---------------------------------------------------------------------------------
def _confirmation_page(request: HttpRequest, *, data: dict, text: str, name: str, status: int = 200) -> HttpResponse:
    diff = revision_diff(data)
    digest = revision_diff_digest(diff)
    return render(request, "billing/fee_load_confirm.html", {
        "data": data, "diff": diff, "changed": diff.changed, "unchanged": len(diff.changes) - len(diff.changed),
        "digest": digest,
        "form": RevisionConfirmForm(initial={"text": text, "name": name, "confirmed": digest}),
    }, status=status)


def _refused_page(request: HttpRequest, *, refusals: list[str], form=None) -> HttpResponse:
    return render(request, "billing/fee_load.html", {
        "form": form or RevisionUploadForm(), "refusals": refusals,
    }, status=422)


@office_required(Role.MANAGER)
@require_http_methods(["GET", "POST"])
def billing_fee_load(request: HttpRequest) -> HttpResponse:
    """Load a revision file, step 1: the upload (GET: the form; the admin's revision list links here); a file
    that is refused is shown with every refused value and its JSON path, nothing loaded; a file that passes is
    shown as the diff against what is loaded, with the confirmation."""
    if request.method != "POST":
        return render(request, "billing/fee_load.html", {"form": RevisionUploadForm(), "refusals": []})
    form = RevisionUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused_page(request, refusals=[], form=form)
    return _confirmation_page(request, data=form.revision, text=form.cleaned_data["file"], name=form.name)


@require_POST
@office_required(Role.MANAGER)
def billing_fee_load_confirm(request: HttpRequest) -> HttpResponse:
    """Load a revision file, step 2: the text is checked again and loaded in one transaction — unless the diff
    differs from the one the manager confirmed (then the new diff is shown to confirm again)."""
    form = RevisionConfirmForm(request.POST)
    if not form.is_valid():
        refusals = [m for errors in form.errors.values() for m in errors]
        return _refused_page(request, refusals=refusals)
    name = form.cleaned_data["name"]
    try:
        diff = revision_load(data=form.revision, loaded_from=f"upload: {name}" if name else "upload",
                             by=request.user, confirmed=form.cleaned_data["confirmed"])
    except ValidationError as error:
        if any(e.code == BillingError.REVISION_STALE for e in getattr(error, "error_list", [])):
            messages.error(request, " ".join(error.messages))
            return _confirmation_page(request, data=form.revision, text=form.cleaned_data["text"], name=name,
                                      status=422)
        return _refused_page(request, refusals=error.messages)
    if diff.changed:
        messages.success(request, _("The revision %(month)s is loaded: %(n)s values added or changed.") % {
            "month": f"{diff.effective_from:%Y-%m}", "n": len(diff.changed)})
    else:
        messages.info(request, _("Nothing changed: the revision %(month)s is loaded already.") % {
            "month": f"{diff.effective_from:%Y-%m}"})
    return redirect(_fees_url(diff.effective_from))


# -- a value to verify confirmed against the notice -------------------------------------------------------------
@require_POST
@office_required(Role.MANAGER)
def billing_fee_value_confirm(request: HttpRequest) -> HttpResponse:
    month = _page_month(request)
    form = FeeValueConfirmForm(request.POST, auto_id=False)
    if form.is_valid():
        try:
            fee_value_confirm(office=request.office, row=form.cleaned_data["row"], value=form.cleaned_data["value"],
                              notice=form.cleaned_data["notice"], by=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The value %(value)s is recorded as confirmed against the notice.") % {
                "value": form.cleaned_data["value"]})
            return redirect(_fees_url(month) + "#to-verify")
    messages.error(request, _("The value was not confirmed: see below."))
    return _render_fees(request, month=month, status=422, confirm_form=form)


# -- the office's dated settings ------------------------------------------------------------------------------
@require_POST
@office_required(Role.MANAGER)
def billing_fee_settings(request: HttpRequest) -> HttpResponse:
    """A settings row of the office from a date (copied from the row in force, then changed)."""
    month = _page_month(request)
    form = OfficeFeeSettingsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            office_fee_settings_set(office=request.office, valid_from=data["valid_from"],
                                    values={name: data[name] for name in SETTINGS_FIELDS}, by=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The office's settings from %(day)s are recorded.") % {
                "day": f"{data['valid_from']:%Y-%m-%d}"})
            return redirect(_fees_url(month) + "#settings")
    messages.error(request, _("The settings were not recorded: see below."))
    return _render_fees(request, month=month, status=422, settings_form=form)


@require_POST
@office_required(Role.MANAGER)
def billing_fee_staff_pay(request: HttpRequest) -> HttpResponse:
    """The office's staff-pay add-on category of a service from a month."""
    month = _page_month(request)
    form = OfficeTreatmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            office_treatment_set(office=request.office, service=data["service"], scheme=data["scheme"],
                                 category=data["category"], month=data["month"], note=data["note"], by=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The staff pay add-on category from %(month)s is recorded.") % {
                "month": f"{data['month']:%Y-%m}"})
            return redirect(_fees_url(month) + "#staff-pay")
    messages.error(request, _("The staff pay add-on category was not recorded: see below."))
    return _render_fees(request, month=month, status=422, treatment_form=form)

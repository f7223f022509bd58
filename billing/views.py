"""Billing screens (managers only): the month with its lines and explanations, closing and reopening,
stored versions, the retention tier with its override, and the follow-up cost with the what-if table.
Views parse input, call a service or selector and render; the rules live in ``billing/services``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.explain import claim_explanation_rows
from billing.forms import FiscalYearForm, MonthForm, ReopenForm, TierOverrideForm, WhatIfForm, YearForm
from billing.models import MonthClosing
from billing.selectors import billing_month_statement
from billing.services.closing import billing_month_close, billing_month_reopen
from billing.services.fees import BillingConfigurationError
from billing.services.followup_cost import followup_cost_year, followup_what_if
from billing.services.tier import retention_tier, retention_tier_override
from compostela.models import Role
from compostela.scoping import office_required, scoped
from placements.rules import fiscal_year_of


def _month_from(year: int, month: int) -> date:
    try:
        return date(year, month, 1)
    except ValueError as error:
        raise Http404 from error


def _month_url(month: date) -> str:
    return f"{reverse('billing:index')}?month={month:%Y-%m}"


def _render_month(request: HttpRequest, *, month: date, version: int | None = None) -> HttpResponse:
    statement = billing_month_statement(office=request.office, month=month, version=version)
    lines = [(line, claim_explanation_rows(line.explanation)) for line in statement.lines]
    return render(request, "billing/month.html", {
        "statement": statement, "lines": lines, "month": month,
        "previous_month": month - relativedelta(months=1), "next_month": month + relativedelta(months=1),
        "month_form": MonthForm(initial={"month": f"{month:%Y-%m}"}), "reopen_form": ReopenForm(),
        "can_close": statement.closing is None and not statement.error
        and month + relativedelta(months=1) <= timezone.localdate(),
        "viewing_old_version": version is not None and statement.closing is not None
        and statement.closing.reopened_at is not None,
    })


@office_required(Role.MANAGER)
def billing_index(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.GET)
    month = form.cleaned_data["month"] if form.is_valid() and form.cleaned_data["month"] else None
    if month is None:
        month = timezone.localdate().replace(day=1) - relativedelta(months=1)
    return _render_month(request, month=month)


@office_required(Role.MANAGER)
def billing_month_version(request: HttpRequest, year: int, month: int, version: int) -> HttpResponse:
    first = _month_from(year, month)
    get_object_or_404(scoped(request, MonthClosing), month=first, version=version)
    return _render_month(request, month=first, version=version)


@require_POST
@office_required(Role.MANAGER)
def billing_close(request: HttpRequest, year: int, month: int) -> HttpResponse:
    first = _month_from(year, month)
    try:
        closing = billing_month_close(office=request.office, month=first, by=request.user)
    except (ValidationError, BillingConfigurationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("%(month)s closed (version %(version)s).") % {
            "month": f"{first:%Y-%m}", "version": closing.version})
    return redirect(_month_url(first))


@require_POST
@office_required(Role.MANAGER)
def billing_reopen(request: HttpRequest, year: int, month: int) -> HttpResponse:
    first = _month_from(year, month)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for reopening the month."))
        return redirect(_month_url(first))
    try:
        billing_month_reopen(office=request.office, month=first, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(month)s reopened.") % {"month": f"{first:%Y-%m}"})
    return redirect(_month_url(first))


@office_required(Role.MANAGER)
def billing_tier(request: HttpRequest) -> HttpResponse:
    form = FiscalYearForm(request.GET)
    fiscal_year = (form.cleaned_data["fiscal_year"] if form.is_valid() and form.cleaned_data["fiscal_year"]
                   else fiscal_year_of(timezone.localdate()))
    try:
        tier = retention_tier(office=request.office, fiscal_year=fiscal_year)
        error = ""
    except BillingConfigurationError as exc:
        tier, error = None, str(exc)
    return render(request, "billing/tier.html", {
        "tier": tier, "error": error, "fiscal_year": fiscal_year,
        "year_form": FiscalYearForm(initial={"fiscal_year": fiscal_year}),
        "override_form": TierOverrideForm(initial={"fiscal_year": fiscal_year}),
    })


@require_POST
@office_required(Role.MANAGER)
def billing_tier_override(request: HttpRequest) -> HttpResponse:
    form = TierOverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The override was not recorded: give the fiscal year and the reason."))
        return redirect("billing:tier")
    percent = form.cleaned_data["rate_percent"]
    fiscal_year = form.cleaned_data["fiscal_year"]
    retention_tier_override(
        office=request.office, fiscal_year=fiscal_year, by=request.user, reason=form.cleaned_data["reason"],
        rate=None if percent is None else percent / Decimal(100),
    )
    messages.success(request, _("The override is recorded."))
    return redirect(f"{reverse('billing:tier')}?fiscal_year={fiscal_year}")


@office_required(Role.MANAGER)
def billing_followup_cost(request: HttpRequest) -> HttpResponse:
    year_form = YearForm(request.GET)
    year = (year_form.cleaned_data["year"] if year_form.is_valid() and year_form.cleaned_data["year"]
            else timezone.localdate().year - 1)
    what_if_form = WhatIfForm(request.GET if "days" in request.GET else None,
                              initial={f: WhatIfForm.base_fields[f].initial for f in WhatIfForm.base_fields})
    if what_if_form.is_bound and what_if_form.is_valid():
        what_if = followup_what_if(**what_if_form.cleaned_data)
    elif not what_if_form.is_bound:
        what_if = followup_what_if(yen_per_day=10000, followups=35, cost_per_followup=10000,
                                   days=[500, 250, 100, 50, 30])
    else:
        what_if = []
    try:
        report, error = followup_cost_year(office=request.office, year=year), ""
    except BillingConfigurationError as exc:
        report, error = None, str(exc)
    return render(request, "billing/followup_cost.html", {
        "report": report, "error": error, "year": year, "year_form": YearForm(initial={"year": year}),
        "what_if_form": what_if_form, "what_if": what_if,
    })

"""Billing screens (managers only): the month with its lines and explanations, closing and reopening,
stored versions, the retention tier with its override, and the follow-up cost with the what-if table.
Views parse input, call a service or selector and render; the rules live in ``billing/services``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.documents.charts import chart_fees_and_days, chart_hires_by_bucket, chart_retention_by_year
from billing.documents.exports import claim_lines_frame, followup_csv, followup_frames, to_xlsx
from billing.documents.exports import to_csv as exports_csv
from billing.documents.pdfs import KIND_SUMMARY, SEED_WHAT_IF, DocumentError, billing_month_pdf
from billing.documents.series import billing_monthly_series, placement_retention_by_year
from billing.documents.services import billing_document_request
from billing.errors import BillingError, CloseCheck
from billing.explain import claim_explanation_rows
from billing.forms import (
    CloseForm,
    CopayCapForm,
    DocumentRequestForm,
    FiscalYearForm,
    MonthForm,
    NoHistoryRateForm,
    ReopenForm,
    TierOverrideForm,
    WhatIfForm,
    YearForm,
)
from billing.models import DocumentKind, MonthClosing
from billing.selectors import billing_close_checks, billing_documents, billing_month_statement
from billing.services.checks import FEE_DATA_HOLDS, checks_digest
from billing.services.claims import CAP_MANAGEMENT_HOLDS
from billing.services.closing import MONTH_NOT_OVER, billing_month_close, billing_month_reopen, month_is_over
from billing.services.copay import billing_copay_cap_confirm
from billing.services.fees import BillingConfigurationError, fee_book_load
from billing.services.followup_cost import followup_cost_year, followup_what_if
from billing.services.tier import (
    retention_support_no_history_rate_set,
    retention_support_tier,
    retention_support_tier_choices,
    retention_tier,
    retention_tier_override,
)
from clients.models import Client
from compostela.audit import audit_record_export
from compostela.dates import service_month
from compostela.filenames import safe_filename
from compostela.history import audit_rows_history, history_page
from compostela.models import Role
from compostela.scoping import office_required, scoped
from regulations.rules import fiscal_year_of


def _month_from(year: int, month: int) -> date:
    """The month of a URL (its converters already hold it to 2000–2100 and 1–12)."""
    first = service_month(year, month)
    if first is None:
        raise Http404
    return first


def _month_url(month: date) -> str:
    return f"{reverse('billing:index')}?month={month:%Y-%m}"


# a line held for one of these links its badge to the fee tables of the month (a rate to load); a line held
# for its cap management across providers (``CAP_MANAGEMENT_HOLDS``) marks that link as a warning
RATE_MISSING_HOLDS = FEE_DATA_HOLDS | {BillingError.ADDON_RATE_MISSING}


def _month_line_words() -> dict[str, str]:
    """The words of the month's lines (billing/month_lines.html), translated once a request, not once a line."""
    return {
        "to_confirm_badge": _("to confirm"), "rate_missing": _("rate missing"),
        "cap_management": _("cap management"), "transition": _("Transition"),
        "retention_support": _("Retention support"), "monthly_fee": _("monthly fee"), "to_confirm": _("To confirm"),
        "why": _("Why"), "to_confirm_colon": _("To confirm:"),
        "which_cap": _("The certificates of this month carry different co-payment caps. Which one governs the "
                       "month?"),
        "confirm_cap": _("Confirm the cap"),
    }


def _month_line_links(line, *, month: date, snapshot: bool) -> dict:
    """The links of one line that only some lines have: the badge of a line held for a value to enter, its cap
    management across providers, and the form that confirms which certificate's cap governs the month (an open
    month whose certificates differ)."""
    links: dict = {}
    if BillingError.RETENTION_SUPPORT_HELD in line.holds:
        links["held_badge"] = "no_history_rate"  # the 就労定着支援 rate with no history is to confirm
    elif any(code in line.holds for code in RATE_MISSING_HOLDS):
        links["held_badge"] = "rate_missing"
    if (line.explanation.get("copay_management") or {}).get("managed_by"):
        links["cap_management"] = reverse("billing:cap_management", args=[month.year, month.month, line.client_id])
        links["cap_management_warning"] = any(code in line.holds for code in CAP_MANAGEMENT_HOLDS)
    decision = line.cap_decision
    if decision.get("to_confirm") and not snapshot:
        links["copay_cap"] = reverse("billing:copay_cap", args=[month.year, month.month, line.client_id])
        confirmed = decision.get("confirmed") or {}
        links["confirmed_certificate"] = confirmed.get("certificate_id")
        if confirmed:
            links["confirmed_by"] = _("Confirmed by %(who)s: certificate %(number)s.") % {
                "who": confirmed.get("by"), "number": confirmed.get("number")}
    return links


def _render_month(request: HttpRequest, *, month: date, version: int | None = None) -> HttpResponse:
    statement = billing_month_statement(office=request.office, month=month, version=version)
    lines = [(line, claim_explanation_rows(line.explanation),
              _month_line_links(line, month=month, snapshot=statement.closing is not None))
             for line in statement.lines]
    checks = (billing_close_checks(office=request.office, month=month, claims=statement.claims)
              if statement.claims is not None else [])
    return render(request, "billing/month.html", {
        "checks": checks,
        "statement": statement, "lines": lines, "month": month,
        "line_words": _month_line_words(),
        "csrf_input": csrf_input(request),  # the Jinja2 lines' copay-cap form
        "line_links": {"no_history_rate": reverse("billing:no_history_rate"),
                       "fees": f"{reverse('billing:fees')}?month={month:%Y-%m}"},
        "previous_month": month - relativedelta(months=1), "next_month": month + relativedelta(months=1),
        "month_form": MonthForm(initial={"month": f"{month:%Y-%m}"}), "reopen_form": ReopenForm(),
        "can_close": (statement.closing is None and not statement.error
                      and month_is_over(month, today=timezone.localdate())),
        "viewing_old_version": version is not None and statement.closing is not None
        and statement.closing.reopened_at is not None,
        "fees_chart": chart_fees_and_days(billing_monthly_series(
            office=request.office, last_month=month,
            book=statement.claims.inputs.book if statement.claims is not None else None)),
        "documents": billing_documents(office=request.office, month=month),
        "document_kinds": [(k, label) for k, label in DocumentKind.choices
                           if k.startswith("month_")],  # the follow-up report and the client's papers have their pages
        "version": version,
    })


@office_required(Role.MANAGER)
def billing_index(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.GET)
    month = form.cleaned_data["month"] if form.is_valid() and form.cleaned_data["month"] else None
    for reason in form.errors.get("month", []):
        messages.warning(request, reason)
    if month is None:
        month = timezone.localdate().replace(day=1) - relativedelta(months=1)
    return _render_month(request, month=month)


@office_required(Role.MANAGER)
def billing_month_version(request: HttpRequest, year: int, month: int, version: int) -> HttpResponse:
    first = _month_from(year, month)
    get_object_or_404(scoped(request, MonthClosing), month=first, version=version)
    return _render_month(request, month=first, version=version)


@office_required(Role.MANAGER)
def billing_close(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The confirmation of a closing: GET lists the points to check with a confirm form; POST closes, unless
    the list changed since it was shown, a line is held, or earlier months are open and no reason is given
    (``billing_month_close``) — then the page shows why and the list as it is now."""
    first = _month_from(year, month)
    statement = billing_month_statement(office=request.office, month=first)
    if statement.closing is not None or statement.error or not month_is_over(first, today=timezone.localdate()):
        if statement.error:
            messages.error(request, statement.error)
        elif statement.closing is not None:
            messages.info(request, _("This month is already closed."))
        else:
            messages.error(request, _(MONTH_NOT_OVER))
        return redirect(_month_url(first))
    form = CloseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                closing = billing_month_close(office=request.office, month=first, by=request.user,
                                              reason=form.cleaned_data["reason"],
                                              confirmed=form.cleaned_data["confirmed"])
            except (ValidationError, BillingConfigurationError) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
                status = 422
            else:
                messages.success(request, _("%(month)s closed (version %(version)s).") % {
                    "month": f"{first:%Y-%m}", "version": closing.version})
                return redirect(_month_url(first))
        else:
            messages.error(request, _("The confirmation was not understood: read the list and confirm again."))
            status = 400
    checks = billing_close_checks(office=request.office, month=first, claims=statement.claims)
    earlier_open = any(c.code == CloseCheck.EARLIER_MONTH_OPEN for c in checks)
    form = CloseForm(initial={"confirmed": checks_digest(checks),
                              "reason": form.data.get("reason", "") if form.is_bound else ""})
    return render(request, "billing/close_confirm.html", {
        "month": first, "statement": statement, "checks": checks, "form": form, "earlier_open": earlier_open,
        "blocked": any(c.blocks for c in checks),
    }, status=status)


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


@require_POST
@office_required(Role.MANAGER)
def billing_copay_cap(request: HttpRequest, year: int, month: int, client_id: int) -> HttpResponse:
    """The manager confirms which certificate's co-payment cap governs a client's month (certificates with
    different caps in one month); another office's client answers 404."""
    first = _month_from(year, month)
    client = get_object_or_404(scoped(request, Client), pk=client_id)
    form = CopayCapForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the certificate whose co-payment cap governs the month."))
        return redirect(_month_url(first))
    try:
        billing_copay_cap_confirm(office=request.office, client=client, month=first,
                                  certificate_id=form.cleaned_data["certificate"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The co-payment cap of %(month)s is confirmed for %(client)s.") % {
            "month": f"{first:%Y-%m}", "client": client})
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
    try:
        retention_tier_override(
            office=request.office, fiscal_year=fiscal_year, by=request.user, reason=form.cleaned_data["reason"],
            rate=None if percent is None else percent / Decimal(100),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('billing:tier')}?fiscal_year={fiscal_year}")
    messages.success(request, _("The override is recorded."))
    return redirect(f"{reverse('billing:tier')}?fiscal_year={fiscal_year}")


@office_required(Role.MANAGER)
def billing_no_history_rate(request: HttpRequest) -> HttpResponse:
    """The 就労定着支援 rate of an office with no retention-support history, confirmed by the manager from the
    city's notice (until it is set, the month's retention-support lines are held)."""
    today = timezone.localdate()
    book = fee_book_load(office=request.office)
    try:
        tiers = retention_support_tier_choices(book=book, day=today)
        support = retention_support_tier(office=request.office, fiscal_year=fiscal_year_of(today), book=book)
    except BillingConfigurationError as error:
        messages.error(request, str(error))
        return redirect("billing:tier")
    current = book.no_history_rate
    initial = {"rate": str(current.rate), "notice": current.notice} if current else {}
    form = NoHistoryRateForm(request.POST or None, tiers=tiers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            retention_support_no_history_rate_set(office=request.office, rate=form.cleaned_data["rate"],
                                                  notice=form.cleaned_data["notice"], by=request.user)
        except ValidationError as error:
            form.add_error("notice", error)
        else:
            messages.success(request, _("The retention-support rate for an office with no history is recorded."))
            return redirect("billing:no_history_rate")
    current_label = next((label for value, label in tiers if current and value == str(current.rate)), "")
    return render(request, "billing/no_history_rate.html", {
        "form": form, "current": current, "current_label": current_label, "support": support,
    }, status=422 if form.is_bound and form.errors else 200)


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
        "bucket_chart": chart_hires_by_bucket(report.buckets) if report else None,
        "retention_chart": chart_retention_by_year(
            placement_retention_by_year(office=request.office, as_of=timezone.localdate())),
        "documents": billing_documents(office=request.office, year=year),
    })


# -- documents and exports (issue 9) ---------------------------------------------------------------------------
def _document_redirect(document) -> HttpResponse:
    if document.kind == DocumentKind.FOLLOWUP:
        return redirect(f"{reverse('billing:followup_cost')}?year={document.year}#documents")
    if document.kind in (DocumentKind.CLIENT_INVOICES, DocumentKind.CLIENT_RECEIPTS, DocumentKind.PROXY_NOTICES):
        return redirect(reverse("billing:papers", args=[document.month.year, document.month.month]) + "#documents")
    if document.closing_version:
        return redirect(reverse("billing:version", args=[document.month.year, document.month.month,
                                                         document.closing_version]) + "#documents")
    return redirect(_month_url(document.month) + "#documents")


@require_POST
@office_required(Role.MANAGER)
def billing_document_new(request: HttpRequest) -> HttpResponse:
    """Ask for a document: stored as waiting, made in the background; the page shows its progress."""
    form = DocumentRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or _("The document could not be asked for."))
        return redirect("billing:index")
    data = form.cleaned_data
    if data["version"]:
        get_object_or_404(scoped(request, MonthClosing), month=data["month"], version=data["version"])
    document = billing_document_request(
        office=request.office, kind=data["kind"], by=request.user, month=data.get("month"), year=data.get("year"),
        version=data["version"],
    )
    messages.success(request, _("The document is being made; it appears below when it is ready."))
    return _document_redirect(document)


def _document_status(document) -> dict:
    return {
        "id": document.pk, "status": document.status, "percent": document.percent,
        "label": _(document.progress_label) if document.progress_label else document.get_status_display(),
        "error": _(document.error) if document.status == "failed" and document.error else "",
        "download_url": reverse("billing:document_download", args=[document.pk])
        if document.status == "done" else None,
        "filename": document.filename, "size": document.size, "pages": document.pages,
    }


@office_required(Role.MANAGER)
def billing_document_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Progress of one document, polled by static/js/billing.js."""
    from billing.models import GeneratedDocument

    document = get_object_or_404(scoped(request, GeneratedDocument).defer("content"), pk=pk)
    return JsonResponse(_document_status(document))


@office_required(Role.MANAGER)
def billing_document_download(request: HttpRequest, pk: int) -> HttpResponse:
    from billing.models import DocumentStatus, GeneratedDocument

    document = get_object_or_404(scoped(request, GeneratedDocument), pk=pk, status=DocumentStatus.DONE)
    audit_record_export(user=request.user, office=request.office, what=f"billing document {document.filename}",
                        rows=document.pages or 0)
    return _file_response(bytes(document.content), filename=document.filename, content_type=document.content_type)


def _file_response(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=safe_filename(filename))
    response["Cache-Control"] = "no-store"
    return response


# -- the electronic claim file (issue 21) -----------------------------------------------------------------------
def _where_url(problem, *, office, month: date) -> str | None:
    """The screen where a claim-file problem is fixed, when there is one."""
    from billing.claimfile import build

    if problem.where in (build.WHERE_CERTIFICATE, build.WHERE_GRANTED) and problem.client_id:
        return reverse("clients:detail", args=[problem.client_id])
    if problem.where == build.WHERE_ATTENDANCE:
        return f"{reverse('attendance:month')}?month={month:%Y-%m}"
    if problem.where in (build.WHERE_CODES, build.WHERE_FEES):
        return f"{reverse('billing:fees')}?month={month:%Y-%m}"
    if problem.where == build.WHERE_OFFICE:
        return reverse("admin:compostela_office_change", args=[office.pk])
    if problem.where == build.WHERE_CLOSING:
        return _month_url(month)
    return None


@office_required(Role.MANAGER)
def billing_claim_file(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The electronic claim file of a closed month before asking for it: the layout check's every problem
    (client — record — official field name — what is wrong — where to fix it, linked), the SAMPLE notice of a
    demonstration office's EXAMPLE data, and the button that makes the file in the background.  Its own URL
    (the month page loads it into its section), so the month page keeps its query budget: the check reads the
    closing, its lines, their certificates and attendance and the fee book."""
    from billing.claimfile import ClaimFileRefused, claim_file_draft, claim_file_name

    first = _month_from(year, month)
    try:
        draft, problems, sample = claim_file_draft(office=request.office, month=first)
        closing, name = draft.closing, claim_file_name(closing=draft.closing, sample=sample)
    except ClaimFileRefused as refused:  # the month is not closed
        problems, sample, closing, name = refused.problems, False, None, ""
    rows = [(p, _where_url(p, office=request.office, month=first)) for p in problems]
    template = "billing/claim_file.html#check" if request.htmx else "billing/claim_file.html"
    return render(request, template, {
        "month": first, "problems": rows, "sample": sample, "closing": closing, "file_name": name,
        "claim_file_kind": DocumentKind.CLAIM_FILE,
    })


@office_required(Role.MANAGER)
def billing_month_summary_pdf(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The claim summary alone (one or two pages: fast enough to make while the browser waits)."""
    first = _month_from(year, month)
    version = request.GET.get("version")
    version = int(version) if version and version.isdigit() else None
    if version is not None:
        get_object_or_404(scoped(request, MonthClosing), month=first, version=version)
    try:
        data = billing_month_pdf(office=request.office, month=first, kind=KIND_SUMMARY, version=version)
    except DocumentError as error:
        messages.error(request, str(error))
        return redirect(_month_url(first))
    audit_record_export(user=request.user, office=request.office, what="billing month summary PDF", rows=1)
    stem = f"billing-{request.office.number}-{first:%Y-%m}" + (f"-v{version}" if version else "")
    return _file_response(data, filename=f"{stem}-summary.pdf", content_type="application/pdf")


EXPORT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "csv": "text/csv; charset=utf-8"}


@office_required(Role.MANAGER)
def billing_month_export(request: HttpRequest, year: int, month: int, fmt: str) -> HttpResponse:
    """The month's claim lines for the accountant (the snapshot when closed)."""
    if fmt not in EXPORT_TYPES:
        raise Http404
    first = _month_from(year, month)
    version = request.GET.get("version")
    version = int(version) if version and version.isdigit() else None
    if version is not None:
        get_object_or_404(scoped(request, MonthClosing), month=first, version=version)
    statement = billing_month_statement(office=request.office, month=first, version=version)
    frame = claim_lines_frame(statement)
    data = to_xlsx({f"{first:%Y-%m}": frame}) if fmt == "xlsx" else exports_csv(frame)
    audit_record_export(user=request.user, office=request.office, what=f"billing month claim lines {fmt.upper()}",
                        rows=len(frame))
    state = f"v{statement.closing.version}" if statement.closing else "draft"
    return _file_response(data, filename=f"claims-{request.office.number}-{first:%Y-%m}-{state}.{fmt}",
                          content_type=EXPORT_TYPES[fmt])


@office_required(Role.MANAGER)
def billing_followup_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The year's follow-up cost tables (per hire, buckets, the seed's what-if) for the accountant."""
    if fmt not in EXPORT_TYPES:
        raise Http404
    year_form = YearForm(request.GET)
    year = (year_form.cleaned_data["year"] if year_form.is_valid() and year_form.cleaned_data["year"]
            else timezone.localdate().year - 1)
    try:
        report = followup_cost_year(office=request.office, year=year)
    except BillingConfigurationError as error:
        messages.error(request, str(error))
        return redirect("billing:followup_cost")
    frames = followup_frames(report, followup_what_if(**SEED_WHAT_IF))
    data = to_xlsx(frames) if fmt == "xlsx" else followup_csv(frames)
    audit_record_export(user=request.user, office=request.office, what=f"follow-up cost {fmt.upper()}",
                        rows=len(report.hires))
    return _file_response(data, filename=f"followup-cost-{request.office.number}-{year}.{fmt}",
                          content_type=EXPORT_TYPES[fmt])


@office_required(Role.MANAGER)
def billing_month_history(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """Every recorded change of the office's billing rows (closings, claims) of one month, newest first."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    first = date(year, month, 1)
    events = audit_rows_history(MonthClosing, office=request.office, month=first)  # and its claim lines
    return history_page(request, _("History of the billing of %(month)s") % {"month": f"{year}-{month:02d}"}, events)

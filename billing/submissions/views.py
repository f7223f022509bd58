"""The screens after sending (managers only): a month's sendings with each line's result and the actions on
it (record the result, withdraw, claim again), and the list of what is outstanding.  Views parse, call a
service or selector and render; another office's sending, line or result answers 404."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.claimfile import claim_file_name
from billing.models import ClaimLine
from billing.selectors import billing_month_closing
from billing.submissions.forms import ReclaimForm, ResultForm, SubmissionForm, WithdrawForm
from billing.submissions.models import UNPAID, ClaimResult, ClaimSubmission, ResultStatus
from billing.submissions.selectors import billing_late_lines, billing_month_sendings, billing_outstanding
from billing.submissions.services import (
    claim_line_reclaim,
    claim_line_result_record,
    claim_line_withdraw,
    claim_submission_record,
)
from compostela.dates import service_month
from compostela.forms import form_add_service_errors
from compostela.models import Role
from compostela.scoping import office_required, scoped


def _month_from(year: int, month: int) -> date:
    first = service_month(year, month)
    if first is None:
        raise Http404
    return first


def submission_url(month: date, anchor: str = "") -> str:
    url = reverse("billing:submission", args=[month.year, month.month])
    return f"{url}#{anchor}" if anchor else url


def _default_file_name(request: HttpRequest, closing) -> str:
    sample = bool((closing.summary or {}).get("fee_status", {}).get("example")) and request.office.demo
    return claim_file_name(closing=closing, sample=sample)


def _render(request: HttpRequest, month: date, *, form: SubmissionForm | None = None,
            bound: tuple[str, object, object] | None = None, status: int = 200) -> HttpResponse:
    """The month's sending page; ``bound``: (kind, key, form) of a row's form posted with errors."""
    closing = billing_month_closing(office=request.office, month=month)
    today = timezone.localdate()
    if form is None and closing is not None:
        form = SubmissionForm(initial={"version": closing.version, "file_name": _default_file_name(request, closing),
                                       "sent_on": today})
    default_later = max(month + relativedelta(months=1), today.replace(day=1) - relativedelta(months=1))

    def row_form(kind: str, key, make):
        if bound is not None and bound[0] == kind and bound[1] == key:
            return bound[2]
        return make()

    sendings = billing_month_sendings(office=request.office, month=month)
    rows = []
    for sent in sendings:
        for each in sent.lines:
            result = each.result
            each.result_form = None if result else row_form(
                "result", (sent.submission.pk, each.line.pk), lambda: ResultForm(initial={"notice_on": today}))
            each.withdraw_form = row_form("withdraw", result.pk, WithdrawForm) if (
                result and result.status == ResultStatus.ACCEPTED) else None
            each.reclaim_form = row_form("reclaim", result.pk, lambda: ReclaimForm(
                initial={"month": f"{default_later:%Y-%m}"})) if (
                result and result.status in UNPAID and each.reclaim is None) else None
            rows.append(each)
    sent_closings = {s.submission.closing_id for s in sendings}
    return render(request, "billing/submission.html", {
        "month": month, "closing": closing, "sendings": sendings, "form": form,
        # the form while the version in force is not sent yet, and always when it comes back with its errors
        "can_record": form is not None and (form.is_bound or closing.pk not in sent_closings),
        "late_lines": billing_late_lines(office=request.office, month=month,
                                         closing=closing) if closing is not None else [],
    }, status=status)


@office_required(Role.MANAGER)
def billing_submission(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The month's sendings and results; POST records that the file of the version in force was sent."""
    first = _month_from(year, month)
    if request.method != "POST":
        return _render(request, first)
    form = SubmissionForm(request.POST)
    if form.is_valid():
        try:
            submission = claim_submission_record(office=request.office, month=first, by=request.user,
                                                 **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The sending of %(file)s is recorded.") % {"file": submission.file_name})
            return redirect(submission_url(first))
    return _render(request, first, form=form, status=422)


@require_POST
@office_required(Role.MANAGER)
def billing_line_result(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    """Record the 国保連's result of one line of a sending (accepted, or returned with the reason)."""
    submission = get_object_or_404(scoped(request, ClaimSubmission).select_related("closing"), pk=pk)
    line = get_object_or_404(scoped(request, ClaimLine), pk=line_id)
    month = submission.closing.month
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            claim_line_result_record(submission=submission, line=line, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The result of %(client)s is recorded.") % {"client": line.client_name})
            return redirect(submission_url(month, f"line-{submission.pk}-{line.pk}"))
    return _render(request, month, bound=("result", (submission.pk, line.pk), form), status=422)


def _result(request: HttpRequest, pk: int) -> ClaimResult:
    results = scoped(request, ClaimResult).select_related("submission__closing", "line__closing__office")
    return get_object_or_404(results, pk=pk)


@require_POST
@office_required(Role.MANAGER)
def billing_line_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an accepted line (過誤申立) with its date and reason."""
    result = _result(request, pk)
    month = result.submission.closing.month
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            claim_line_withdraw(result=result, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The withdrawal of %(client)s is recorded.") % {
                "client": result.line.client_name})
            return redirect(submission_url(month, f"line-{result.submission_id}-{result.line_id}"))
    return _render(request, month, bound=("withdraw", result.pk, form), status=422)


@require_POST
@office_required(Role.MANAGER)
def billing_line_reclaim(request: HttpRequest, pk: int) -> HttpResponse:
    """Claim a returned or withdrawn line again with a later month's file (月遅れ請求)."""
    result = _result(request, pk)
    month = result.submission.closing.month
    form = ReclaimForm(request.POST)
    if form.is_valid():
        try:
            late = claim_line_reclaim(result=result, month=form.cleaned_data["month"], by=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("%(client)s of %(month)s is claimed again with %(later)s.") % {
                "client": result.line.client_name, "month": f"{late.original_month:%Y-%m}",
                "later": f"{late.month:%Y-%m}"})
            return redirect(submission_url(month, f"line-{result.submission_id}-{result.line_id}"))
    return _render(request, month, bound=("reclaim", result.pk, form), status=422)


@office_required(Role.MANAGER)
def billing_outstanding_list(request: HttpRequest) -> HttpResponse:
    """The claims returned or withdrawn and not paid since: client, month, status, since when, how much."""
    items = billing_outstanding(office=request.office, today=timezone.localdate())
    return render(request, "billing/outstanding.html", {
        "items": items, "total": sum(item.claimed for item in items),
    })

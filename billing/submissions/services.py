"""The writes after sending (``billing.submissions``): record a month's sending, a line's result, a withdrawal
(過誤申立) and a re-claim in a later month (月遅れ請求).  Each refuses an impossible step with its code
(``BillingError``) on the field the manager corrects; the constraints of the models back the same rules.

A correction of a line is the month's reopening with a reason and a new closing
(``billing.services.closing``); the re-claim then sends the line of the version in force."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.errors import BillingError
from billing.models import ClaimLine, MonthClosing
from billing.services.closing import office_lock
from billing.submissions.models import UNPAID, ClaimResult, ClaimSubmission, LateClaim, ResultStatus
from billing.submissions.selectors import billing_late_lines
from compostela.audit import audited
from compostela.dates import refuse_future_date
from compostela.models import Office, User

NOT_IN_FORCE = gettext_noop("Version %(version)s is not the closing in force of %(month)s: record the sending of "
                            "the version whose file was made.")
BEFORE_CLOSING = gettext_noop("The file cannot have been sent before the month was closed (%(closed)s).")
SUBMISSION_ONCE = gettext_noop("The sending of this version of the month is recorded already.")
LATE_UNRESOLVED = gettext_noop("The line of %(client)s for %(month)s, claimed again with this month, has no line in "
                               "force: %(why)s")
WHY_OPEN = gettext_noop("its month is reopened; close the corrected version first.")
WHY_NO_LINE = gettext_noop("its month's version in force has no line of this client and service.")
LINE_NOT_SENT = gettext_noop("This line did not travel in this sending.")
RESULT_STATUS = gettext_noop("Record the line as accepted or returned; a withdrawal is recorded on an accepted line.")
BEFORE_SENDING = gettext_noop("The notice cannot be dated before the file was sent (%(sent)s).")
RESULT_ONCE = gettext_noop("The result of this line in this sending is recorded already.")
RETURN_NEEDS_REASON = gettext_noop("Give the reason for the return as the notice states it.")
WITHDRAW_NOT_ACCEPTED = gettext_noop("Only a line accepted (paid) can be withdrawn by 過誤申立.")
WITHDRAWN_BEFORE_ACCEPTED = gettext_noop("A line is withdrawn after the notice that accepted it (%(notice)s).")
WITHDRAWAL_NEEDS_REASON = gettext_noop("Give the reason for the withdrawal.")
RECLAIM_NOT_UNPAID = gettext_noop("Only a returned or withdrawn line is claimed again.")
RECLAIM_NOT_LATER = gettext_noop("Claim it again with a month later than %(month)s.")
RECLAIM_ONCE = gettext_noop("This return or withdrawal is claimed again already.")
RECLAIM_MONTH_SENT = gettext_noop("The file of %(month)s is recorded as sent already: choose a later month.")
RECLAIM_MONTH_OPEN = gettext_noop("%(month)s is reopened: close the corrected version first, then claim the line "
                                  "again from it.")
RECLAIM_NO_LINE = gettext_noop("The version in force of %(month)s has no line of %(client)s for this service.")


def _refuse(field: str | None, message: str, code: BillingError, **params) -> None:
    text = _(message) % params if params else _(message)
    if field:
        raise ValidationError({field: ValidationError(text, code=code)})
    raise ValidationError(text, code=code)


@audited(by="by")
@transaction.atomic
def claim_submission_record(*, office: Office, month: date, version: int, file_name: str, sent_on: date,
                            by: User) -> ClaimSubmission:
    """Record that the file of ``month``'s closing ``version`` (the one in force) was sent on ``sent_on``; the
    re-claims recorded for the month travel with it (each re-pointed to its month's version in force)."""
    first = month.replace(day=1)
    office_lock(office)
    closing = MonthClosing.objects.filter(office=office, month=first, version=version,
                                          reopened_at__isnull=True).first()
    if closing is None:
        _refuse("version", NOT_IN_FORCE, BillingError.SUBMISSION_NOT_IN_FORCE, version=version,
                month=f"{first:%Y-%m}")
    refuse_future_date(sent_on, field="sent_on")
    closed_on = timezone.localdate(closing.closed_at)
    if sent_on < closed_on:
        _refuse("sent_on", BEFORE_CLOSING, BillingError.SUBMISSION_BEFORE_CLOSING, closed=closed_on.isoformat())
    if ClaimSubmission.objects.filter(closing=closing).exists():
        _refuse("version", SUBMISSION_ONCE, BillingError.SUBMISSION_ONCE)
    late_lines = billing_late_lines(office=office, month=first)
    for late_line in late_lines:
        if late_line.line is None:
            why = WHY_OPEN if late_line.month_open else WHY_NO_LINE
            code = BillingError.RECLAIM_MONTH_OPEN if late_line.month_open else BillingError.RECLAIM_NO_LINE
            _refuse(None, LATE_UNRESOLVED, code, client=late_line.late.line.client_name,
                    month=f"{late_line.late.original_month:%Y-%m}", why=_(why))
    submission = ClaimSubmission(closing=closing, file_name=file_name.strip(), sent_on=sent_on, sent_by=by)
    submission.full_clean()
    submission.save()
    for late_line in late_lines:
        late_line.late.line = late_line.line
        late_line.late.submission = submission
        late_line.late.save(update_fields=["line", "submission"])
    return submission


def _carried(submission: ClaimSubmission, line: ClaimLine) -> bool:
    return line.closing_id == submission.closing_id or LateClaim.objects.filter(submission=submission,
                                                                                line=line).exists()


@audited(by="by")
@transaction.atomic
def claim_line_result_record(*, submission: ClaimSubmission, line: ClaimLine, status: str, notice_on: date,
                             return_reason: str = "", by: User) -> ClaimResult:
    """Record the 国保連's result for ``line`` in ``submission``: accepted, or returned (返戻) with the reason as
    the notice states it."""
    if status not in (ResultStatus.ACCEPTED, ResultStatus.RETURNED):
        _refuse("status", RESULT_STATUS, BillingError.RESULT_STATUS)
    if not _carried(submission, line):
        _refuse(None, LINE_NOT_SENT, BillingError.RESULT_LINE_NOT_SENT)
    refuse_future_date(notice_on, field="notice_on")
    if notice_on < submission.sent_on:
        _refuse("notice_on", BEFORE_SENDING, BillingError.RESULT_BEFORE_SENDING, sent=submission.sent_on.isoformat())
    reason = return_reason.strip() if status == ResultStatus.RETURNED else ""
    if status == ResultStatus.RETURNED and not reason:
        _refuse("return_reason", RETURN_NEEDS_REASON, BillingError.RETURN_NEEDS_REASON)
    if ClaimResult.objects.select_for_update().filter(submission=submission, line=line).exists():
        _refuse(None, RESULT_ONCE, BillingError.RESULT_ONCE)
    result = ClaimResult(submission=submission, line=line, status=status, notice_on=notice_on,
                         return_reason=reason, recorded_by=by)
    result.full_clean()
    result.save()
    return result


@audited(by="by")
@transaction.atomic
def claim_line_withdraw(*, result: ClaimResult, withdrawn_on: date, withdrawal_reason: str,
                        by: User) -> ClaimResult:
    """Withdraw an accepted (paid) line by 過誤申立: its result becomes a withdrawal, with the date and reason."""
    result = ClaimResult.objects.select_for_update().get(pk=result.pk)
    if result.status != ResultStatus.ACCEPTED:
        _refuse(None, WITHDRAW_NOT_ACCEPTED, BillingError.WITHDRAW_NOT_ACCEPTED)
    refuse_future_date(withdrawn_on, field="withdrawn_on")
    if withdrawn_on < result.notice_on:
        _refuse("withdrawn_on", WITHDRAWN_BEFORE_ACCEPTED, BillingError.WITHDRAWN_BEFORE_ACCEPTED,
                notice=result.notice_on.isoformat())
    if not withdrawal_reason.strip():
        _refuse("withdrawal_reason", WITHDRAWAL_NEEDS_REASON, BillingError.WITHDRAWAL_INCOMPLETE)
    result.status = ResultStatus.WITHDRAWN
    result.withdrawn_on = withdrawn_on
    result.withdrawal_reason = withdrawal_reason.strip()
    result.full_clean()
    result.save(update_fields=["status", "withdrawn_on", "withdrawal_reason"])
    return result


@audited(by="by")
@transaction.atomic
def claim_line_reclaim(*, result: ClaimResult, month: date, by: User) -> LateClaim:
    """Claim a returned or withdrawn line again with the later ``month``'s file (月遅れ請求), from its month's
    version in force (after a correction: the new version)."""
    line = result.line
    office = line.closing.office
    office_lock(office)
    result = ClaimResult.objects.select_for_update().get(pk=result.pk)
    original = line.closing.month
    later = month.replace(day=1)
    if result.status not in UNPAID:
        _refuse(None, RECLAIM_NOT_UNPAID, BillingError.RECLAIM_NOT_UNPAID)
    if later <= original:
        _refuse("month", RECLAIM_NOT_LATER, BillingError.RECLAIM_NOT_LATER, month=f"{original:%Y-%m}")
    if LateClaim.objects.filter(result=result).exists():
        _refuse(None, RECLAIM_ONCE, BillingError.RECLAIM_ONCE)
    if ClaimSubmission.objects.filter(closing__office=office, closing__month=later).exists():
        _refuse("month", RECLAIM_MONTH_SENT, BillingError.RECLAIM_MONTH_SENT, month=f"{later:%Y-%m}")
    in_force = MonthClosing.objects.filter(office=office, month=original, reopened_at__isnull=True).first()
    if in_force is None:
        _refuse(None, RECLAIM_MONTH_OPEN, BillingError.RECLAIM_MONTH_OPEN, month=f"{original:%Y-%m}")
    current = ClaimLine.objects.filter(closing=in_force, client_id=line.client_id, service=line.service).first()
    if current is None:
        _refuse(None, RECLAIM_NO_LINE, BillingError.RECLAIM_NO_LINE, month=f"{original:%Y-%m}",
                client=line.client_name)
    late = LateClaim(result=result, line=current, original_month=original, month=later, recorded_by=by)
    late.full_clean()
    late.save()
    return late

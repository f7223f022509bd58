"""The sending of a month's claim file and what became of each line (``billing.submissions``).

* ``ClaimSubmission``: a closing version's file sent to the 国保連 (when, under which file name, by whom);
* ``ClaimResult``: one line's result in one sending — accepted, or returned (返戻) with the reason as the
  notice states it; an accepted line may be withdrawn later (過誤申立), in place, with its date and reason;
* ``LateClaim``: a returned or withdrawn line claimed again in a later month's file (月遅れ請求), from its
  month's latest version; the later month's sending that carried it.

Imported by ``billing.models`` (so Django registers them with the billing app)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from billing.errors import BillingError
from billing.models import ClaimLine, MonthClosing
from compostela.audit import track
from compostela.constraints import MSG_MONTH_FIRST_DAY, MSG_UNKNOWN_CHOICE, FieldCheckConstraint, FieldUniqueConstraint

# 共通編 1.2.1: at most 8 half-width letters and digits starting with a letter, and the extension .CSV
FILE_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9]{0,7}\.CSV$"


class ResultStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted (paid)")  # 審査決定・支払
    RETURNED = "returned", _("Returned (返戻)")
    WITHDRAWN = "withdrawn", _("Withdrawn (過誤申立)")


UNPAID = (ResultStatus.RETURNED, ResultStatus.WITHDRAWN)


@track()
class ClaimSubmission(models.Model):
    """The file of one closing version, sent through the 電子請求受付システム."""

    office_path = "closing__office"

    closing = models.ForeignKey(MonthClosing, on_delete=models.PROTECT, related_name="submissions",
                                verbose_name=_("closing version sent"))
    file_name = models.CharField(_("file name"), max_length=12)
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("sent by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim file sending")
        verbose_name_plural = _("claim file sendings")
        ordering = ["closing", "sent_on", "pk"]
        constraints = [
            FieldUniqueConstraint(
                fields=["closing"], name="claim_submission_one_per_closing", field="closing",
                violation_error_code=BillingError.SUBMISSION_ONCE,
                violation_error_message=_("The sending of this version of the month is recorded already."),
            ),
            FieldCheckConstraint(
                condition=Q(file_name__regex=FILE_NAME_PATTERN), name="claim_submission_file_name",
                field="file_name", violation_error_code=BillingError.SUBMISSION_FILE_NAME,
                violation_error_message=_("A claim file is named with at most 8 letters or digits, starting with a "
                                          "letter, and .CSV (for example J2506V01.CSV)."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.closing} {self.file_name} {self.sent_on}"


@track()
class ClaimResult(models.Model):
    """What the 国保連 decided for one line in one sending.  A withdrawal (過誤申立) changes an accepted row in
    place (its history keeps the acceptance)."""

    office_path = "submission__closing__office"

    submission = models.ForeignKey(ClaimSubmission, on_delete=models.PROTECT, related_name="results",
                                   verbose_name=_("sending"))
    line = models.ForeignKey(ClaimLine, on_delete=models.PROTECT, related_name="results",
                             verbose_name=_("claim line"))
    status = models.CharField(_("result"), max_length=10, choices=ResultStatus.choices)
    notice_on = models.DateField(_("date of the notice"),
                                 help_text=_("The date of the 国保連's notice that gives the result."))
    return_reason = models.CharField(_("reason for the return"), max_length=300, blank=True,
                                     help_text=_("As the notice states it (its code and words)."))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for the withdrawal"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim line result")
        verbose_name_plural = _("claim line results")
        ordering = ["submission", "line", "pk"]
        constraints = [
            FieldUniqueConstraint(
                fields=["submission", "line"], name="claim_result_one_per_line_sending", field="line",
                violation_error_code=BillingError.RESULT_ONCE,
                violation_error_message=_("The result of this line in this sending is recorded already."),
            ),
            FieldCheckConstraint(
                condition=Q(status__in=ResultStatus.values), name="claim_result_status_known",
                field="status", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=~Q(status=ResultStatus.RETURNED) | ~Q(return_reason=""),
                name="claim_result_return_has_reason", field="return_reason",
                violation_error_code=BillingError.RETURN_NEEDS_REASON,
                violation_error_message=_("Give the reason for the return as the notice states it."),
            ),
            FieldCheckConstraint(
                condition=(Q(status=ResultStatus.WITHDRAWN, withdrawn_on__isnull=False) & ~Q(withdrawal_reason=""))
                | (~Q(status=ResultStatus.WITHDRAWN) & Q(withdrawn_on__isnull=True, withdrawal_reason="")),
                name="claim_result_withdrawal_complete", field="withdrawal_reason",
                violation_error_code=BillingError.WITHDRAWAL_INCOMPLETE,
                violation_error_message=_("A withdrawal (過誤申立) has its date and its reason, and only a withdrawal "
                                          "has them."),
            ),
            FieldCheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("notice_on")),
                name="claim_result_withdrawn_after_notice", field="withdrawn_on",
                violation_error_code=BillingError.WITHDRAWN_BEFORE_ACCEPTED,
                violation_error_message=_("A line is withdrawn after the notice that accepted it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.status} {self.notice_on}"


@track()
class LateClaim(models.Model):
    """A returned or withdrawn line claimed again in a later month's file (月遅れ請求): ``line`` is the line of
    its month's latest version (re-pointed to the version in force when the later month's file is sent),
    ``month`` the later service month whose file carries it."""

    office_path = "line__closing__office"

    result = models.ForeignKey(ClaimResult, on_delete=models.PROTECT, related_name="late_claims",
                               verbose_name=_("return or withdrawal re-claimed"))
    line = models.ForeignKey(ClaimLine, on_delete=models.PROTECT, related_name="late_claims",
                             verbose_name=_("line claimed again"))
    original_month = models.DateField(_("month of service"))
    month = models.DateField(_("claimed again with the month"),
                             help_text=_("The later month whose claim file carries the line (月遅れ請求)."))
    submission = models.ForeignKey(ClaimSubmission, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="late_claims", verbose_name=_("sending that carried it"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("late claim")
        verbose_name_plural = _("late claims")
        ordering = ["month", "original_month", "pk"]
        constraints = [
            FieldUniqueConstraint(
                fields=["result"], name="late_claim_one_per_result", field="month",
                violation_error_code=BillingError.RECLAIM_ONCE,
                violation_error_message=_("This return or withdrawal is claimed again already."),
            ),
            FieldCheckConstraint(
                condition=Q(month__day=1) & Q(original_month__day=1), name="late_claim_month_first_day",
                field="month", violation_error_code=BillingError.MONTH_FIRST_DAY,
                violation_error_message=MSG_MONTH_FIRST_DAY,
            ),
            FieldCheckConstraint(
                condition=Q(month__gt=F("original_month")), name="late_claim_later_month", field="month",
                violation_error_code=BillingError.RECLAIM_NOT_LATER,
                violation_error_message=_("A line is claimed again with a month later than its own."),
            ),
        ]
        indexes = [
            # the claim file and the sending of a month: the re-claims its file carries
            models.Index(fields=["month"], name="late_claim_month"),
        ]

    def __str__(self) -> str:
        return f"{self.line} → {self.month:%Y-%m}"

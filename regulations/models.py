"""The figures of the regulations that change with a revision, one dated row per revision.

The figures in force on a day are those of the row with the latest ``valid_from`` on or before it
(``regulations.selectors.figures_on``); a revision is a new row, never a code change.  Every row names its
source and says whether anyone checked it against the ministry's notice (``to_verify``).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compostela.audit import track
from compostela.constraints import FieldCheckConstraint
from regulations.errors import RegulationsError

MSG_PERCENT_1_100 = _("Give a percentage from 1 to 100.")

TO_VERIFY = _("To verify against the ministry's notice before relying on it.")


@track()
class RegulatoryFigures(models.Model):
    """The figures of one revision (``regulations.rules.Figures`` as a row): co-payment percentage and the
    standard monthly caps, the over-capacity and missing-plan percentages, the new-office rate and years,
    and whether a 就労定着支援 month needs a support report."""

    valid_from = models.DateField(_("in force from"), unique=True)

    copay_percent = models.PositiveSmallIntegerField(_("co-payment (percent of the month's total)"))
    cap_welfare = models.PositiveIntegerField(_("co-payment cap, public assistance (yen a month)"))
    cap_low_income = models.PositiveIntegerField(_("co-payment cap, low income (yen a month)"))
    cap_general_1 = models.PositiveIntegerField(_("co-payment cap, general 1 (yen a month)"))
    cap_general_2 = models.PositiveIntegerField(_("co-payment cap, general 2 (yen a month)"))
    over_capacity_percent = models.PositiveSmallIntegerField(_("over capacity: percent of the basic units paid"))
    plan_missing_early_percent = models.PositiveSmallIntegerField(
        _("missing support plan: percent paid in the first months")
    )
    plan_missing_later_percent = models.PositiveSmallIntegerField(
        _("missing support plan: percent paid from the month after them")
    )
    plan_missing_early_months = models.PositiveSmallIntegerField(_("missing support plan: first months"))
    new_office_rate = models.DecimalField(
        _("new office: retention rate it is treated as"), max_digits=5, decimal_places=4,
        help_text=_("0.3000: the tier \"30 % to under 40 %\"."),
    )
    new_office_fiscal_years = models.PositiveSmallIntegerField(_("new office: fiscal years"))
    support_report_required = models.BooleanField(
        _("retention support: monthly support report required"),
    )
    plan_monitoring_months_transition = models.PositiveSmallIntegerField(
        _("support plan monitoring, transition support: at least every … months"),
    )
    plan_monitoring_months_retention = models.PositiveSmallIntegerField(
        _("support plan monitoring, retention support: at least every … months"),
    )

    source_title = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    checked_on = models.DateField(_("checked against the source on"), null=True, blank=True)
    checked_by = models.CharField(_("checked by"), max_length=100, blank=True)
    to_verify = models.BooleanField(_("to verify"), default=True, help_text=TO_VERIFY)
    verification_note = models.TextField(
        _("what is not verified"), blank=True,
        help_text=_("Which figures nobody has checked against the notice yet, and why."),
    )

    class Meta:
        verbose_name = _("regulatory figures")
        verbose_name_plural = _("regulatory figures")
        ordering = ["valid_from"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(copay_percent__lte=100), name="regulatory_figures_copay_percent_max_100",
                field="copay_percent", violation_error_code=RegulationsError.PERCENT_RANGE,
                violation_error_message=_("The co-payment is at most 100 percent."),
            ),
            FieldCheckConstraint(
                condition=Q(over_capacity_percent__gte=1, over_capacity_percent__lte=100),
                name="regulatory_figures_over_capacity_percent_1_100",
                field="over_capacity_percent", violation_error_code=RegulationsError.PERCENT_RANGE,
                violation_error_message=MSG_PERCENT_1_100,
            ),
            FieldCheckConstraint(
                condition=Q(plan_missing_early_percent__gte=1, plan_missing_early_percent__lte=100),
                name="regulatory_figures_plan_missing_early_percent_1_100",
                field="plan_missing_early_percent", violation_error_code=RegulationsError.PERCENT_RANGE,
                violation_error_message=MSG_PERCENT_1_100,
            ),
            FieldCheckConstraint(
                condition=Q(plan_missing_later_percent__gte=1, plan_missing_later_percent__lte=100),
                name="regulatory_figures_plan_missing_later_percent_1_100",
                field="plan_missing_later_percent", violation_error_code=RegulationsError.PERCENT_RANGE,
                violation_error_message=MSG_PERCENT_1_100,
            ),
            FieldCheckConstraint(
                condition=Q(plan_missing_early_months__gte=1), name="regulatory_figures_plan_missing_early_months_1",
                field="plan_missing_early_months", violation_error_code=RegulationsError.MONTHS_POSITIVE,
                violation_error_message=_("Give at least one month."),
            ),
            FieldCheckConstraint(
                condition=Q(plan_monitoring_months_transition__gte=1),
                name="regulatory_figures_plan_monitoring_transition_1",
                field="plan_monitoring_months_transition", violation_error_code=RegulationsError.MONTHS_POSITIVE,
                violation_error_message=_("Give at least one month."),
            ),
            FieldCheckConstraint(
                condition=Q(plan_monitoring_months_retention__gte=1),
                name="regulatory_figures_plan_monitoring_retention_1",
                field="plan_monitoring_months_retention", violation_error_code=RegulationsError.MONTHS_POSITIVE,
                violation_error_message=_("Give at least one month."),
            ),
            FieldCheckConstraint(
                condition=Q(new_office_rate__gte=0, new_office_rate__lte=1),
                name="regulatory_figures_new_office_rate_0_1",
                field="new_office_rate", violation_error_code=RegulationsError.RATE_RANGE,
                violation_error_message=_("Give the rate as a fraction from 0 to 1 (0.3000 for 30 percent)."),
            ),
            FieldCheckConstraint(
                condition=~Q(source_title=""), name="regulatory_figures_source_named",
                field="source_title", violation_error_code=RegulationsError.SOURCE_NAMED,
                violation_error_message=_("Name the source of these figures."),
            ),
            # a row marked verified says when and by whom
            FieldCheckConstraint(
                condition=Q(to_verify=True) | (Q(checked_on__isnull=False) & ~Q(checked_by="")),
                name="regulatory_figures_verified_says_when_and_by_whom",
                field="checked_by", violation_error_code=RegulationsError.VERIFIED_SAYS_WHO_AND_WHEN,
                violation_error_message=_("Figures marked verified say when and by whom they were checked."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from}"

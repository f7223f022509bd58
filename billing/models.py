"""Billing: month closing (and, from the billing-engine issue, fee schedules and claim snapshots)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from compostela.models import Office


class MonthClosing(models.Model):
    """One closing of an office's month.  Reopening keeps the row (with who, when and why); closing again
    stores a new version, so every earlier version stays readable."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    version = models.PositiveSmallIntegerField(_("version"))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.CharField(_("reason for reopening"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("month closing")
        verbose_name_plural = _("month closings")
        ordering = ["office", "month", "version"]
        constraints = [
            models.UniqueConstraint(fields=["office", "month", "version"], name="month_closing_version_unique"),
            # at most one closing of a month is in force (not reopened) at a time
            models.UniqueConstraint(
                fields=["office", "month"], condition=Q(reopened_at__isnull=True), name="month_closing_one_in_force"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="month_closing_month_first_day"),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | (~Q(reopen_reason="") & Q(reopened_at__gte=F("closed_at"))),
                name="month_closing_reopen_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.month:%Y-%m} v{self.version}"

"""The morning case review: the office's review settings and the meeting's "reviewed today" marks.
The tables kept their names from the clients app."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from compostela.audit import track
from compostela.constraints import FieldCheckConstraint, FieldUniqueConstraint
from compostela.models import Office
from review.errors import ReviewError

# --- Case review (issue 7): the 9:00 meeting's marks and the office's review settings ------------------------


REVIEW_QUIET_DAYS_DEFAULT = 7  # "no contact of any kind for N days"


@track()
class CaseReviewSettings(models.Model):
    """The office's settings of the morning case review (one row per office, created on first save)."""

    office_path = "office"

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="case_review_settings")
    quiet_days = models.PositiveSmallIntegerField(
        _("days without contact before a flag"), default=REVIEW_QUIET_DAYS_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("A client with no contact of any kind (attendance, note, outreach, employer contact, "
                    "follow-up) for more than this many days is flagged."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("updated by"))

    class Meta:
        db_table = "clients_casereviewsettings"  # the table kept its name when the model left the clients app
        verbose_name = _("case review settings")
        verbose_name_plural = _("case review settings")
        constraints = [
            FieldCheckConstraint(
                condition=Q(quiet_days__gte=1, quiet_days__lte=60),
                name="case_review_quiet_days_1_60",
                field="quiet_days", violation_error_code=ReviewError.QUIET_DAYS_RANGE,
                violation_error_message=_("Give the days without contact from 1 to 60."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.office)


@track()
class CaseReviewMark(models.Model):
    """"Reviewed today": one person (client or employed person) reviewed at one office's meeting on one day."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="review_marks")
    day = models.DateField(_("date"))
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("marked by"))
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        db_table = "clients_casereviewmark"  # the table kept its name when the model left the clients app
        verbose_name = _("case review mark")
        verbose_name_plural = _("case review marks")
        constraints = [
            # its index (office, day, client) also serves the board's query: one office's marks of one day
            FieldUniqueConstraint(
                fields=["office", "day", "client"], name="case_review_mark_once_per_day",
                field="client", violation_error_code=ReviewError.MARKED_ALREADY,
                violation_error_message=_("This person is marked as reviewed today already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.day}"

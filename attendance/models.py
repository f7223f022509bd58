"""Attendance: one row per client and day (the row billing is paid for), and the supervisor's recorded
confirmations of days beyond the granted days.  The tables kept their names from the clients app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from attendance.errors import AttendanceError
from clients.models import Client
from compostela.audit import track
from compostela.constraints import (
    MSG_MONTH_FIRST_DAY,
    MSG_UNKNOWN_CHOICE,
    FieldCheckConstraint,
    FieldUniqueConstraint,
)
from compostela.models import Office
from regulations import rules as regulations


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", _("Attended")  # 通所
    OFFSITE = "offsite", _("Off-site support")  # 施設外支援
    ABSENT = "absent", _("Absent")  # 欠席
    ABSENT_SUPPORTED = "absent_supported", _("Absent with support")  # 欠席時対応


# the statuses billing is paid for: the regulations' rule (attended and off-site days)
BILLABLE_ATTENDANCE = tuple(AttendanceStatus(status) for status in regulations.BILLABLE_STATUSES)


@track()
class Attendance(models.Model):
    """One client's day: the row that billing is paid for.  One row per client per day (upsert)."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="attendance")
    day = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=AttendanceStatus.choices)
    start_time = models.TimeField(_("start"), null=True, blank=True)
    end_time = models.TimeField(_("end"), null=True, blank=True)
    transport_to = models.BooleanField(_("transport there"), default=False)
    transport_from = models.BooleanField(_("transport back"), default=False)
    meal = models.BooleanField(_("meal provided"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)  # optimistic concurrency: bumped on every change
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("updated by"))

    class Meta:
        db_table = "clients_attendance"  # the table kept its name when the model left the clients app
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            FieldUniqueConstraint(
                fields=["client", "day"], name="attendance_one_row_per_client_day",
                field="day", violation_error_code=AttendanceError.DUPLICATE_ROW,
                violation_error_message=_("The client already has attendance on this day."),
            ),
            FieldCheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_known",
                field="status", violation_error_code=AttendanceError.UNKNOWN_STATUS,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(start_time__isnull=True) | Q(end_time__isnull=True) | Q(end_time__gt=F("start_time")),
                name="attendance_end_after_start",
                field="end_time", violation_error_code=AttendanceError.END_NOT_AFTER_START,
                violation_error_message=_("The end time must be after the start time."),
            ),
            FieldCheckConstraint(
                condition=Q(status__in=BILLABLE_ATTENDANCE)
                | Q(transport_to=False, transport_from=False, meal=False),
                name="attendance_absence_has_no_transport_or_meal",
                field="status", violation_error_code=AttendanceError.ABSENCE_NO_TRANSPORT_OR_MEAL,
                violation_error_message=_("An absence has no transport and no meal."),
            ),
            FieldCheckConstraint(
                condition=~Q(status=AttendanceStatus.ABSENT_SUPPORTED) | ~Q(note=""),
                name="attendance_absence_support_has_note",
                field="note", violation_error_code=AttendanceError.SUPPORT_NEEDS_NOTE,
                violation_error_message=_("An absence with support needs a note on the call or visit."),
            ),
        ]
        indexes = [
            # roster (one office, one day) and billing month (one office, a date range)
            models.Index(fields=["office", "day"], name="attendance_office_day"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.day} {self.get_status_display()}"


@track()
class GrantedDaysOverride(models.Model):
    """A supervisor's recorded confirmation that a client may attend beyond the granted days in a month."""

    office_path = "client__office"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="granted_days_overrides")
    month = models.DateField(_("month"))
    reason = models.CharField(_("reason"), max_length=300)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        db_table = "clients_granteddaysoverride"  # the table kept its name when the model left the clients app
        verbose_name = _("granted-days confirmation")
        verbose_name_plural = _("granted-days confirmations")
        constraints = [
            FieldUniqueConstraint(
                fields=["client", "month"], name="granted_days_override_once_per_month",
                field="month", violation_error_code=AttendanceError.OVERRIDE_ONCE_PER_MONTH,
                violation_error_message=_("Days beyond the granted days are confirmed for this client and month "
                                          "already."),
            ),
            FieldCheckConstraint(
                condition=Q(month__day=1), name="granted_days_override_month_first_day",
                field="month", violation_error_code=AttendanceError.MONTH_FIRST_DAY,
                violation_error_message=MSG_MONTH_FIRST_DAY,
            ),
            FieldCheckConstraint(
                condition=~Q(reason=""), name="granted_days_override_has_reason",
                field="reason", violation_error_code=AttendanceError.OVERRIDE_NEEDS_REASON,
                violation_error_message=_("Give the reason for attending beyond the granted days."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.month:%Y-%m}"


@track()
class ClosedMonth(models.Model):
    """A month whose attendance is read-only because billing has closed it.  Billing writes it when it
    closes a month and deletes it when the month is reopened (``attendance.services.attendance_month_close`` /
    ``attendance_month_reopen``), so attendance reads its lock without knowing billing."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        constraints = [
            FieldUniqueConstraint(
                fields=["office", "month"], name="attendance_closed_month_once",
                field="month", violation_error_code=AttendanceError.MONTH_CLOSED,
                violation_error_message=_("This month is closed already."),
            ),
            FieldCheckConstraint(
                condition=Q(month__day=1), name="attendance_closed_month_first_day",
                field="month", violation_error_code=AttendanceError.MONTH_FIRST_DAY,
                violation_error_message=MSG_MONTH_FIRST_DAY,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.month:%Y-%m}"


class RegionalMeetingKind(models.TextChoices):
    """地域連携会議実施加算 (I) and (II) of 就労移行支援 (2024 revision).  Billing derives its add-on kind from
    these (``billing.services.claims``); attendance knows nothing of fees."""

    I = "i", _("Regional cooperation meeting (I)")  # noqa: E741 - the notice's own numeral
    II = "ii", _("Regional cooperation meeting (II)")


@track()
class RegionalMeeting(models.Model):
    """A meeting held or attended by the office with bodies related to the client (the consultation-support
    office, …) about the client's support plan, on a day: one occurrence of 地域連携会議実施加算 (I) or (II).
    Billing counts them per month (a monthly and a fiscal-year maximum, from the fee revision); the record
    sheet shows them on their day.  A month billing has closed is read-only, as its attendance."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="regional_meetings",
                               verbose_name=_("client"))
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=4, choices=RegionalMeetingKind.choices)
    participants = models.TextField(
        _("who took part, from which bodies"), max_length=500,
        help_text=_("For example: the consultation-support office (name), the hospital's social worker, the client."),
    )
    note = models.TextField(_("note"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("regional cooperation meeting")
        verbose_name_plural = _("regional cooperation meetings")
        ordering = ["day", "pk"]
        constraints = [
            FieldUniqueConstraint(
                fields=["client", "day", "kind"], name="regional_meeting_once_a_day",
                field="kind", violation_error_code=AttendanceError.MEETING_ONCE_A_DAY,
                violation_error_message=_("A meeting of this kind is recorded for the client on this day already."),
            ),
            FieldCheckConstraint(
                condition=Q(kind__in=RegionalMeetingKind.values), name="regional_meeting_kind_known",
                field="kind", violation_error_code=AttendanceError.MEETING_KIND_UNKNOWN,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=~Q(participants=""), name="regional_meeting_has_participants",
                field="participants", violation_error_code=AttendanceError.MEETING_NEEDS_PARTICIPANTS,
                violation_error_message=_("Say who took part in the meeting, and from which bodies."),
            ),
        ]
        indexes = [
            # billing's month and fiscal year (one office, a date range)
            models.Index(fields=["office", "day"], name="regional_meeting_office_day"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.day} {self.get_kind_display()}"

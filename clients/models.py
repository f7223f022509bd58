"""The people the office serves: clients, their periods of use, recipient certificates and attendance.

Further client records (health and benefits, IPS career profile, support plans, case notes) live
beside these in this module.  Every model declares ``office_path`` so that
``compostela.scoping.scoped`` can limit it to the current office.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from compostela.models import Office


class DateRangeClosed(Func):
    """daterange(lower, upper, '[]') — both ends inclusive; an open upper end is unbounded."""

    function = "DATERANGE"
    output_field = models.DateField()  # only used inside constraints

    def __init__(self, lower, upper):
        super().__init__(lower, upper, models.Value("[]"))


class SameId(Func):
    """int8range(id, id, '[]'): lets a GiST exclusion constraint compare ids with ``=`` without the
    btree_gist extension (the embedded PostgreSQL does not ship it)."""

    function = "INT8RANGE"
    output_field = models.BigIntegerField()  # only used inside constraints

    def __init__(self, field):
        super().__init__(field, field, models.Value("[]"))


class ClientStatus(models.TextChoices):
    VISITOR = "visitor", _("Visitor")  # 見学
    TRIAL = "trial", _("Trial")  # 体験
    ENROLLED = "enrolled", _("Enrolled")  # 利用中
    EMPLOYED = "employed", _("Employed")  # 就職
    ENDED = "ended", _("Ended")  # 終了


class ReferralSource(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation office")  # 相談室・相談支援事業所
    HOSPITAL = "hospital", _("Hospital or clinic")
    HELLO_WORK = "hello_work", _("Hello Work")
    FAMILY = "family", _("Family")
    SCHOOL = "school", _("School")
    WELFARE_OFFICE = "welfare_office", _("Municipal welfare office")
    SELF = "self", _("Self (own enquiry)")
    OTHER = "other", _("Other")


class ClientQuerySet(models.QuerySet):
    def in_service(self):
        return self.filter(status__in=[ClientStatus.VISITOR, ClientStatus.TRIAL, ClientStatus.ENROLLED])


class Client(models.Model):
    """利用者: one person who uses (or used) the office."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="clients", verbose_name=_("office"))
    family_name = models.CharField(_("family name"), max_length=50)
    given_name = models.CharField(_("given name"), max_length=50)
    family_name_kana = models.CharField(_("family name (kana)"), max_length=100)
    given_name_kana = models.CharField(_("given name (kana)"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=100, blank=True)
    emergency_contact_phone = models.CharField(_("emergency contact phone"), max_length=30, blank=True)
    referral_source = models.CharField(
        _("referral source"), max_length=20, choices=ReferralSource.choices, default=ReferralSource.OTHER
    )
    referral_note = models.CharField(_("referral details"), max_length=200, blank=True)
    first_visit_on = models.DateField(_("first visit"), null=True, blank=True)
    enrolled_on = models.DateField(_("enrolment date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ClientStatus.choices, default=ClientStatus.VISITOR)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("employment specialist"),
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("case manager"),
    )
    usual_start = models.TimeField(_("usual start time"), null=True, blank=True)
    usual_end = models.TimeField(_("usual end time"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["family_name_kana", "given_name_kana", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ClientStatus.values), name="client_status_known"),
            models.CheckConstraint(
                condition=Q(referral_source__in=ReferralSource.values), name="client_referral_source_known"
            ),
            models.CheckConstraint(
                condition=Q(enrolled_on__isnull=True) | Q(first_visit_on__isnull=True)
                | Q(enrolled_on__gte=F("first_visit_on")),
                name="client_enrolled_after_first_visit",
            ),
            models.CheckConstraint(
                condition=~Q(status=ClientStatus.ENDED) | Q(ended_on__isnull=False), name="client_ended_has_date"
            ),
            models.CheckConstraint(
                condition=Q(usual_start__isnull=True) | Q(usual_end__isnull=True) | Q(usual_end__gt=F("usual_start")),
                name="client_usual_end_after_start",
            ),
        ]
        indexes = [
            # client list: office's clients by kana, filtered by status
            models.Index(fields=["office", "status", "family_name_kana"], name="client_office_status_kana"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}"


class ServicePeriod(models.Model):
    """One period of use, from the first visit to its end.  A client who comes back (再利用) gets a new
    period; earlier periods are kept as they were."""

    office_path = "client__office"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="periods")
    started_on = models.DateField(_("start"))
    enrolled_on = models.DateField(_("enrolment date"), null=True, blank=True)
    ended_on = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    is_return = models.BooleanField(_("return after a job (re-use)"), default=False)

    class Meta:
        verbose_name = _("period of use")
        verbose_name_plural = _("periods of use")
        ordering = ["client", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="period_end_after_start"
            ),
            ExclusionConstraint(
                name="period_no_overlap_per_client",
                expressions=[(SameId("client"), RangeOperators.EQUAL),
                             (DateRangeClosed("started_on", "ended_on"), RangeOperators.OVERLAPS)],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.started_on} – {self.ended_on or ''}"


class IncomeCategory(models.TextChoices):
    WELFARE = "welfare", _("Public assistance (cap 0 yen)")  # 生活保護
    LOW_INCOME = "low_income", _("Low income (cap 0 yen)")  # 低所得
    GENERAL_1 = "general_1", _("General 1 (cap 9,300 yen)")  # 一般1
    GENERAL_2 = "general_2", _("General 2 (cap 37,200 yen)")  # 一般2


STANDARD_COPAY_CAPS = {
    IncomeCategory.WELFARE: 0,
    IncomeCategory.LOW_INCOME: 0,
    IncomeCategory.GENERAL_1: 9300,
    IncomeCategory.GENERAL_2: 37200,
}

certificate_number_validator = RegexValidator(r"^\d{10}$", _("The certificate number has exactly 10 digits."))


class Certificate(models.Model):
    """受給者証: the recipient certificate, one row per decision (renewals and extensions are new rows)."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(_("certificate number"), max_length=10, validators=[certificate_number_validator])
    municipality = models.CharField(_("issuing municipality"), max_length=100)
    period_start = models.DateField(_("service period start"))
    period_end = models.DateField(_("service period end"))
    is_extension = models.BooleanField(_("extension"), default=False)
    granted_days = models.PositiveSmallIntegerField(
        _("granted days a month"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Leave empty for the standard amount: days in the month minus 8."),
    )
    income_category = models.CharField(_("income category"), max_length=12, choices=IncomeCategory.choices)
    copay_cap = models.PositiveIntegerField(_("co-payment monthly cap (yen)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recipient certificate")
        verbose_name_plural = _("recipient certificates")
        ordering = ["client", "period_start"]
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^\d{10}$"), name="certificate_number_ten_digits"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="certificate_end_after_start"),
            models.CheckConstraint(
                condition=Q(granted_days__isnull=True) | Q(granted_days__gte=1, granted_days__lte=31),
                name="certificate_granted_days_1_31",
            ),
            models.CheckConstraint(
                condition=Q(income_category__in=IncomeCategory.values), name="certificate_income_category_known"
            ),
            ExclusionConstraint(
                name="certificate_no_overlap_per_client",
                expressions=[(SameId("client"), RangeOperators.EQUAL),
                             (DateRangeClosed("period_start", "period_end"), RangeOperators.OVERLAPS)],
            ),
            # "certificate_number_unique_per_office": the same number may recur on one client's renewals but
            # never belongs to two clients of an office — enforced by a trigger (migration 0002).
        ]
        indexes = [
            # roster and billing: the certificate valid on a day, per client
            models.Index(fields=["client", "period_start", "period_end"], name="certificate_client_period"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.period_start}–{self.period_end})"


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", _("Attended")  # 通所
    OFFSITE = "offsite", _("Off-site support")  # 施設外支援
    ABSENT = "absent", _("Absent")  # 欠席
    ABSENT_SUPPORTED = "absent_supported", _("Absent with support")  # 欠席時対応


BILLABLE_ATTENDANCE = (AttendanceStatus.ATTENDED, AttendanceStatus.OFFSITE)


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
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["client", "day"], name="attendance_one_row_per_client_day"),
            models.CheckConstraint(condition=Q(status__in=AttendanceStatus.values), name="attendance_status_known"),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True) | Q(end_time__isnull=True) | Q(end_time__gt=F("start_time")),
                name="attendance_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=BILLABLE_ATTENDANCE)
                | Q(transport_to=False, transport_from=False, meal=False),
                name="attendance_absence_has_no_transport_or_meal",
            ),
            models.CheckConstraint(
                condition=~Q(status=AttendanceStatus.ABSENT_SUPPORTED) | ~Q(note=""),
                name="attendance_absence_support_has_note",
            ),
        ]
        indexes = [
            # roster (one office, one day) and billing month (one office, a date range)
            models.Index(fields=["office", "day"], name="attendance_office_day"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.day} {self.get_status_display()}"


class GrantedDaysOverride(models.Model):
    """A supervisor's recorded confirmation that a client may attend beyond the granted days in a month."""

    office_path = "client__office"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="granted_days_overrides")
    month = models.DateField(_("month"))
    reason = models.CharField(_("reason"), max_length=300)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("granted-days confirmation")
        verbose_name_plural = _("granted-days confirmations")
        constraints = [
            models.UniqueConstraint(fields=["client", "month"], name="granted_days_override_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="granted_days_override_month_first_day"),
            models.CheckConstraint(condition=~Q(reason=""), name="granted_days_override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.month:%Y-%m}"


class SupportPlan(models.Model):
    """個別支援計画: the individual support plan, created by the supervisor and agreed by the client.
    It is reviewed (モニタリング) at least every three months; a new plan is a new row."""

    office_path = "client__office"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="support_plans")
    period_start = models.DateField(_("plan period start"))
    period_end = models.DateField(_("plan period end"))
    goals = models.TextField(_("goals"))
    support_content = models.TextField(_("support content"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_on = models.DateField(_("created on"))
    agreed_on = models.DateField(_("agreed by the client on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("individual support plan")
        verbose_name_plural = _("individual support plans")
        ordering = ["client", "-period_start"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="plan_end_after_start"),
            models.CheckConstraint(
                condition=Q(agreed_on__isnull=True) | Q(agreed_on__gte=F("created_on")),
                name="plan_agreed_after_created",
            ),
        ]
        indexes = [
            # billing (missing-plan reduction) and case review (review due): a client's plans by period
            models.Index(fields=["client", "period_start"], name="plan_client_period"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.period_start}–{self.period_end}"

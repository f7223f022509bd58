"""The people the office serves: clients, their periods of use, recipient certificates and attendance.

Further client records (health and benefits, IPS career profile, support plans, case notes) live
beside these in this module.  Every model declares ``office_path`` so that
``compostela.scoping.scoped`` can limit it to the current office.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.errors import ClientError
from clients.rules import katakana_name
from compostela.audit import track
from compostela.constraints import (
    MSG_MINUTES_RANGE,
    MSG_UNKNOWN_CHOICE,
    FieldCheckConstraint,
    FieldExclusionConstraint,
    FieldUniqueConstraint,
)
from compostela.dates import validate_birth_date
from compostela.models import Office
from regulations import rules


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


# People attending the transition service: they need a valid transition certificate (the certificate warnings,
# the granted days and the case review's certificate flag are for them; an employed person's ended one is not
# a problem).
IN_TRANSITION_SERVICE = (ClientStatus.TRIAL, ClientStatus.ENROLLED)


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


KANA_ONLY_MESSAGE = _("Write the reading in kana (katakana or hiragana), for example ヤマダ.")


@track()
class Client(models.Model):
    """利用者: one person who uses (or used) the office."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="clients", verbose_name=_("office"))
    family_name = models.CharField(_("family name"), max_length=50)
    given_name = models.CharField(_("given name"), max_length=50)
    family_name_kana = models.CharField(_("family name (kana)"), max_length=100)
    given_name_kana = models.CharField(_("given name (kana)"), max_length=100)
    birth_date = models.DateField(_("date of birth"), validators=[validate_birth_date])
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
            FieldCheckConstraint(
                condition=Q(status__in=ClientStatus.values), name="client_status_known",
                field="status", violation_error_code=ClientError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(referral_source__in=ReferralSource.values), name="client_referral_source_known",
                field="referral_source", violation_error_code=ClientError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(enrolled_on__isnull=True) | Q(first_visit_on__isnull=True)
                | Q(enrolled_on__gte=F("first_visit_on")),
                name="client_enrolled_after_first_visit",
                field="enrolled_on", violation_error_code=ClientError.ENROLLED_BEFORE_VISIT,
                violation_error_message=_("The enrolment date cannot be before the first visit."),
            ),
            FieldCheckConstraint(
                condition=~Q(status=ClientStatus.ENDED) | Q(ended_on__isnull=False), name="client_ended_has_date",
                field="ended_on", violation_error_code=ClientError.ENDED_NEEDS_DATE,
                violation_error_message=_("Give the date the use of the office ended."),
            ),
            FieldCheckConstraint(
                condition=Q(usual_start__isnull=True) | Q(usual_end__isnull=True) | Q(usual_end__gt=F("usual_start")),
                name="client_usual_end_after_start",
                field="usual_end", violation_error_code=ClientError.USUAL_END_BEFORE_START,
                violation_error_message=_("The usual end time must be after the usual start time."),
            ),
        ]
        indexes = [
            # client list: office's clients by kana, filtered by status
            models.Index(fields=["office", "status", "family_name_kana"], name="client_office_status_kana"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}"

    def clean(self) -> None:
        """The readings of the name are kana (clients.rules.katakana_name), kept in katakana."""
        errors = {}
        for field in ("family_name_kana", "given_name_kana"):
            value = getattr(self, field)
            if not value:
                continue
            katakana = katakana_name(value)
            if katakana is None:
                errors[field] = ValidationError(KANA_ONLY_MESSAGE, code=ClientError.KANA_ONLY)
            else:
                setattr(self, field, katakana)
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}"


@track()
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
        indexes = [
            # The roster reads an office's clients' periods by client id: with the dates in the index that read
            # is an index-only scan, not a scan of every office's periods (issue 22).
            models.Index(fields=["client", "started_on"], include=["enrolled_on", "ended_on"],
                         name="period_client_start_cover"),
        ]
        constraints = [
            FieldCheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="period_end_after_start",
                field="ended_on", violation_error_code=ClientError.PERIOD_ENDS_BEFORE_START,
                violation_error_message=_("A period of use cannot end before it starts."),
            ),
            FieldExclusionConstraint(
                name="period_no_overlap_per_client",
                expressions=[(SameId("client"), RangeOperators.EQUAL),
                (DateRangeClosed("started_on", "ended_on"), RangeOperators.OVERLAPS)],
                field="started_on", violation_error_code=ClientError.PERIOD_OVERLAP,
                violation_error_message=_("This period of use overlaps another period of use of the client."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.started_on} – {self.ended_on or ''}"


class IncomeCategory(models.TextChoices):
    # the caps of each category are dated figures (regulations.RegulatoryFigures), not part of the label
    WELFARE = "welfare", _("Public assistance")  # 生活保護
    LOW_INCOME = "low_income", _("Low income")  # 低所得
    GENERAL_1 = "general_1", _("General 1")  # 一般1
    GENERAL_2 = "general_2", _("General 2")  # 一般2

municipality_number_validator = RegexValidator(
    r"^\d{6}$", _("The municipality number has exactly 6 digits (the last is its check digit)."),
    code=ClientError.MUNICIPALITY_NUMBER_FORMAT,
)
MSG_MUNICIPALITY_CHECK_DIGIT = _("The municipality number's last digit is not its check digit (%(expected)s for "
                                 "%(first)s): check the number on the certificate.")


def validate_municipality_check_digit(value: str) -> None:
    """The 市町村番号's last digit is its check digit (``regulations.rules.municipality_number_valid``); a number
    that is not six digits is the format validator's."""
    if len(value) == 6 and value.isdigit() and not rules.municipality_number_valid(value):
        raise ValidationError(MSG_MUNICIPALITY_CHECK_DIGIT, code=ClientError.MUNICIPALITY_NUMBER_CHECK_DIGIT,
                              params={"expected": rules.municipality_check_digit(value[:5]), "first": value[:5]})


decision_service_code_validator = RegexValidator(
    r"^[0-9A-Z]{6}$", _("The decided service code has six characters (digits or capital letters)."),
    code=ClientError.DECISION_SERVICE_CODE_FORMAT,
)
certificate_number_validator = RegexValidator(r"^\d{10}$", _("The certificate number has exactly 10 digits."),
                                              code=ClientError.CERTIFICATE_NUMBER_FORMAT)


class CertificateService(models.TextChoices):
    """The service a certificate decides (支給決定): each service is its own decision with its own period and
    cap.  The values are those of ``billing.models.Service`` (clients does not import billing)."""

    TRANSITION = "transition", _("Employment transition support")  # 就労移行支援
    RETENTION_SUPPORT = "retention_support", _("Employment retention support")  # 就労定着支援


class CapManagement(models.TextChoices):
    """Who manages the person's co-payment cap across providers (上限額管理事業所), as the certificate says."""

    NONE = "none", _("No cap management")
    THIS_OFFICE = "this_office", _("This office manages the cap")
    OTHER_OFFICE = "other_office", _("Another office manages the cap")


cap_manager_number_validator = RegexValidator(
    r"^\d{10}$", _("The office number has exactly 10 digits."), code=ClientError.CAP_MANAGER_NUMBER_FORMAT,
)


class CertificateQuerySet(models.QuerySet):
    def transition(self):
        """Certificates for attending the transition service (attendance, roster, granted days, 就労移行支援)."""
        return self.filter(service=CertificateService.TRANSITION)

    def retention_support(self):
        """Certificates of 就労定着支援 (its monthly claim)."""
        return self.filter(service=CertificateService.RETENTION_SUPPORT)


@track()
class Certificate(models.Model):
    """受給者証: the recipient certificate, one row per decision (renewals and extensions are new rows)."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="certificates")
    service = models.CharField(
        _("service"), max_length=20, choices=CertificateService.choices, default=CertificateService.TRANSITION
    )
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
    # What the electronic claim file (billing.claimfile) reads from the certificate.  Blank is allowed (rows
    # recorded before these fields): a missing value is a problem of the claim file, which names it.
    municipality_number = models.CharField(
        _("municipality number"), max_length=6, blank=True,
        validators=[municipality_number_validator, validate_municipality_check_digit],
        help_text=_("市町村番号 as printed on the certificate: 6 digits, the last one its check digit."),
    )
    decision_service_code = models.CharField(
        _("decided service code"), max_length=6, blank=True, validators=[decision_service_code_validator],
        help_text=_("決定サービスコード of the decision, as the municipality's notice gives it."),
    )
    provider_entry_number = models.PositiveSmallIntegerField(
        _("provider entry number"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("事業者記入欄番号: the line of the certificate's provider column the office wrote in."),
    )
    contract_start = models.DateField(
        _("contract start date"), null=True, blank=True,
        help_text=_("契約開始年月日 written in the certificate's provider column."),
    )
    # 上限額管理: who collects the other providers' co-payments and decides who collects how much
    # (billing.services.cap_management); another office is named by its number and name.
    cap_management = models.CharField(
        _("co-payment cap management"), max_length=12, choices=CapManagement.choices, default=CapManagement.NONE,
        help_text=_("上限額管理事業所 as written on the certificate."),
    )
    cap_manager_number = models.CharField(
        _("cap-managing office number"), max_length=10, blank=True, validators=[cap_manager_number_validator],
        help_text=_("Another office only: its 10-digit office number (指定事業所番号)."),
    )
    cap_manager_name = models.CharField(
        _("cap-managing office name"), max_length=100, blank=True,
        help_text=_("Another office only: its name."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("recipient certificate")
        verbose_name_plural = _("recipient certificates")
        ordering = ["client", "period_start"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(number__regex=r"^\d{10}$"), name="certificate_number_ten_digits",
                field="number", violation_error_code=ClientError.CERTIFICATE_NUMBER_FORMAT,
                violation_error_message=_("The certificate number has exactly 10 digits."),
            ),
            FieldCheckConstraint(
                condition=Q(municipality_number="") | Q(municipality_number__regex=r"^\d{6}$"),
                name="certificate_municipality_number_six_digits",
                field="municipality_number", violation_error_code=ClientError.MUNICIPALITY_NUMBER_FORMAT,
                violation_error_message=_("The municipality number has exactly 6 digits (the last is its check "
                                          "digit)."),
            ),
            FieldCheckConstraint(
                condition=Q(decision_service_code="") | Q(decision_service_code__regex=r"^[0-9A-Z]{6}$"),
                name="certificate_decision_service_code_format",
                field="decision_service_code", violation_error_code=ClientError.DECISION_SERVICE_CODE_FORMAT,
                violation_error_message=_("The decided service code has six characters (digits or capital "
                                          "letters)."),
            ),
            FieldCheckConstraint(
                condition=Q(provider_entry_number__isnull=True)
                | Q(provider_entry_number__gte=1, provider_entry_number__lte=99),
                name="certificate_provider_entry_number_1_99",
                field="provider_entry_number", violation_error_code=ClientError.PROVIDER_ENTRY_NUMBER_RANGE,
                violation_error_message=_("The provider entry number is from 1 to 99."),
            ),
            FieldCheckConstraint(
                condition=Q(cap_management__in=CapManagement.values), name="certificate_cap_management_known",
                field="cap_management", violation_error_code=ClientError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(cap_manager_number="") | Q(cap_manager_number__regex=r"^\d{10}$"),
                name="certificate_cap_manager_number_ten_digits",
                field="cap_manager_number", violation_error_code=ClientError.CAP_MANAGER_NUMBER_FORMAT,
                violation_error_message=_("The office number has exactly 10 digits."),
            ),
            FieldCheckConstraint(
                condition=~Q(cap_management=CapManagement.OTHER_OFFICE)
                | (~Q(cap_manager_number="") & ~Q(cap_manager_name="")),
                name="certificate_other_cap_manager_named",
                field="cap_manager_number", violation_error_code=ClientError.CAP_MANAGER_NEEDS_OFFICE,
                violation_error_message=_("Another office manages the cap: give its office number and name."),
            ),
            FieldCheckConstraint(
                condition=Q(cap_management=CapManagement.OTHER_OFFICE)
                | (Q(cap_manager_number="") & Q(cap_manager_name="")),
                name="certificate_cap_manager_only_other",
                field="cap_manager_number", violation_error_code=ClientError.CAP_MANAGER_ONLY_OTHER,
                violation_error_message=_("Name the cap-managing office only when another office manages the cap."),
            ),
            FieldCheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="certificate_end_after_start",
                field="period_end", violation_error_code=ClientError.CERTIFICATE_ENDS_BEFORE_START,
                violation_error_message=_("The service period cannot end before it starts."),
            ),
            FieldCheckConstraint(
                condition=Q(granted_days__isnull=True) | Q(granted_days__gte=1, granted_days__lte=31),
                name="certificate_granted_days_1_31",
                field="granted_days", violation_error_code=ClientError.GRANTED_DAYS_RANGE,
                violation_error_message=_("Granted days are from 1 to 31 a month."),
            ),
            FieldCheckConstraint(
                condition=Q(income_category__in=IncomeCategory.values), name="certificate_income_category_known",
                field="income_category", violation_error_code=ClientError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(service__in=CertificateService.values), name="certificate_service_known",
                field="service", violation_error_code=ClientError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            # The periods of one client's certificates of one service never overlap; a 就労定着支援 certificate
            # may run beside a 就労移行支援 one.  GiST cannot compare text with = without btree_gist, so there is
            # one partial constraint per service (the check above keeps every row under one of them).
            *[
                FieldExclusionConstraint(
                    name=f"certificate_no_overlap_per_client_{service}",
                    expressions=[(SameId("client"), RangeOperators.EQUAL),
                                 (DateRangeClosed("period_start", "period_end"), RangeOperators.OVERLAPS)],
                    condition=Q(service=service),
                    field="period_start", violation_error_code=ClientError.CERTIFICATE_OVERLAP,
                    violation_error_message=_("This period overlaps another certificate of the client for the same "
                                              "service."),
                )
                for service in CertificateService.values
            ],
            # "certificate_number_unique_per_office": the same number may recur on one client's renewals but
            # never belongs to two clients of an office — enforced by a trigger (migration 0002).
        ]
        indexes = [
            # roster and billing: the certificate valid on a day, per client
            models.Index(fields=["client", "period_start", "period_end"], name="certificate_client_period"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.period_start}–{self.period_end})"


class PlanStep(models.TextChoices):
    """Where a plan stands, from its dates (``SupportPlan.step``)."""

    DRAFT = "draft", _("Draft")  # 原案
    MEETING_HELD = "meeting_held", _("Support-plan meeting held")  # 個別支援会議
    AGREED = "agreed", _("Agreed")  # 同意
    DELIVERED = "delivered", _("Handed over")  # 交付
    CLOSED = "closed", _("Closed")


@track()
class SupportPlan(models.Model):
    """個別支援計画: the individual support plan of one service (就労移行支援 or 就労定着支援), written by the
    supervisor (サービス管理責任者) and agreed by the client.

    Its steps are dates: assessment → draft (``created_on``) → support-plan meeting → the client's agreement
    (after it was explained) → handed over to the client, and a copy to the client's consultation-support
    office.  The contents change only while it is a draft; an agreed plan is changed by a new version
    (``revises``), which keeps the old one readable.  It is monitored (``SupportPlanReview``) at least every
    three months for 就労移行支援 (the figures in force say how often per service)."""

    office_path = "client__office"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="support_plans")
    service = models.CharField(_("service"), max_length=20, choices=CertificateService.choices,
                               default=CertificateService.TRANSITION)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    revises = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions",
                                verbose_name=_("revises"))
    period_start = models.DateField(_("plan period start"))
    period_end = models.DateField(_("plan period end"))
    # the contents
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)  # アセスメント
    assessment = models.TextField(_("assessment"), blank=True)
    person_wishes = models.TextField(_("the person's wishes for life and work"), blank=True)  # 本人の意向
    family_wishes = models.TextField(_("the family's wishes"), blank=True)  # 家族の意向
    overall_policy = models.TextField(_("overall support policy"))  # 総合的な支援の方針
    issues = models.TextField(_("issues to work on"), blank=True)  # 解決すべき課題
    long_term_goal = models.TextField(_("long-term goal"))  # 長期目標
    long_term_goal_by = models.DateField(_("long-term goal: to reach by"), null=True, blank=True)  # 達成時期
    short_term_goal = models.TextField(_("short-term goal"), blank=True)  # 短期目標
    short_term_goal_by = models.DateField(_("short-term goal: to reach by"), null=True, blank=True)
    care_points = models.TextField(_("points of care"), blank=True)  # 留意事項
    # the steps
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_on = models.DateField(_("draft written on"))  # 原案作成日
    meeting_on = models.DateField(_("support-plan meeting on"), null=True, blank=True)  # 個別支援会議
    meeting_attendees = models.TextField(_("who attended the meeting"), blank=True)
    agreed_on = models.DateField(_("agreed by the client on"), null=True, blank=True)  # 同意日
    delivered_on = models.DateField(_("handed over to the client on"), null=True, blank=True)  # 交付日
    consultation_office = models.CharField(_("consultation-support office"), max_length=200, blank=True)
    consultation_sent_on = models.DateField(_("copy sent to the consultation-support office on"), null=True,
                                            blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("individual support plan")
        verbose_name_plural = _("individual support plans")
        ordering = ["client", "-period_start", "-version"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="plan_end_after_start",
                field="period_end", violation_error_code=ClientError.PLAN_ENDS_BEFORE_START,
                violation_error_message=_("The plan period cannot end before it starts."),
            ),
            FieldCheckConstraint(
                condition=Q(agreed_on__isnull=True) | Q(agreed_on__gte=F("created_on")),
                name="plan_agreed_after_created",
                field="agreed_on", violation_error_code=ClientError.PLAN_AGREED_BEFORE_CREATED,
                violation_error_message=_("The client cannot agree to a plan before it was created."),
            ),
            FieldCheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("created_on")),
                name="plan_closed_after_created",
                field="closed_on", violation_error_code=ClientError.PLAN_CLOSE_BEFORE_CREATED,
                violation_error_message=_("A plan cannot be closed before it was created."),
            ),
            FieldCheckConstraint(
                condition=Q(service__in=CertificateService.values), name="plan_service_known",
                field="service", violation_error_code=ClientError.PLAN_SERVICE_UNKNOWN,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldUniqueConstraint(
                fields=["client", "service", "version"], name="plan_version_once",
                field="version", violation_error_code=ClientError.PLAN_VERSION_TAKEN,
                violation_error_message=_("This client already has a plan of this service with this version."),
            ),
            FieldCheckConstraint(
                condition=Q(revises__isnull=True) | ~Q(revises=F("id")), name="plan_not_revising_itself",
                field="revises", violation_error_code=ClientError.PLAN_REVISES_ITSELF,
                violation_error_message=_("A plan cannot be a revision of itself."),
            ),
            FieldCheckConstraint(
                condition=Q(assessed_on__isnull=True) | Q(assessed_on__lte=F("created_on")),
                name="plan_assessed_before_draft",
                field="assessed_on", violation_error_code=ClientError.PLAN_ASSESSED_AFTER_DRAFT,
                violation_error_message=_("The assessment comes before the draft: date it on or before the draft."),
            ),
            FieldCheckConstraint(
                condition=Q(meeting_on__isnull=True) | Q(meeting_on__gte=F("created_on")),
                name="plan_meeting_after_draft",
                field="meeting_on", violation_error_code=ClientError.PLAN_MEETING_BEFORE_DRAFT,
                violation_error_message=_("The support-plan meeting discusses the draft: date it on or after the "
                                          "draft."),
            ),
            FieldCheckConstraint(
                condition=Q(meeting_on__isnull=True) | Q(agreed_on__isnull=True) | Q(agreed_on__gte=F("meeting_on")),
                name="plan_agreed_after_meeting",
                field="agreed_on", violation_error_code=ClientError.PLAN_AGREED_BEFORE_MEETING,
                violation_error_message=_("The client agrees to the plan after the support-plan meeting."),
            ),
            FieldCheckConstraint(
                condition=Q(delivered_on__isnull=True) | Q(agreed_on__isnull=False, delivered_on__gte=F("agreed_on")),
                name="plan_delivered_after_agreed",
                field="delivered_on", violation_error_code=ClientError.PLAN_DELIVERED_BEFORE_AGREED,
                violation_error_message=_("The plan is handed over on or after the day the client agreed to it."),
            ),
            FieldCheckConstraint(
                condition=Q(consultation_sent_on__isnull=True)
                | Q(agreed_on__isnull=False, consultation_sent_on__gte=F("agreed_on")),
                name="plan_sent_after_agreed",
                field="consultation_sent_on", violation_error_code=ClientError.PLAN_SENT_BEFORE_AGREED,
                violation_error_message=_("The copy for the consultation-support office is the agreed plan: date "
                                          "it on or after the agreement."),
            ),
            FieldCheckConstraint(
                condition=~Q(long_term_goal=""), name="plan_has_long_term_goal",
                field="long_term_goal", violation_error_code=ClientError.PLAN_NEEDS_LONG_TERM_GOAL,
                violation_error_message=_("Write the long-term goal."),
            ),
            FieldCheckConstraint(
                condition=~Q(overall_policy=""), name="plan_has_policy",
                field="overall_policy", violation_error_code=ClientError.PLAN_NEEDS_POLICY,
                violation_error_message=_("Write the overall support policy."),
            ),
        ]
        indexes = [
            # billing (missing-plan reduction) and case review (review due): a client's plans by period
            models.Index(fields=["client", "period_start"], name="plan_client_period"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.period_start}–{self.period_end}"

    @property
    def step(self) -> str:
        if self.closed_on:
            return PlanStep.CLOSED
        if self.delivered_on:
            return PlanStep.DELIVERED
        if self.agreed_on:
            return PlanStep.AGREED
        if self.meeting_on:
            return PlanStep.MEETING_HELD
        return PlanStep.DRAFT

    @property
    def step_label(self) -> str:
        return PlanStep(self.step).label


@track()
class PlanGoal(models.Model):
    """One row of the plan's goals table: a concrete goal with the day it is to be reached, and the support
    for it — what, by whom (a role, and the staff member when named), how often, until when.  The goal marked
    ``is_employment`` is the plan's employment goal, shown beside the client's IPS career profile."""

    office_path = "plan__client__office"

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="goals")
    order = models.PositiveSmallIntegerField(_("order"))
    goal = models.TextField(_("goal"))  # 具体的な到達目標
    target_on = models.DateField(_("to reach by"), null=True, blank=True)  # 達成時期
    person_role = models.TextField(_("the person's part"), blank=True)  # 本人の役割
    support = models.TextField(_("support"))  # 支援内容
    provider = models.CharField(_("by whom"), max_length=100, blank=True)  # 担当 (role)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("staff member"))
    frequency = models.CharField(_("how often"), max_length=100, blank=True)  # 頻度
    support_until = models.DateField(_("support until"), null=True, blank=True)  # 支援期間
    is_employment = models.BooleanField(_("employment goal"), default=False)

    class Meta:
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        ordering = ["plan", "order"]
        constraints = [
            FieldUniqueConstraint(
                fields=["plan", "order"], name="plan_goal_order_once",
                field="order", violation_error_code=ClientError.GOAL_ORDER_TAKEN,
                violation_error_message=_("Two goals of the plan cannot take the same place."),
            ),
            FieldCheckConstraint(
                condition=~Q(goal=""), name="plan_goal_has_text",
                field="goal", violation_error_code=ClientError.GOAL_NEEDS_TEXT,
                violation_error_message=_("Write the goal."),
            ),
            FieldCheckConstraint(
                condition=~Q(support=""), name="plan_goal_has_support",
                field="support", violation_error_code=ClientError.GOAL_NEEDS_SUPPORT,
                violation_error_message=_("Write the support for this goal."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} #{self.order}"


@track()
class SupportPlanReview(models.Model):
    """モニタリング: one dated monitoring of a support plan — progress per goal, the person's view, and
    whether the plan changes (a change is a new version of the plan).  At least every three months for
    就労移行支援 (``regulations.rules.plan_monitoring_due_on`` with the figures in force)."""

    office_path = "plan__client__office"

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(_("monitored on"))
    summary = models.TextField(_("summary"))
    person_view = models.TextField(_("the person's view"), blank=True)  # 本人の意見・満足度
    changes_plan = models.BooleanField(_("the plan changes"), default=False)  # 計画変更の要否
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("monitored by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("monitoring")
        verbose_name_plural = _("monitoring records")
        # by the plan's column, not by the plan (which would order by its client's name, joining every plan and
        # client of every office into each prefetch of the records)
        ordering = ["plan_id", "-reviewed_on"]
        constraints = [
            FieldCheckConstraint(
                condition=~Q(summary=""), name="plan_review_has_summary",
                field="summary", violation_error_code=ClientError.REVIEW_NEEDS_SUMMARY,
                violation_error_message=_("Write the summary of the review."),
            ),
        ]
        indexes = [
            # client page and case review: the latest review of a plan
            models.Index(fields=["plan", "reviewed_on"], name="plan_review_plan_day"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.reviewed_on}"


class GoalProgressStatus(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")  # 達成
    PROGRESSING = "progressing", _("Progressing")  # 一部達成・継続
    NOT_YET = "not_yet", _("Not yet")  # 未達成


@track()
class GoalProgress(models.Model):
    """A monitoring's note on one goal of the plan."""

    office_path = "review__plan__client__office"

    review = models.ForeignKey(SupportPlanReview, on_delete=models.PROTECT, related_name="progress")
    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(_("progress"), max_length=20, choices=GoalProgressStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("goal progress")
        verbose_name_plural = _("goal progress")
        ordering = ["review", "goal__order"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(status__in=GoalProgressStatus.values), name="goal_progress_status_known",
                field="status", violation_error_code=ClientError.PROGRESS_UNKNOWN,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldUniqueConstraint(
                fields=["review", "goal"], name="goal_progress_once",
                field="goal", violation_error_code=ClientError.PROGRESS_ONCE,
                violation_error_message=_("This goal's progress is in this monitoring already."),
            ),
            # "the goal belongs to the review's plan" — a trigger (migration), checked by the service first
        ]

    def __str__(self) -> str:
        return f"{self.review} {self.goal_id}: {self.status}"


class SignatureKind(models.TextChoices):
    SCAN = "scan", _("Signed paper, scanned")
    TABLET = "tablet", _("Signed on a tablet")


SIGNATURE_MAX_BYTES = 5 * 1024 * 1024
SIGNATURE_CONTENT_TYPES = ("application/pdf", "image/png", "image/jpeg")


@track()
class PlanSignature(models.Model):
    """The client's signature on a plan's agreement: a scan of the signed paper, or a signature drawn on a
    tablet (a PNG).  Kept in the database (not a public media folder) so it is served only through the
    office's scoped screens and backed up with the records."""

    office_path = "plan__client__office"

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="signatures")
    kind = models.CharField(_("kind"), max_length=10, choices=SignatureKind.choices)
    signed_on = models.DateField(_("signed on"))
    content = models.BinaryField(_("file"))
    content_type = models.CharField(_("file type"), max_length=50)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan signature")
        verbose_name_plural = _("plan signatures")
        ordering = ["plan", "-recorded_at"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(kind__in=SignatureKind.values), name="plan_signature_kind_known",
                field="kind", violation_error_code=ClientError.SIGNATURE_KIND_UNKNOWN,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(content_type__in=SIGNATURE_CONTENT_TYPES), name="plan_signature_type",
                field="content_type", violation_error_code=ClientError.SIGNATURE_TYPE,
                violation_error_message=_("Attach a PDF, PNG or JPEG file."),
            ),
            FieldCheckConstraint(
                condition=GreaterThan(Length("content"), 0), name="plan_signature_not_empty",
                field="content", violation_error_code=ClientError.SIGNATURE_EMPTY,
                violation_error_message=_("The file is empty."),
            ),
            FieldCheckConstraint(
                condition=LessThanOrEqual(Length("content"), SIGNATURE_MAX_BYTES), name="plan_signature_size",
                field="content", violation_error_code=ClientError.SIGNATURE_TOO_LARGE,
                violation_error_message=_("The file is larger than 5 MB."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.get_kind_display()} {self.signed_on}"


class CaseNoteKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview")  # 面談
    PHONE = "phone", _("Phone call")  # 電話
    FAMILY = "family", _("Family contact")  # 家族連絡
    MEDICAL = "medical", _("Medical coordination")  # 医療連携
    LIFE_WELFARE = "life_welfare", _("Life and welfare consultation")  # 生活・福祉の相談
    CASE_MEETING = "case_meeting", _("Case meeting")  # ケース会議


@track()
class CaseNote(models.Model):
    """ケース記録: a dated note about a client by one staff member, with the time spent."""

    office_path = "client__office"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="notes")
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=CaseNoteKind.choices)
    text = models.TextField(_("note"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-day", "-created_at", "-pk"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(kind__in=CaseNoteKind.values), name="case_note_kind_known",
                field="kind", violation_error_code=ClientError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=720), name="case_note_minutes_range",
                field="minutes", violation_error_code=ClientError.CASE_NOTE_MINUTES_RANGE,
                violation_error_message=MSG_MINUTES_RANGE,
            ),
            FieldCheckConstraint(
                condition=~Q(text=""), name="case_note_has_text",
                field="text", violation_error_code=ClientError.CASE_NOTE_NEEDS_TEXT,
                violation_error_message=_("Write the note."),
            ),
        ]
        indexes = [
            # client page timeline: a client's notes, newest first
            models.Index(fields=["client", "-day"], name="case_note_client_day"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.day} {self.get_kind_display()}"


@track()
class Diagnosis(models.Model):
    """An entry of the managed diagnosis list (shared by every office: reference data, not client data,
    so it has no ``office_path``).  Names are Japanese as written on medical documents."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class DisabilityCertificateKind(models.TextChoices):
    NONE = "none", _("No certificate")
    MENTAL = "mental", _("Mental health and welfare certificate")  # 精神障害者保健福祉手帳
    INTELLECTUAL = "intellectual", _("Rehabilitation certificate (intellectual)")  # 療育手帳
    PHYSICAL = "physical", _("Physical disability certificate")  # 身体障害者手帳


class PensionGrade(models.TextChoices):
    NONE = "none", _("No pension")
    GRADE_1 = "1", pgettext_lazy("pension grade", "Grade 1")
    GRADE_2 = "2", pgettext_lazy("pension grade", "Grade 2")
    GRADE_3 = "3", pgettext_lazy("pension grade", "Grade 3")


class PensionKind(models.TextChoices):
    """障害年金: the national basic pension has grades 1 and 2; the employees' pension also grade 3."""

    BASIC = "basic", _("Disability Basic Pension")
    EMPLOYEES = "employees", _("Disability Employees' Pension")


@track()
class HealthRecord(models.Model):
    """Health and benefits of a client (要配慮個人情報): shown only inside the client's office, every
    export recorded in ``SensitiveExport``.  One row per client, created on first edit."""

    office_path = "client__office"

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="health")
    diagnoses = models.ManyToManyField(
        Diagnosis, through="HealthRecordDiagnosis", blank=True, related_name="+", verbose_name=_("diagnoses")
    )
    diagnosis_note = models.TextField(_("diagnosis details"), blank=True)
    disability_certificate = models.CharField(
        _("disability certificate"), max_length=12, choices=DisabilityCertificateKind.choices,
        default=DisabilityCertificateKind.NONE,
    )
    disability_grade = models.CharField(_("certificate grade"), max_length=10, blank=True)
    pension_grade = models.CharField(
        _("disability pension"), max_length=4, choices=PensionGrade.choices, default=PensionGrade.NONE
    )
    pension_kind = models.CharField(_("kind of pension"), max_length=10, choices=PensionKind.choices, blank=True)
    pension_amount = models.PositiveIntegerField(_("pension a year (yen)"), null=True, blank=True)
    public_assistance = models.BooleanField(_("public assistance (welfare)"), default=False)
    hospital = models.CharField(_("main hospital"), max_length=200, blank=True)
    doctor = models.CharField(_("doctor"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("health and benefits")
        verbose_name_plural = _("health and benefits")
        constraints = [
            FieldCheckConstraint(
                condition=Q(disability_certificate__in=DisabilityCertificateKind.values),
                name="health_disability_certificate_known",
                field="disability_certificate", violation_error_code=ClientError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=~Q(disability_certificate=DisabilityCertificateKind.NONE) | Q(disability_grade=""),
                name="health_no_certificate_no_grade",
                field="disability_grade", violation_error_code=ClientError.GRADE_WITHOUT_CERTIFICATE,
                violation_error_message=_("A grade needs a disability certificate."),
            ),
            FieldCheckConstraint(
                condition=Q(pension_grade__in=PensionGrade.values), name="health_pension_known",
                field="pension_grade", violation_error_code=ClientError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=~Q(pension_grade=PensionGrade.NONE) | Q(pension_amount__isnull=True),
                name="health_no_pension_no_amount",
                field="pension_amount", violation_error_code=ClientError.PENSION_AMOUNT_WITHOUT_PENSION,
                violation_error_message=_("A pension amount needs a pension grade."),
            ),
            # a kind only with a pension (rows from before the kind was recorded may have a grade without it;
            # health_update asks for the kind whenever a grade is given)
            FieldCheckConstraint(
                condition=Q(pension_kind="")
                | (~Q(pension_grade=PensionGrade.NONE) & Q(pension_kind__in=PensionKind.values)),
                name="health_pension_kind_with_grade",
                violation_error_code=ClientError.PENSION_KIND_WITH_GRADE,
                violation_error_message=_("Give the kind of pension with its grade (and neither without a pension)."),
                field="pension_kind",
            ),
            FieldCheckConstraint(
                condition=~Q(pension_kind=PensionKind.BASIC, pension_grade=PensionGrade.GRADE_3),
                name="health_basic_pension_no_grade_3",
                violation_error_code=ClientError.BASIC_PENSION_GRADE_3,
                violation_error_message=_("The Disability Basic Pension has grades 1 and 2 only; grade 3 is the "
                "Employees' Pension."),
                field="pension_grade",
            ),
        ]

    def __str__(self) -> str:
        return str(self.client)


class SensitiveExportKind(models.TextChoices):
    CLIENT_LIST_CSV = "client_list_csv", _("Client list with health data (CSV)")


@track()
class SensitiveExport(models.Model):
    """A record of one export of sensitive data: who, when, what (kind, filters, which clients)."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("exported by"))
    exported_at = models.DateTimeField(_("exported at"), auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SensitiveExportKind.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    client_ids = ArrayField(models.BigIntegerField(), verbose_name=_("clients"), default=list, blank=True)
    fields = ArrayField(models.CharField(max_length=50), verbose_name=_("fields"), default=list, blank=True)

    class Meta:
        verbose_name = _("sensitive data export")
        verbose_name_plural = _("sensitive data exports")
        ordering = ["-exported_at"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(kind__in=SensitiveExportKind.values), name="sensitive_export_kind_known",
                field="kind", violation_error_code=ClientError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]
        indexes = [
            # audit screen: an office's exports, newest first
            models.Index(fields=["office", "-exported_at"], name="sensitive_export_office_at"),
        ]

    def __str__(self) -> str:
        return f"{self.exported_by} {self.exported_at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


# The words of jobs (求人種類, 職種): the client's preferences here and the hires in placements use them.
class RecruitmentType(models.TextChoices):
    DISABILITY_QUOTA = "quota", _("Disability-quota job")  # 障がい者求人
    OPEN = "open", _("Ordinary job, disclosed")  # 一般・オープン
    CLOSED = "closed", _("Ordinary job, not disclosed")  # 一般・クローズ


class JobField(models.TextChoices):
    OFFICE = "office", _("Office work")  # 事務
    WAREHOUSE = "warehouse", _("Warehouse work")  # 倉庫作業
    KITCHEN = "kitchen", _("Kitchen assistant")  # 調理補助
    STORE = "store", _("Store work")  # 店舗全般
    CUSTOMER = "customer", _("Customer service")  # 接客
    MANUFACTURING = "manufacturing", _("Manufacturing")  # 製造
    CARE = "care", _("Care assistant")  # 介護補助
    SUPPORT = "support", _("Support worker")  # 支援員
    PROGRAMMER = "programmer", _("Programmer")  # プログラマー
    SYSTEMS = "systems", _("Systems development and maintenance")  # システム開発保守
    DATA_ENTRY = "data_entry", _("Data entry")  # 入力業務
    SECURITY = "security", _("Security guard")  # 警備
    CLEANING = "cleaning", _("Cleaning")  # 清掃
    OTHER = "other", _("Other")


@track()
class CareerProfile(models.Model):
    """IPS career profile: the client's goals and job preferences, in their own words first.
    Every change is kept in ``CareerProfileChange`` (who, when, what it was after the change)."""

    office_path = "client__office"

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="profile")
    own_words = models.TextField(_("in the client's own words"), blank=True)
    dream_job = models.CharField(_("dream job"), max_length=200, blank=True)
    next_job = models.CharField(_("next job"), max_length=200, blank=True)
    job_fields = ArrayField(
        models.CharField(max_length=20, choices=JobField.choices), verbose_name=_("preferred job fields"),
        default=list, blank=True,
    )
    tasks = models.TextField(_("preferred tasks"), blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours a week"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    days_per_week = models.PositiveSmallIntegerField(
        _("days a week"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    preferred_days = models.CharField(_("preferred days and times"), max_length=200, blank=True)
    places = models.CharField(_("places"), max_length=200, blank=True)
    commute_minutes = models.PositiveSmallIntegerField(
        _("longest commute (minutes)"), null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    hourly_wage = models.PositiveIntegerField(_("hoped-for hourly wage (yen)"), null=True, blank=True)
    recruitment_type = models.CharField(
        _("recruitment type preference"), max_length=10, choices=RecruitmentType.choices, blank=True
    )
    disclosure_discussed_on = models.DateField(_("disclosure discussed on"), null=True, blank=True)
    disclosure_note = models.TextField(_("disclosure discussion"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    skills = models.TextField(_("skills"), blank=True)
    licences = models.TextField(_("licences"), blank=True)
    education = models.TextField(_("education"), blank=True)
    supports_needed = models.TextField(_("supports needed"), blank=True)
    things_to_avoid = models.TextField(_("things to avoid"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("career profile")
        verbose_name_plural = _("career profiles")
        constraints = [
            FieldCheckConstraint(
                condition=Q(recruitment_type="") | Q(recruitment_type__in=RecruitmentType.values),
                name="profile_recruitment_type_known",
                field="recruitment_type", violation_error_code=ClientError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__gte=1, hours_per_week__lte=60),
                name="profile_hours_per_week_range",
                field="hours_per_week", violation_error_code=ClientError.HOURS_PER_WEEK_RANGE,
                violation_error_message=_("Give the hours a week from 1 to 60."),
            ),
            FieldCheckConstraint(
                condition=Q(days_per_week__isnull=True) | Q(days_per_week__gte=1, days_per_week__lte=7),
                name="profile_days_per_week_range",
                field="days_per_week", violation_error_code=ClientError.DAYS_PER_WEEK_RANGE,
                violation_error_message=_("Give the days a week from 1 to 7."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.client)

    @property
    def job_field_labels(self) -> list[str]:
        return [JobField(value).label for value in self.job_fields if value in JobField.values]


@track()
class WorkHistoryEntry(models.Model):
    """One earlier job of a client (part of the career profile)."""

    office_path = "client__office"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="work_history")
    employer = models.CharField(_("employer"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("to"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("earlier job")
        verbose_name_plural = _("work history")
        ordering = ["client", "-started_on", "pk"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(started_on__isnull=True) | Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="work_history_end_after_start",
                field="ended_on", violation_error_code=ClientError.WORK_ENDS_BEFORE_START,
                violation_error_message=_("An earlier job cannot end before it started."),
            ),
            FieldCheckConstraint(
                condition=~Q(employer=""), name="work_history_has_employer",
                field="employer", violation_error_code=ClientError.WORK_NEEDS_EMPLOYER,
                violation_error_message=_("Give the employer of the earlier job."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.job_title}"


@track()
class CareerProfileChange(models.Model):
    """One saved change of a career profile: who, when, which fields, and the profile after it."""

    office_path = "client__office"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="profile_changes")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("changed by"))
    changed_fields = ArrayField(models.CharField(max_length=50), verbose_name=_("changed fields"), default=list)
    snapshot = models.JSONField(_("profile after the change"))

    class Meta:
        verbose_name = _("career profile change")
        verbose_name_plural = _("career profile changes")
        ordering = ["client", "-changed_at", "-pk"]
        indexes = [
            # profile history page: a client's changes, newest first
            models.Index(fields=["client", "-changed_at"], name="profile_change_client_at"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.changed_at:%Y-%m-%d %H:%M}"



@track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class HealthRecordDiagnosis(models.Model):
    """Which diagnoses a client has (要配慮個人情報): the link rows of ``HealthRecord.diagnoses``.  A model of
    its own (the table Django made for the link) so that the migrations carry its audit-trail triggers."""

    healthrecord = models.ForeignKey(HealthRecord, on_delete=models.CASCADE, related_name="+")
    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "clients_healthrecord_diagnoses"
        unique_together = [("healthrecord", "diagnosis")]
        verbose_name = _("diagnosis of a client")
        verbose_name_plural = _("diagnoses of clients")

    def __str__(self) -> str:
        return str(self.diagnosis_id)

"""Billing: fee schedules (data with effective dates), office fee settings, retention-tier overrides,
month closing and the claim snapshot stored with each closing.

Money is integer yen, fees are integer units; yen per unit and rates are ``Decimal``.  The rules that use
these rows live in ``billing/services/`` (one function per rule).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from billing.errors import BillingError
from clients.models import Certificate, Client
from compostela.audit import track
from compostela.constraints import (
    MSG_MONTH_FIRST_DAY,
    MSG_UNKNOWN_CHOICE,
    FieldCheckConstraint,
    FieldUniqueConstraint,
)
from compostela.models import AreaGrade, Office

MSG_ONE_PER_DAY = _("There is a row for this in force from this date already.")
MSG_RATE_NOT_NEGATIVE = _("A rate cannot be negative.")
MSG_PRICE_POSITIVE = _("The yen per unit is at least 1.")
MSG_TOTALS_ADD_UP = _("The totals do not add up.")
MSG_OVERRIDE_NEEDS_REASON = _("Give the reason for entering the yen per unit by hand.")

TO_VERIFY = _("To verify against the ministry's notice before relying on it.")


class Service(models.TextChoices):
    TRANSITION = "transition", _("Employment transition support")  # 就労移行支援
    RETENTION_SUPPORT = "retention_support", _("Employment retention support")  # 就労定着支援


class RetentionSupportBasis(models.TextChoices):
    """How a revision computes the 就労定着支援 fee: each basis is its own function
    (``billing.services.tier.RETENTION_SUPPORT_BASES``), chosen by the revision in force."""

    EMPLOYED_SHARE_3Y = "employed_share_3y", _(
        "Tier by the share of the past three fiscal years' users still employed, band by the month's users"
    )


SOURCE_HELP = _("Where the value was checked (the notice or code table, its page); empty while unverified.")


@track()
class FeeRevision(models.Model):
    """One revision of the fees (報酬改定) as published: the notice it follows and when it was checked.  Its
    values (schedules, add-ons, unit prices, service codes) carry it, so every explanation can name the notice.
    Loaded from a revision file (``fixtures/fees/``, ``manage.py billing_load_fees``); the values in force for a
    service month are those of the latest revision effective on its first day."""

    effective_from = models.DateField(_("in force from (service month)"))
    title = models.CharField(_("title of the notice"), max_length=300)
    notice_number = models.CharField(_("notice number"), max_length=200, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    checked_by = models.CharField(_("checked by"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    loaded_from = models.CharField(_("loaded from file"), max_length=200, blank=True)
    example = models.BooleanField(
        _("example data"), default=False,
        help_text=_("EXAMPLE figures for the demonstration office only: never used for a real office, nothing "
                    "made from them is for submission."),
    )
    retention_support_basis = models.CharField(
        _("retention-support fee basis"), max_length=24, choices=RetentionSupportBasis.choices, blank=True,
        default="", help_text=_("How the revision computes the 就労定着支援 fee; empty: as the earlier revision."),
    )

    class Meta:
        verbose_name = _("fee revision")
        verbose_name_plural = _("fee revisions")
        ordering = ["-effective_from"]
        constraints = [
            FieldUniqueConstraint(
                fields=["effective_from", "example"], name="fee_revision_one_per_day",
                field="effective_from", violation_error_code=BillingError.ONE_PER_DAY,
                violation_error_message=MSG_ONE_PER_DAY,
            ),
            FieldCheckConstraint(
                condition=Q(effective_from__day=1), name="fee_revision_month_first_day",
                field="effective_from", violation_error_code=BillingError.MONTH_FIRST_DAY,
                violation_error_message=MSG_MONTH_FIRST_DAY,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m} {self.title}"


@track()
class FeeSchedule(models.Model):
    """One revision of a service's basic-fee table (報酬告示).  The schedule in force on a day is the one
    with the latest ``valid_from`` on or before it; a revision is a new schedule, never a code change."""

    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    valid_from = models.DateField(_("in force from"))
    name = models.CharField(_("name"), max_length=100, help_text=_("For example: October 2019 revision."))
    revision = models.ForeignKey(
        FeeRevision, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("revision"),
    )
    to_verify = models.BooleanField(
        _("to verify"), default=False,
        help_text=_("Ticked while the figures are not yet checked against the ministry's notice."),
    )

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["service", "-valid_from"]
        constraints = [
            FieldUniqueConstraint(
                fields=["service", "valid_from"], name="fee_schedule_one_per_service_day",
                field="valid_from", violation_error_code=BillingError.ONE_PER_DAY,
                violation_error_message=MSG_ONE_PER_DAY,
            ),
            FieldCheckConstraint(
                condition=Q(service__in=Service.values), name="fee_schedule_service_known",
                field="service", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.valid_from} {self.name}"


@track()
class BasicFee(models.Model):
    """One row of a schedule: a capacity (or user-count) band and a retention-rate tier → units.

    The tier holds a rate when ``rate > min_rate`` (``min_inclusive`` off) or ``rate ≥ min_rate``
    (``min_inclusive`` on); the highest tier that holds the rate applies.  A flat fee is one row with
    ``min_rate`` 0, inclusive."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="fees")
    band_min = models.PositiveSmallIntegerField(_("band from (capacity or users)"), default=1)
    band_max = models.PositiveSmallIntegerField(
        _("band up to (capacity or users)"), null=True, blank=True, help_text=_("Empty: no upper limit.")
    )
    min_rate = models.DecimalField(
        _("lowest retention rate of the tier"), max_digits=6, decimal_places=4,
        help_text=_("As a fraction: 0.5 means 50 %."),
    )
    min_inclusive = models.BooleanField(
        _("lowest rate included"), default=True,
        help_text=_("Off for a tier such as 'above 0 to under 10 %', which a rate of exactly 0 does not reach."),
    )
    units = models.PositiveIntegerField(_("units"), help_text=_("A day (transition) or a month (retention support)."))
    to_verify = models.BooleanField(_("to verify"), default=False, help_text=TO_VERIFY)
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=SOURCE_HELP)

    class Meta:
        verbose_name = _("basic fee")
        verbose_name_plural = _("basic fees")
        ordering = ["schedule", "band_min", "-min_rate", "min_inclusive"]
        constraints = [
            FieldUniqueConstraint(
                fields=["schedule", "band_min", "min_rate", "min_inclusive"], name="basic_fee_one_per_tier",
                field="min_rate", violation_error_code=BillingError.ONE_PER_TIER,
                violation_error_message=_("The schedule already has a tier from this band and rate."),
            ),
            FieldCheckConstraint(
                condition=Q(min_rate__gte=0), name="basic_fee_min_rate_not_negative",
                field="min_rate", violation_error_code=BillingError.RATE_NOT_NEGATIVE,
                violation_error_message=MSG_RATE_NOT_NEGATIVE,
            ),
            FieldCheckConstraint(
                condition=Q(band_max__isnull=True) | Q(band_max__gte=F("band_min")), name="basic_fee_band_ordered",
                field="band_max", violation_error_code=BillingError.BAND_ORDERED,
                violation_error_message=_("The band cannot end below where it starts."),
            ),
            FieldCheckConstraint(
                condition=Q(units__gte=1), name="basic_fee_units_positive",
                field="units", violation_error_code=BillingError.UNITS_POSITIVE,
                violation_error_message=_("Give at least 1 unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} {self.band_min}–{self.band_max or ''} ≥{self.min_rate}: {self.units}"


class AddOnKind(models.TextChoices):
    ABSENCE_SUPPORT = "absence_support", _("Absence with support")  # 欠席時対応加算
    TRANSPORT_I = "transport_i", _("Transport (I)")  # 送迎加算(I)
    TRANSPORT_II = "transport_ii", _("Transport (II)")  # 送迎加算(II)
    MEALS = "meals", _("Meals")  # 食事提供体制加算
    QUALIFIED_STAFF_I = "qualified_staff_i", _("Qualified staff (I)")  # 福祉専門職員配置等加算(I)
    QUALIFIED_STAFF_II = "qualified_staff_ii", _("Qualified staff (II)")
    QUALIFIED_STAFF_III = "qualified_staff_iii", _("Qualified staff (III)")
    TRAINED_STAFF = "trained_staff", _("Trained employment-support staff")  # 就労支援関係研修修了加算
    TRANSITION_PREP_I = "transition_prep_i", _("Transition preparation (I)")  # 移行準備支援体制加算(I)
    TRANSITION_PREP_II = "transition_prep_ii", _("Transition preparation (II)")
    # 地域連携会議実施加算 (I)/(II), from the 2024 revision: per meeting recorded (attendance.RegionalMeeting)
    REGIONAL_MEETING_I = "regional_meeting_i", _("Regional cooperation meeting (I)")
    REGIONAL_MEETING_II = "regional_meeting_ii", _("Regional cooperation meeting (II)")
    # 利用者負担上限額管理加算: once a month by the office managing a person's cap across providers, in a month
    # it did the management (billing.services.claims.cap_management_settle)
    COPAY_CAP_MANAGEMENT = "copay_cap_management", _("Co-payment cap management add-on")


@track()
class AddOnRate(models.Model):
    """Units of one add-on (加算) from a date.  How it counts (per occurrence, per one-way trip, per
    billable day) belongs to the kind; the figures are data."""

    kind = models.CharField(_("add-on"), max_length=24, choices=AddOnKind.choices)
    valid_from = models.DateField(_("in force from"))
    units = models.PositiveIntegerField(_("units"))
    monthly_max = models.PositiveSmallIntegerField(
        _("at most a month"), null=True, blank=True, help_text=_("Empty: no monthly limit.")
    )
    yearly_max = models.PositiveSmallIntegerField(
        _("at most a fiscal year"), null=True, blank=True,
        help_text=_("Per client, April to March. Empty: no yearly limit."),
    )
    to_verify = models.BooleanField(_("to verify"), default=False, help_text=TO_VERIFY)
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=SOURCE_HELP)
    revision = models.ForeignKey(
        FeeRevision, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("revision"),
    )

    class Meta:
        verbose_name = _("add-on rate")
        verbose_name_plural = _("add-on rates")
        ordering = ["kind", "-valid_from"]
        constraints = [
            FieldUniqueConstraint(
                fields=["kind", "valid_from"], name="addon_rate_one_per_kind_day",
                field="valid_from", violation_error_code=BillingError.ONE_PER_DAY,
                violation_error_message=MSG_ONE_PER_DAY,
            ),
            FieldCheckConstraint(
                condition=Q(kind__in=AddOnKind.values), name="addon_rate_kind_known",
                field="kind", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.valid_from}: {self.units}"


@track()
class AreaUnitPrice(models.Model):
    """Yen per unit (単価) for an area grade and a service, from a date."""

    area_grade = models.CharField(_("area grade"), max_length=8, choices=AreaGrade.choices)
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    valid_from = models.DateField(_("in force from"))
    yen_per_unit = models.DecimalField(_("yen per unit"), max_digits=6, decimal_places=2)
    to_verify = models.BooleanField(_("to verify"), default=False, help_text=TO_VERIFY)
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=SOURCE_HELP)
    revision = models.ForeignKey(
        FeeRevision, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("revision"),
    )

    class Meta:
        verbose_name = _("area unit price")
        verbose_name_plural = _("area unit prices")
        ordering = ["service", "area_grade", "-valid_from"]
        constraints = [
            FieldUniqueConstraint(
                fields=["area_grade", "service", "valid_from"], name="area_unit_price_one_per_grade_service_day",
                field="valid_from", violation_error_code=BillingError.ONE_PER_DAY,
                violation_error_message=MSG_ONE_PER_DAY,
            ),
            FieldCheckConstraint(
                condition=Q(yen_per_unit__gte=Decimal("1")), name="area_unit_price_positive",
                field="yen_per_unit", violation_error_code=BillingError.PRICE_POSITIVE,
                violation_error_message=MSG_PRICE_POSITIVE,
            ),
            FieldCheckConstraint(
                condition=Q(service__in=Service.values), name="area_unit_price_service_known",
                field="service", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(area_grade__in=AreaGrade.values), name="area_unit_price_area_grade_known",
                field="area_grade", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_grade_display()} {self.get_service_display()} {self.valid_from}: {self.yen_per_unit}"


@track()
class ServiceCode(models.Model):
    """The service code (サービスコード, six characters: service type 43 / 47 + the item) of one billable item
    under a revision, with the 様式種別番号 of its record sheet.  The item is named as in the revision file
    (for example ``basic`` with a tier, or an add-on kind); the code table of the revision is the source."""

    revision = models.ForeignKey(FeeRevision, on_delete=models.PROTECT, related_name="service_codes",
                                 verbose_name=_("revision"))
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    item = models.CharField(_("item"), max_length=80)
    name = models.CharField(_("name in the code table"), max_length=200, blank=True)
    code = models.CharField(_("service code"), max_length=6)
    form_type = models.CharField(_("record sheet form number (様式種別番号)"), max_length=4, blank=True)
    record_status = models.CharField(
        _("service status on the record sheet (サービス提供の状況)"), max_length=1, blank=True,
        help_text=_("The code the record sheet (J611 02) writes on a day billed with this item alone, as the code "
                    "table of its 様式種別番号 gives it (absence with support); empty for the other items."),
    )
    to_verify = models.BooleanField(_("to verify"), default=False, help_text=TO_VERIFY)
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=SOURCE_HELP)

    class Meta:
        verbose_name = _("service code")
        verbose_name_plural = _("service codes")
        ordering = ["revision", "service", "item"]
        constraints = [
            FieldUniqueConstraint(
                fields=["revision", "service", "item"], name="service_code_one_per_item",
                field="item", violation_error_code=BillingError.ONE_PER_DAY,
                violation_error_message=_("The revision has a code for this item already."),
            ),
            FieldCheckConstraint(
                condition=Q(code__regex=r"^[0-9A-Z]{6}$"), name="service_code_six_characters",
                field="code", violation_error_code=BillingError.SERVICE_CODE_FORMAT,
                violation_error_message=_("A service code has six characters (digits or capital letters)."),
            ),
            FieldCheckConstraint(
                condition=Q(service__in=Service.values), name="service_code_service_known",
                field="service", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.revision} {self.service} {self.item}: {self.code}"


class TreatmentScheme(models.TextChoices):
    """The staff-pay add-ons (処遇改善): three separate ones until 2024-05, one since 2024-06."""

    UNIFIED = "unified", _("Staff pay improvement add-on (2024-06 on)")  # 福祉・介護職員等処遇改善加算
    BASIC = "basic", _("Staff pay improvement add-on (until 2024-05)")  # 福祉・介護職員処遇改善加算
    SPECIFIC = "specific", _("Specific staff pay improvement add-on (until 2024-05)")  # 特定処遇改善加算
    BASE_UP = "base_up", _("Base-up support add-on (2022-10 to 2024-05)")  # ベースアップ等支援加算


class TreatmentCategory(models.TextChoices):
    """The categories (区分) of the staff-pay add-ons as the notices number them (Ⅴ(1)–(14): the transitional
    categories of 2024-06 to 2025-03; イ/ロ: the split of Ⅰ and Ⅱ from 2026-06).  ベースアップ等支援加算 has one
    category, written Ⅰ."""

    I = "I", "Ⅰ"  # noqa: E741 - the notice's own numbering
    IA = "Ia", "Ⅰイ"
    IB = "Ib", "Ⅰロ"
    II = "II", "Ⅱ"
    IIA = "IIa", "Ⅱイ"
    IIB = "IIb", "Ⅱロ"
    III = "III", "Ⅲ"
    IV = "IV", "Ⅳ"
    V1 = "V1", "Ⅴ(1)"
    V2 = "V2", "Ⅴ(2)"
    V3 = "V3", "Ⅴ(3)"
    V4 = "V4", "Ⅴ(4)"
    V5 = "V5", "Ⅴ(5)"
    V6 = "V6", "Ⅴ(6)"
    V7 = "V7", "Ⅴ(7)"
    V8 = "V8", "Ⅴ(8)"
    V9 = "V9", "Ⅴ(9)"
    V10 = "V10", "Ⅴ(10)"
    V11 = "V11", "Ⅴ(11)"
    V12 = "V12", "Ⅴ(12)"
    V13 = "V13", "Ⅴ(13)"
    V14 = "V14", "Ⅴ(14)"


@track()
class TreatmentImprovementRate(models.Model):
    """The rate of one staff-pay add-on category for a service under a revision (a fraction of the month's
    units: 0.102 is 10.2 %).  Each revision publishes its whole table: the rates in force for a service month
    are those of the revision in force, with no carry-over from an earlier one."""

    revision = models.ForeignKey(FeeRevision, on_delete=models.PROTECT, related_name="treatment_rates",
                                 verbose_name=_("revision"))
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    scheme = models.CharField(_("staff pay add-on"), max_length=12, choices=TreatmentScheme.choices)
    category = models.CharField(_("category"), max_length=4, choices=TreatmentCategory.choices)
    rate = models.DecimalField(_("staff pay rate"), max_digits=5, decimal_places=4,
                                help_text=_("A fraction of the month's units: 0.102 is 10.2 %."))
    to_verify = models.BooleanField(_("to verify"), default=False, help_text=TO_VERIFY)
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=SOURCE_HELP)

    class Meta:
        verbose_name = _("staff pay add-on rate")
        verbose_name_plural = _("staff pay add-on rates")
        ordering = ["revision", "service", "scheme", "category"]
        constraints = [
            FieldUniqueConstraint(
                fields=["revision", "service", "scheme", "category"], name="treatment_rate_one_per_category",
                field="category", violation_error_code=BillingError.ONE_PER_DAY,
                violation_error_message=_("The revision has a rate for this category already."),
            ),
            FieldCheckConstraint(
                condition=Q(rate__gt=0) & Q(rate__lt=1), name="treatment_rate_fraction",
                field="rate", violation_error_code=BillingError.TREATMENT_RATE_FRACTION,
                violation_error_message=_("The rate is a fraction above 0 and below 1, such as 0.102."),
            ),
            FieldCheckConstraint(
                condition=Q(service__in=Service.values), name="treatment_rate_service_known",
                field="service", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(scheme__in=TreatmentScheme.values), name="treatment_rate_scheme_known",
                field="scheme", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(category__in=TreatmentCategory.values), name="treatment_rate_category_known",
                field="category", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.revision} {self.service} {self.scheme} {self.get_category_display()}: {self.rate}"


class OfficeReductionKind(models.TextChoices):
    """Reductions that follow from the office's own state (its 体制届), not from a client's month."""

    RESTRAINT = "restraint", _("Physical restraint measures not taken")  # 身体拘束廃止未実施減算
    ABUSE_PREVENTION = "abuse_prevention", _("Abuse prevention measures not taken")  # 虐待防止措置未実施減算
    CONTINUITY_PLAN = "continuity_plan", _("Business continuity plan not drawn up")  # 業務継続計画未策定減算
    INFO_DISCLOSURE = "info_disclosure", _("Information disclosure not reported")  # 情報公表未報告減算


# the office setting (``OfficeFeeSettings`` field) that says a reduction applies
OFFICE_REDUCTION_FLAGS = {
    OfficeReductionKind.RESTRAINT: "restraint_not_done",
    OfficeReductionKind.ABUSE_PREVENTION: "abuse_prevention_missing",
    OfficeReductionKind.CONTINUITY_PLAN: "continuity_plan_missing",
    OfficeReductionKind.INFO_DISCLOSURE: "info_not_reported",
}


@track()
class OfficeReductionRate(models.Model):
    """How much an office-level reduction takes from the basic units, from a date: a percentage of the units
    (``percent``: 1 takes 1 %) or units a billable day (``units_per_day``), one of the two."""

    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    kind = models.CharField(_("reduction"), max_length=20, choices=OfficeReductionKind.choices)
    valid_from = models.DateField(_("in force from"))
    percent = models.PositiveSmallIntegerField(_("percentage taken"), null=True, blank=True)
    units_per_day = models.PositiveSmallIntegerField(_("units taken a day"), null=True, blank=True)
    to_verify = models.BooleanField(_("to verify"), default=False, help_text=TO_VERIFY)
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=SOURCE_HELP)
    revision = models.ForeignKey(
        FeeRevision, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("revision"),
    )

    class Meta:
        verbose_name = _("office reduction rate")
        verbose_name_plural = _("office reduction rates")
        ordering = ["service", "kind", "-valid_from"]
        constraints = [
            FieldUniqueConstraint(
                fields=["service", "kind", "valid_from"], name="office_reduction_rate_one_per_day",
                field="valid_from", violation_error_code=BillingError.ONE_PER_DAY,
                violation_error_message=MSG_ONE_PER_DAY,
            ),
            FieldCheckConstraint(
                condition=(Q(percent__isnull=False, units_per_day__isnull=True, percent__gte=1, percent__lte=100)
                           | Q(percent__isnull=True, units_per_day__isnull=False, units_per_day__gte=1)),
                name="office_reduction_rate_one_measure",
                field="percent", violation_error_code=BillingError.REDUCTION_ONE_MEASURE,
                violation_error_message=_("A reduction takes either a percentage (1 to 100) or units a day, "
                                          "not both."),
            ),
            FieldCheckConstraint(
                condition=Q(service__in=Service.values), name="office_reduction_rate_service_known",
                field="service", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(kind__in=OfficeReductionKind.values), name="office_reduction_rate_kind_known",
                field="kind", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]

    def __str__(self) -> str:
        taken = f"{self.percent} %" if self.percent is not None else f"{self.units_per_day}/day"
        return f"{self.get_service_display()} {self.get_kind_display()} {self.valid_from}: {taken}"


@track()
class OfficeTreatmentImprovement(models.Model):
    """The office's category of one staff-pay add-on for a service, from a date (its 体制届); an empty category
    from a date ends it.  The rate comes from the revision in force."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    scheme = models.CharField(_("staff pay add-on"), max_length=12, choices=TreatmentScheme.choices)
    valid_from = models.DateField(_("in force from"))
    category = models.CharField(_("category"), max_length=4, choices=TreatmentCategory.choices, blank=True,
                                default="", help_text=_("Empty: the office does not claim it from this date."))
    note = models.CharField(_("note"), max_length=300, blank=True,
                            help_text=_("For example the date the notification (体制届) was accepted."))

    class Meta:
        verbose_name = _("office staff pay add-on")
        verbose_name_plural = _("office staff pay add-ons")
        ordering = ["office", "service", "scheme", "-valid_from"]
        constraints = [
            FieldUniqueConstraint(
                fields=["office", "service", "scheme", "valid_from"], name="office_treatment_one_per_day",
                field="valid_from", violation_error_code=BillingError.ONE_PER_DAY,
                violation_error_message=MSG_ONE_PER_DAY,
            ),
            FieldCheckConstraint(
                condition=Q(valid_from__day=1), name="office_treatment_month_first_day",
                field="valid_from", violation_error_code=BillingError.MONTH_FIRST_DAY,
                violation_error_message=MSG_MONTH_FIRST_DAY,
            ),
            FieldCheckConstraint(
                condition=Q(service__in=Service.values), name="office_treatment_service_known",
                field="service", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(scheme__in=TreatmentScheme.values), name="office_treatment_scheme_known",
                field="scheme", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(category="") | Q(category__in=TreatmentCategory.values),
                name="office_treatment_category_known",
                field="category", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.service} {self.scheme} {self.valid_from}: {self.category or '-'}"


class QualifiedStaff(models.TextChoices):
    NONE = "", _("None")
    I = "i", _("(I)")  # noqa: E741 - the notice's own numbering
    II = "ii", _("(II)")
    III = "iii", _("(III)")


class TransportLevel(models.TextChoices):
    NONE = "", _("None")
    I = "i", _("(I)")  # noqa: E741
    II = "ii", _("(II)")


class TransitionPrep(models.TextChoices):
    NONE = "", _("None")
    I = "i", _("(I)")  # noqa: E741
    II = "ii", _("(II)")


class FollowUpCostMethod(models.TextChoices):
    PER_CONTACT = "per_contact", _("Contacts × cost per contact")
    PER_MINUTE = "per_minute", _("Minutes × hourly staff cost")


@track()
class OfficeFeeSettings(models.Model):
    """An office's billing settings from a date: the settings in force on a day are the row with the
    latest ``valid_from`` on or before it (none: everything off, price from the area grade)."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    valid_from = models.DateField(_("in force from"))
    yen_per_unit = models.DecimalField(
        _("yen per unit (override)"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("Empty: the area unit price of the office's area grade. Sapporo is grade 7; its price for "
                    "employment transition support is to verify."),
    )
    yen_per_unit_reason = models.CharField(
        _("reason for the price override"), max_length=300, blank=True,
        help_text=_("Why the price is entered by hand instead of taken from the revision (e.g. the city's notice)."),
    )
    area_grade = models.CharField(
        _("area grade"), max_length=8, choices=AreaGrade.choices, blank=True, default="",
        help_text=_("地域区分 from this date; empty: the grade recorded on the office. The yen per unit comes from "
                    "the fee revision for the grade and the service."),
    )
    qualified_staff = models.CharField(
        _("qualified staff add-on"), max_length=4, choices=QualifiedStaff.choices, blank=True, default=""
    )
    trained_staff = models.BooleanField(_("trained employment-support staff add-on"), default=False)
    transition_prep = models.CharField(
        _("transition preparation add-on"), max_length=4, choices=TransitionPrep.choices, blank=True, default="",
        help_text=_("Counted per billable day, as the billing rules say; to verify (the notice may limit it to "
                    "off-site days)."),
    )
    transport = models.CharField(
        _("transport add-on"), max_length=4, choices=TransportLevel.choices, blank=True, default=""
    )
    meals = models.BooleanField(_("meals add-on"), default=False)
    # office-level reductions (減算) in force from this date, as the office's 体制届 says
    restraint_not_done = models.BooleanField(_("physical restraint measures not taken (reduction)"), default=False)
    abuse_prevention_missing = models.BooleanField(_("abuse prevention measures not taken (reduction)"),
                                                   default=False)
    continuity_plan_missing = models.BooleanField(_("business continuity plan not drawn up (reduction)"),
                                                  default=False)
    info_not_reported = models.BooleanField(_("information disclosure not reported (reduction)"), default=False)
    runs_retention_support = models.BooleanField(_("runs employment retention support"), default=False)
    followup_cost_method = models.CharField(
        _("follow-up cost method"), max_length=12, choices=FollowUpCostMethod.choices,
        default=FollowUpCostMethod.PER_CONTACT,
    )
    cost_per_followup = models.PositiveIntegerField(_("cost per follow-up contact (yen)"), default=10000)
    hourly_staff_cost = models.PositiveIntegerField(_("hourly staff cost (yen)"), default=2500)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("office fee settings")
        verbose_name_plural = _("office fee settings")
        ordering = ["office", "-valid_from"]
        constraints = [
            FieldUniqueConstraint(
                fields=["office", "valid_from"], name="office_fee_settings_one_per_day",
                field="valid_from", violation_error_code=BillingError.ONE_PER_DAY,
                violation_error_message=MSG_ONE_PER_DAY,
            ),
            FieldCheckConstraint(
                condition=Q(yen_per_unit__isnull=True) | Q(yen_per_unit__gte=Decimal("1")),
                name="office_fee_settings_price_positive",
                field="yen_per_unit", violation_error_code=BillingError.PRICE_POSITIVE,
                violation_error_message=MSG_PRICE_POSITIVE,
            ),
            FieldCheckConstraint(
                condition=Q(area_grade="") | Q(area_grade__in=AreaGrade.values),
                name="office_fee_settings_area_grade_known",
                field="area_grade", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(qualified_staff__in=QualifiedStaff.values), name="office_fee_settings_qualified_known",
                field="qualified_staff", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(transition_prep__in=TransitionPrep.values), name="office_fee_settings_prep_known",
                field="transition_prep", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(transport__in=TransportLevel.values), name="office_fee_settings_transport_known",
                field="transport", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(followup_cost_method__in=FollowUpCostMethod.values),
                name="office_fee_settings_cost_method_known",
                field="followup_cost_method", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.valid_from}"

    def clean(self):
        # a hand-entered price says why (the revision's price is the rule); rows written before this rule may
        # lack it, so it is checked where a person enters the row (the admin), not as a database constraint
        if self.yen_per_unit is not None and not self.yen_per_unit_reason.strip():
            raise ValidationError({"yen_per_unit_reason": ValidationError(
                MSG_OVERRIDE_NEEDS_REASON, code=BillingError.PRICE_OVERRIDE_NEEDS_REASON)})


@track()
class FeeValueConfirmation(models.Model):
    """A manager's confirmation, for their office, that an unverified fee value (a row of a revision marked to
    verify) is what the ministry's notice says: the row (``billing.services.fees.row_ref``), the value as
    confirmed, the notice and page it was checked against, who and when.  It counts only while the row still
    holds that value: a later load that changes the value leaves it standing but no longer applying.  One row
    per office and fee row, changed in place by a new confirmation; the history keeps every one."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    row = models.CharField(_("fee row"), max_length=80, help_text=_("The fee row confirmed (its table and number)."))
    value = models.CharField(_("value as confirmed"), max_length=40)
    notice = models.CharField(_("notice checked against"), max_length=300,
                              help_text=_("The ministry's notice or code table and its page."))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"))

    class Meta:
        verbose_name = _("fee value confirmation")
        verbose_name_plural = _("fee value confirmations")
        ordering = ["office", "-confirmed_at"]
        constraints = [
            FieldUniqueConstraint(
                fields=["office", "row"], name="fee_value_confirmation_one_per_row", field="row",
                violation_error_code=BillingError.FEE_CONFIRMATION_ONCE,
                violation_error_message=_("The office has a confirmation of this fee value already."),
            ),
            FieldCheckConstraint(
                condition=~Q(notice=""), name="fee_value_confirmation_has_notice", field="notice",
                violation_error_code=BillingError.FEE_CONFIRMATION_NEEDS_NOTICE,
                violation_error_message=_("Name the notice (and page) the value was checked against."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.row} = {self.value}"


@track()
class RetentionTierOverride(models.Model):
    """A manager's override of a fiscal year's retention rate (the city's notice wins).  Rows are never
    changed: the latest one counts, and one with no rate returns to the computed rate."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(_("service"), max_length=20, choices=Service.choices, default=Service.TRANSITION)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    rate = models.DecimalField(
        _("retention rate"), max_digits=6, decimal_places=4, null=True, blank=True,
        help_text=_("As on the city's notice, a fraction (0.35 = 35 %). Empty: use the computed rate again."),
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("retention tier override")
        verbose_name_plural = _("retention tier overrides")
        ordering = ["office", "fiscal_year", "-created_at", "-pk"]
        constraints = [
            FieldCheckConstraint(
                condition=~Q(reason=""), name="tier_override_has_reason",
                field="reason", violation_error_code=BillingError.OVERRIDE_NEEDS_REASON,
                violation_error_message=_("Give the reason for the override (for example the city's notice)."),
            ),
            FieldCheckConstraint(
                condition=Q(rate__isnull=True) | Q(rate__gte=0), name="tier_override_rate_not_negative",
                field="rate", violation_error_code=BillingError.RATE_NOT_NEGATIVE,
                violation_error_message=MSG_RATE_NOT_NEGATIVE,
            ),
            FieldCheckConstraint(
                condition=Q(service__in=Service.values), name="tier_override_service_known",
                field="service", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]
        indexes = [
            # tier page and month computation: the latest override of an office's fiscal year
            models.Index(fields=["office", "service", "fiscal_year"], name="tier_override_office_fy"),
        ]

    def __str__(self) -> str:
        return f"{self.office} FY{self.fiscal_year} {self.rate}"


@track()
class CopayCapDecision(models.Model):
    """The manager's answer to "which cap governs the month?" for a person whose certificates of the month
    carry different co-payment caps (a certificate changed mid-month).  ``shared/domain.md``: the rule is not
    in our sources, so the product asks and records (who, when; earlier answers stay in the history) and never
    picks silently.  The answer names the certificate and the cap it carried: if that certificate's cap is
    changed later, the month is to confirm again."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", verbose_name=_("client"))
    month = models.DateField(_("month"))
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="+", verbose_name=_("certificate whose cap governs")
    )
    copay_cap = models.PositiveIntegerField(_("co-payment monthly cap (yen)"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("confirmed by")
    )
    decided_at = models.DateTimeField(_("confirmed at"))

    class Meta:
        verbose_name = _("co-payment cap decision")
        verbose_name_plural = _("co-payment cap decisions")
        ordering = ["office", "month", "client"]
        constraints = [
            FieldUniqueConstraint(
                fields=["client", "month"], name="copay_cap_decision_one_per_client_month", field="certificate",
                violation_error_message=_("The cap of this month is already confirmed for this client."),
                violation_error_code=BillingError.COPAY_CAP_DECIDED,
            ),
            FieldCheckConstraint(
                condition=Q(month__day=1), name="copay_cap_decision_month_first_day", field="month",
                violation_error_message=MSG_MONTH_FIRST_DAY, violation_error_code=BillingError.MONTH_FIRST_DAY,
            ),
        ]
        indexes = [
            # billing month: the decisions of an office's month
            models.Index(fields=["office", "month"], name="copay_cap_decision_month"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.month:%Y-%m} {self.copay_cap}"


class CapManagedBy(models.TextChoices):
    """Who managed a person's cap in a month (the values of ``clients.models.CapManagement`` but "none")."""

    THIS_OFFICE = "this_office", _("This office manages the cap")
    OTHER_OFFICE = "other_office", _("Another office manages the cap")


class CapResultCode(models.IntegerChoices):
    """管理結果 (``regulations.rules.CapResult``)."""

    MANAGER_ALONE = 1, _("1: the managing office alone reaches the cap")
    UNDER_CAP = 2, _("2: the co-payments together stay within the cap")
    SHARED = 3, _("3: the cap is shared among the offices")


office_number_validator = RegexValidator(r"^\d{10}$", _("The office number has exactly 10 digits."),
                                         code=BillingError.CAP_OFFICE_NUMBER_FORMAT)


@track()
class CopayCapManagement(models.Model):
    """上限額管理 of one person's month (a person who uses several providers, with a cap above 0).

    When this office manages the cap, the manager enters the other providers' figures (``providers``) and,
    when the cap is shared (result 3), the division (``own_share`` and each provider's ``share_yen``): how a
    shared cap is divided is not in our sources, so it is entered, never computed.  The result itself is not
    stored: it follows from the figures and this office's own co-payment of the month
    (``regulations.rules.cap_management``).  When another office manages it, the manager enters the result
    that office sent (``result`` and ``amount``, what this office may collect), and our co-payment follows it."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", verbose_name=_("client"))
    month = models.DateField(_("month"))
    managed_by = models.CharField(_("managed by"), max_length=12, choices=CapManagedBy.choices)
    result = models.PositiveSmallIntegerField(_("management result"), null=True, blank=True,
                                              choices=CapResultCode.choices)
    amount = models.PositiveIntegerField(
        _("amount this office may collect (yen)"), null=True, blank=True,
        help_text=_("管理結果額: the co-payment the managing office's result leaves to this office."),
    )
    own_share = models.PositiveIntegerField(
        _("this office's share of the cap (yen)"), null=True, blank=True,
        help_text=_("Result 3 only: the part of the cap this office collects."),
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("co-payment cap management")
        verbose_name_plural = _("co-payment cap managements")
        ordering = ["office", "month", "client"]
        constraints = [
            FieldUniqueConstraint(
                fields=["client", "month"], name="cap_management_one_per_client_month", field="client",
                violation_error_message=_("The cap management of this month is recorded already for this client."),
                violation_error_code=BillingError.CAP_MANAGEMENT_ONCE,
            ),
            FieldCheckConstraint(
                condition=Q(month__day=1), name="cap_management_month_first_day", field="month",
                violation_error_message=MSG_MONTH_FIRST_DAY, violation_error_code=BillingError.MONTH_FIRST_DAY,
            ),
            FieldCheckConstraint(
                condition=Q(managed_by__in=CapManagedBy.values), name="cap_management_managed_by_known",
                field="managed_by", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(result__isnull=True) | Q(result__in=CapResultCode.values),
                name="cap_management_result_known", field="result",
                violation_error_code=BillingError.UNKNOWN_CHOICE, violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=~Q(managed_by=CapManagedBy.OTHER_OFFICE)
                | (Q(result__isnull=False) & Q(amount__isnull=False) & Q(own_share__isnull=True)),
                name="cap_management_other_has_result", field="result",
                violation_error_code=BillingError.CAP_RESULT_NEEDED,
                violation_error_message=_("Enter the result the managing office sent and the amount it leaves to "
                                          "this office."),
            ),
            FieldCheckConstraint(
                condition=~Q(managed_by=CapManagedBy.THIS_OFFICE) | (Q(result__isnull=True) & Q(amount__isnull=True)),
                name="cap_management_this_office_no_result", field="result",
                violation_error_code=BillingError.CAP_RESULT_ONLY_OTHER,
                violation_error_message=_("When this office manages the cap, the result follows from the figures: "
                                          "it is not entered."),
            ),
            FieldCheckConstraint(
                condition=~Q(result=CapResultCode.MANAGER_ALONE) | Q(amount=0),
                name="cap_management_result_1_collects_nothing", field="amount",
                violation_error_code=BillingError.CAP_RESULT_1_NOTHING,
                violation_error_message=_("Result 1: the managing office alone reaches the cap, so this office "
                                          "collects nothing (0 yen)."),
            ),
        ]
        indexes = [
            # billing month: the cap managements of an office's month
            models.Index(fields=["office", "month"], name="cap_management_month"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.month:%Y-%m} {self.managed_by}"


@track()
class CopayCapProvider(models.Model):
    """Another provider of the person in a month this office manages the cap of: the figures it reported."""

    office_path = "management__office"

    management = models.ForeignKey(CopayCapManagement, on_delete=models.CASCADE, related_name="providers",
                                   verbose_name=_("co-payment cap management"))
    position = models.PositiveSmallIntegerField(_("order"))
    office_number = models.CharField(_("office number"), max_length=10, validators=[office_number_validator])
    office_name = models.CharField(_("office name"), max_length=100)
    total_yen = models.PositiveIntegerField(_("total cost (yen)"))
    copay_yen = models.PositiveIntegerField(_("co-payment before the cap (yen)"))
    share_yen = models.PositiveIntegerField(
        _("share of the cap (yen)"), null=True, blank=True,
        help_text=_("Result 3 only: the part of the cap this provider collects."),
    )

    class Meta:
        verbose_name = _("other provider of the month")
        verbose_name_plural = _("other providers of the month")
        ordering = ["management", "position"]
        constraints = [
            FieldUniqueConstraint(
                fields=["management", "office_number"], name="cap_provider_one_per_office", field="office_number",
                violation_error_message=_("This office is listed already."),
                violation_error_code=BillingError.CAP_PROVIDER_ONCE,
            ),
            FieldCheckConstraint(
                condition=Q(office_number__regex=r"^\d{10}$"), name="cap_provider_office_number_ten_digits",
                field="office_number", violation_error_code=BillingError.CAP_OFFICE_NUMBER_FORMAT,
                violation_error_message=_("The office number has exactly 10 digits."),
            ),
            FieldCheckConstraint(
                condition=Q(copay_yen__lte=F("total_yen")), name="cap_provider_copay_within_total",
                field="copay_yen", violation_error_code=BillingError.COPAY_WITHIN_TOTAL,
                violation_error_message=_("The co-payment cannot be more than the total."),
            ),
            FieldCheckConstraint(
                condition=Q(share_yen__isnull=True) | Q(share_yen__lte=F("copay_yen")),
                name="cap_provider_share_within_copay", field="share_yen",
                violation_error_code=BillingError.CAP_SHARE_OVER_COPAY,
                violation_error_message=_("A share of the cap cannot be more than that office's co-payment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_number} {self.office_name}"


@track()
class RetentionSupportNoHistoryRate(models.Model):
    """The 就労定着支援 rate an office uses while it has no retention-support history (no past user: the
    rate would be 0 ÷ 0).  The rule is not in our sources: the manager confirms it from the city's notice,
    choosing one of the schedule's tiers; until then the month's retention-support lines are held (要確認).
    One row per office, changed in place; every change is recorded (pghistory)."""

    office_path = "office"

    office = models.OneToOneField(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    rate = models.DecimalField(
        _("retention rate to use"), max_digits=6, decimal_places=4,
        help_text=_("A rate that the chosen tier holds, written as a fraction (0.9 is 90 percent)."),
    )
    notice = models.CharField(_("notice"), max_length=300,
                              help_text=_("The city's notice the rate comes from (title, number, date)."))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"))

    class Meta:
        verbose_name = _("retention-support rate with no history")
        verbose_name_plural = _("retention-support rates with no history")
        constraints = [
            FieldCheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=1), name="no_history_rate_fraction", field="rate",
                violation_error_message=_("The rate is a fraction between 0 and 1."),
                violation_error_code=BillingError.NO_HISTORY_RATE_FRACTION,
            ),
            FieldCheckConstraint(
                condition=~Q(notice=""), name="no_history_rate_has_notice", field="notice",
                violation_error_message=_("Name the city's notice the rate comes from."),
                violation_error_code=BillingError.NO_HISTORY_BASIS_NEEDS_NOTICE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.rate}"


@track()
class MonthClosing(models.Model):
    """One closing of an office's month.  Reopening keeps the row (with who, when and why); closing again
    stores a new version, so every earlier version stays readable."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    version = models.PositiveSmallIntegerField(_("version"))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("closed by"))
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reopened by"),
    )
    reopen_reason = models.CharField(_("reason for reopening"), max_length=300, blank=True)
    # The snapshot's totals and its month-level explanation (tier, prices, warnings), as computed at closing.
    total_units = models.PositiveIntegerField(_("total units"), default=0)
    total_yen = models.PositiveIntegerField(_("total (yen)"), default=0)
    copayment_yen = models.PositiveIntegerField(_("co-payments (yen)"), default=0)
    claimed_yen = models.PositiveIntegerField(_("claimed (yen)"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("month closing")
        verbose_name_plural = _("month closings")
        ordering = ["office", "month", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "month", "version"], name="month_closing_version_unique",
                violation_error_code=BillingError.CLOSING_VERSION_TAKEN,
                violation_error_message=_("This version of the month's closing exists already; perhaps a colleague "
                                          "closed it just now."),
            ),
            # at most one closing of a month is in force (not reopened) at a time
            models.UniqueConstraint(
                fields=["office", "month"], condition=Q(reopened_at__isnull=True), name="month_closing_one_in_force",
                violation_error_code=BillingError.ALREADY_CLOSED,
                violation_error_message=_("The month is closed already."),
            ),
            FieldCheckConstraint(
                condition=Q(month__day=1), name="month_closing_month_first_day",
                field="month", violation_error_code=BillingError.MONTH_FIRST_DAY,
                violation_error_message=MSG_MONTH_FIRST_DAY,
            ),
            FieldCheckConstraint(
                condition=Q(reopened_at__isnull=True) | (~Q(reopen_reason="") & Q(reopened_at__gte=F("closed_at"))),
                name="month_closing_reopen_has_reason",
                field="reopen_reason", violation_error_code=BillingError.REOPEN_NEEDS_REASON,
                violation_error_message=_("Give the reason for reopening the month."),
            ),
            models.CheckConstraint(
                condition=Q(claimed_yen=F("total_yen") - F("copayment_yen")), name="month_closing_claimed_is_rest",
                violation_error_code=BillingError.TOTALS_ADD_UP,
                violation_error_message=MSG_TOTALS_ADD_UP,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.month:%Y-%m} v{self.version}"


@track()
class ClaimLine(models.Model):
    """One client's claim of one service for a closed month, stored as computed (the snapshot the PDFs
    print from).  ``explanation`` holds the structured why: days, units a day, each reduction and add-on."""

    office_path = "closing__office"

    closing = models.ForeignKey(MonthClosing, on_delete=models.PROTECT, related_name="lines")
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", verbose_name=_("client"))
    client_name = models.CharField(_("client name"), max_length=101)
    certificate_number = models.CharField(_("certificate number"), max_length=10, blank=True)
    billable_days = models.PositiveSmallIntegerField(_("billable days"))
    basic_units = models.PositiveIntegerField(_("basic units"))
    addon_units = models.PositiveIntegerField(_("add-on units"))
    treatment_units = models.PositiveIntegerField(_("staff pay add-on units"), default=0)
    total_units = models.PositiveIntegerField(_("total units"))
    yen_per_unit = models.DecimalField(_("yen per unit"), max_digits=6, decimal_places=2)
    total_yen = models.PositiveIntegerField(_("total (yen)"))
    copayment = models.PositiveIntegerField(_("co-payment (yen)"))
    claimed = models.PositiveIntegerField(_("claimed (yen)"))
    explanation = models.JSONField(_("explanation"))

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["closing", "service", "pk"]
        constraints = [
            FieldUniqueConstraint(
                fields=["closing", "client", "service"], name="claim_line_one_per_client",
                field="client", violation_error_code=BillingError.CLAIM_LINE_ONCE,
                violation_error_message=_("The closing already has a line of this service for this client."),
            ),
            FieldCheckConstraint(
                condition=Q(service__in=Service.values), name="claim_line_service_known",
                field="service", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            models.CheckConstraint(
                condition=Q(total_units=F("basic_units") + F("addon_units") + F("treatment_units")),
                name="claim_line_units_add_up",
                violation_error_code=BillingError.TOTALS_ADD_UP,
                violation_error_message=MSG_TOTALS_ADD_UP,
            ),
            FieldCheckConstraint(
                condition=Q(copayment__lte=F("total_yen")), name="claim_line_copay_within_total",
                field="copayment", violation_error_code=BillingError.COPAY_WITHIN_TOTAL,
                violation_error_message=_("The co-payment cannot be more than the total."),
            ),
            models.CheckConstraint(
                condition=Q(claimed=F("total_yen") - F("copayment")), name="claim_line_claimed_is_rest",
                violation_error_code=BillingError.TOTALS_ADD_UP,
                violation_error_message=MSG_TOTALS_ADD_UP,
            ),
        ]
        indexes = [
            # follow-up cost: a client's stored claims across closings
            models.Index(fields=["client", "service"], name="claim_line_client_service"),
        ]

    def __str__(self) -> str:
        return f"{self.closing} {self.client_name} {self.total_yen}"


class DocumentKind(models.TextChoices):
    MONTH_ALL = "month_all", _("Month: summary, statements and record sheets")
    MONTH_SUMMARY = "month_summary", _("Month: claim summary")
    MONTH_STATEMENTS = "month_statements", _("Month: statements per client")
    MONTH_RECORDS = "month_records", _("Month: service record sheets")
    MONTH_SEPARATE = "month_separate", _("Month: separate files (ZIP)")
    FOLLOWUP = "followup", _("Follow-up cost report")
    # the client's papers of a closed month, every client in one PDF (billing.papers)
    CLIENT_INVOICES = "client_invoices", _("Month: co-payment invoices (all clients)")
    CLIENT_RECEIPTS = "client_receipts", _("Month: receipts (all clients)")
    PROXY_NOTICES = "proxy_notices", _("Month: notices of proxy receipt (all clients)")
    CLAIM_FILE = "claim_file", _("Month: electronic claim file (国保連 CSV)")


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class GeneratedDocument(models.Model):
    """A billing document asked for from the billing pages: the job (status and progress, which the page
    polls while the worker makes it) and, once done, the finished file itself — kept in the database so it
    can be downloaded again, travels with the backups and is reachable only through the office's scope."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    month = models.DateField(_("month"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    closing_version = models.PositiveSmallIntegerField(_("closing version"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DocumentStatus.choices,
                              default=DocumentStatus.QUEUED)
    progress_done = models.PositiveSmallIntegerField(default=0)
    progress_total = models.PositiveSmallIntegerField(default=1)
    progress_label = models.CharField(max_length=100, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(blank=True)
    filename = models.CharField(_("file name"), max_length=150, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="generated_document_kind_known",
                field="kind", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(status__in=DocumentStatus.values),
                name="generated_document_status_known",
                field="status", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(month__isnull=True) | Q(month__day=1),
                name="generated_document_month_first_day",
                field="month", violation_error_code=BillingError.MONTH_FIRST_DAY,
                violation_error_message=MSG_MONTH_FIRST_DAY,
            ),
            models.CheckConstraint(
                condition=Q(kind="followup", year__isnull=False)
                | (~Q(kind="followup") & Q(month__isnull=False)),
                name="generated_document_has_period",
                violation_error_code=BillingError.DOCUMENT_NEEDS_PERIOD,
                violation_error_message=_("The follow-up report needs its year; a month's document needs its month."),
            ),
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")),
                name="generated_document_progress_within_total",
                violation_error_code=BillingError.PROGRESS_WITHIN_TOTAL,
                violation_error_message=_("The progress cannot pass the total."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(content__isnull=False),
                name="generated_document_done_has_file",
                violation_error_code=BillingError.DONE_HAS_FILE,
                violation_error_message=_("A finished document has its file."),
            ),
        ]
        indexes = [
            # billing page: an office's latest documents of a month; worker: the queued ones
            models.Index(fields=["office", "month", "-requested_at"], name="gen_doc_office_month"),
            models.Index(fields=["status", "requested_at"], name="gen_doc_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.get_kind_display()} {self.month or self.year} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == DocumentStatus.DONE:
            return 100
        return min(100, self.progress_done * 100 // max(self.progress_total, 1))


# -- the client's papers (issue 21): invoice, payment and receipt, the 国保連's payment, the notice of proxy receipt
class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
    OTHER = "other", _("Other")


@track()
class ClientInvoice(models.Model):
    """利用者負担額請求書: one client's co-payment of a closed month, issued from one closing version (the sum
    of the client's stored ``ClaimLine.copayment`` — the person is capped once across services, so the stored
    figures are read, never recomputed).  An issued invoice never changes: when the month is reopened and
    closed again its closing is no longer in force, the invoice is superseded (``superseded``) and the new
    version's invoice is issued anew.  ``paid_yen`` is the sum of its payments, kept with ``F()`` under the
    invoice's row lock, so the database refuses an overpayment."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    closing = models.ForeignKey(MonthClosing, on_delete=models.PROTECT, related_name="invoices",
                                verbose_name=_("month closing"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", verbose_name=_("client"))
    client_name = models.CharField(_("client name"), max_length=101)
    number = models.CharField(_("invoice number"), max_length=20)
    amount = models.PositiveIntegerField(_("amount (yen)"))
    paid_yen = models.PositiveIntegerField(_("paid (yen)"), default=0)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))

    class Meta:
        verbose_name = _("co-payment invoice")
        verbose_name_plural = _("co-payment invoices")
        ordering = ["office", "closing", "number"]
        constraints = [
            FieldUniqueConstraint(
                fields=["closing", "client"], name="client_invoice_one_per_closing",
                field="client", violation_error_code=BillingError.INVOICE_ONCE,
                violation_error_message=_("This client's invoice of this closing is issued already."),
            ),
            FieldUniqueConstraint(
                fields=["office", "number"], name="client_invoice_number_unique",
                field="number", violation_error_code=BillingError.INVOICE_NUMBER_TAKEN,
                violation_error_message=_("The office has an invoice with this number already."),
            ),
            FieldCheckConstraint(
                condition=Q(amount__gte=1), name="client_invoice_amount_positive",
                field="amount", violation_error_code=BillingError.INVOICE_AMOUNT_POSITIVE,
                violation_error_message=_("An invoice is for at least 1 yen."),
            ),
            FieldCheckConstraint(
                condition=Q(paid_yen__lte=F("amount")), name="client_invoice_paid_within_amount",
                field="paid_yen", violation_error_code=BillingError.PAYMENT_OVER_INVOICE,
                violation_error_message=_("The payments cannot add up to more than the invoice."),
            ),
        ]
        indexes = [
            # the unpaid list: an office's invoices by when they were issued
            models.Index(fields=["office", "issued_at"], name="client_invoice_office_issued"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.client_name} {self.amount}"

    @property
    def superseded(self) -> bool:
        """Its closing is no longer in force (the month was reopened): it is not to be paid any more."""
        return self.closing.reopened_at is not None

    @property
    def outstanding(self) -> int:
        return self.amount - self.paid_yen


@track()
class ClientPayment(models.Model):
    """A client's payment of an invoice; its receipt (領収書) is issued with it: number ``<invoice>-<n>``."""

    office_path = "invoice__office"

    invoice = models.ForeignKey(ClientInvoice, on_delete=models.PROTECT, related_name="payments",
                                verbose_name=_("invoice"))
    sequence = models.PositiveSmallIntegerField(_("payment number of the invoice"))
    receipt_number = models.CharField(_("receipt number"), max_length=24)
    paid_on = models.DateField(_("paid on"))
    amount = models.PositiveIntegerField(_("amount (yen)"))
    method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod.choices)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("client payment")
        verbose_name_plural = _("client payments")
        ordering = ["invoice", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "sequence"], name="client_payment_sequence_unique",
                violation_error_code=BillingError.PAYMENT_SEQUENCE_TAKEN,
                violation_error_message=_("This payment of the invoice is recorded already; perhaps a colleague "
                                          "recorded it just now."),
            ),
            FieldCheckConstraint(
                condition=Q(amount__gte=1), name="client_payment_amount_positive",
                field="amount", violation_error_code=BillingError.PAYMENT_AMOUNT_POSITIVE,
                violation_error_message=_("A payment is at least 1 yen."),
            ),
            FieldCheckConstraint(
                condition=Q(method__in=PaymentMethod.values), name="client_payment_method_known",
                field="method", violation_error_code=BillingError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.amount}"


@track()
class FederationPayment(models.Model):
    """The 国保連's payment of an office's month (date received, amount), recorded against the closing in force
    then; recording it issues the notices of proxy receipt."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    month = models.DateField(_("month"))
    closing = models.ForeignKey(MonthClosing, on_delete=models.PROTECT, related_name="federation_payments",
                                verbose_name=_("month closing"))
    received_on = models.DateField(_("received on"))
    amount = models.PositiveIntegerField(_("amount received (yen)"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("payment from the federation")
        verbose_name_plural = _("payments from the federation")
        ordering = ["office", "month"]
        constraints = [
            FieldUniqueConstraint(
                fields=["office", "month"], name="federation_payment_one_per_month",
                field="month", violation_error_code=BillingError.FEDERATION_PAYMENT_ONCE,
                violation_error_message=_("The federation's payment of this month is recorded already."),
            ),
            FieldCheckConstraint(
                condition=Q(month__day=1), name="federation_payment_month_first_day",
                field="month", violation_error_code=BillingError.MONTH_FIRST_DAY,
                violation_error_message=MSG_MONTH_FIRST_DAY,
            ),
            FieldCheckConstraint(
                condition=Q(amount__gte=1), name="federation_payment_amount_positive",
                field="amount", violation_error_code=BillingError.PAYMENT_AMOUNT_POSITIVE,
                violation_error_message=_("A payment is at least 1 yen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.month:%Y-%m} {self.amount}"


@track()
class ProxyReceiptNotice(models.Model):
    """代理受領通知書: what the office received from the municipality (through the 国保連) on one client's
    behalf for a month — the fee (total), the co-payment and the amount received (= claimed), as stored on the
    lines paid.  ``lines`` keeps each service's figures for the print."""

    office_path = "payment__office"

    payment = models.ForeignKey(FederationPayment, on_delete=models.PROTECT, related_name="notices",
                                verbose_name=_("payment from the federation"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", verbose_name=_("client"))
    client_name = models.CharField(_("client name"), max_length=101)
    total_yen = models.PositiveIntegerField(_("total (yen)"))
    copayment = models.PositiveIntegerField(_("co-payment (yen)"))
    received = models.PositiveIntegerField(_("amount received (yen)"))
    lines = models.JSONField(_("lines"), default=list)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))

    class Meta:
        verbose_name = _("notice of proxy receipt")
        verbose_name_plural = _("notices of proxy receipt")
        ordering = ["payment", "pk"]
        constraints = [
            FieldUniqueConstraint(
                fields=["payment", "client"], name="proxy_notice_one_per_client",
                field="client", violation_error_code=BillingError.NOTICE_ONCE,
                violation_error_message=_("This client's notice of this payment is issued already."),
            ),
            models.CheckConstraint(
                condition=Q(received=F("total_yen") - F("copayment")), name="proxy_notice_received_is_rest",
                violation_error_code=BillingError.TOTALS_ADD_UP,
                violation_error_message=MSG_TOTALS_ADD_UP,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment} {self.client_name} {self.received}"


# The sending of a month's file and each line's result (issue 21, after sending): their own module, registered
# with the billing app from here.
from billing.submissions import models as _submission_models  # noqa: E402, F401

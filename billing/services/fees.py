"""Fee look-ups: which schedule, tier, add-on rate, unit price, office setting and capacity is in force
on a day.  ``fee_book_load`` reads every table once (one query per table), so computing a month
never queries per client or per day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from billing.models import (
    OFFICE_REDUCTION_FLAGS,
    AddOnKind,
    AddOnRate,
    AreaUnitPrice,
    BasicFee,
    FeeRevision,
    FeeSchedule,
    OfficeFeeSettings,
    OfficeReductionRate,
    OfficeTreatmentImprovement,
    RetentionSupportBasis,
    RetentionSupportNoHistoryRate,
    RetentionTierOverride,
    Service,
    ServiceCode,
    TreatmentImprovementRate,
)
from compostela.models import AreaGrade, Office, OfficeCapacity
from regulations import rules as regulations
from regulations.selectors import figures_history


class BillingConfigurationError(Exception):
    """Fee data needed for a computation is missing (a manager enters it in the admin)."""


MISSING_SCHEDULE = "No fee schedule of %(service)s is in force on %(day)s."
MISSING_BAND = "The fee schedule in force on %(day)s has no row for a band of %(band)s."
MISSING_PRICE = "No yen-per-unit price for area grade %(grade)s and %(service)s on %(day)s."
MISSING_ADDON = "No units for the add-on %(kind)s on %(day)s."
MISSING_FIGURES = "No regulatory figures (co-payment, reductions …) are in force on %(day)s."


@dataclass(frozen=True)
class TierFee:
    """One tier of a schedule: the units and the bounds that say which rates it holds."""

    units: int
    min_rate: Decimal
    min_inclusive: bool
    max_rate: Decimal | None  # the next tier's lower bound (exclusive upper bound), None for the top tier
    schedule_name: str
    schedule_from: date
    to_verify: bool = False  # the row or its schedule is not checked against the notice
    revision: FeeRevision | None = None  # the revision the row belongs to
    row: str = ""  # the fee row it comes from (``row_ref``)
    band_min: int = 1
    band_max: int | None = None

    @property
    def item(self) -> str:
        """The tier as a revision file's service-code table names it: ``basic:1-20:0.5`` (``>0`` for a tier
        from above its lower bound, such as "above 0 to under 10 %")."""
        low = format(self.min_rate.normalize(), "f")
        return f"basic:{self.band_min}-{self.band_max or ''}:{'' if self.min_inclusive else '>'}{low}"

    def holds(self, value: Decimal) -> bool:
        return value >= self.min_rate if self.min_inclusive else value > self.min_rate

    @property
    def label(self) -> str:
        low = _percent(self.min_rate)
        if self.max_rate is None:
            if self.min_rate == 0 and self.min_inclusive:
                return _("flat fee")
            return _("%(low)s %% or more") % {"low": low}
        high = _percent(self.max_rate)
        if self.min_rate == 0 and self.min_inclusive and self.max_rate == 0:
            return _("0 %")
        if self.min_rate == 0 and not self.min_inclusive:
            return _("above 0 to under %(high)s %%") % {"high": high}
        if self.min_rate == 0:
            return _("under %(high)s %%") % {"high": high}
        return _("%(low)s %% to under %(high)s %%") % {"low": low, "high": high}


def row_ref(row) -> str:
    """How a fee value names the row it comes from (``billing.basicfee:12``): a manager's confirmation of an
    unverified value is recorded against it."""
    return f"{row._meta.label_lower}:{row.pk}"


def _percent(value: Decimal) -> str:
    return format((value * 100).normalize(), "f")


@dataclass(frozen=True)
class OfficeSettingsView:
    """The office settings in force on a day (defaults when the office has none yet)."""

    valid_from: date | None = None
    yen_per_unit: Decimal | None = None
    yen_per_unit_reason: str = ""
    area_grade: str = ""  # empty: the office's recorded grade
    qualified_staff: str = ""
    trained_staff: bool = False
    transition_prep: str = ""
    transport: str = ""
    meals: bool = False
    restraint_not_done: bool = False
    abuse_prevention_missing: bool = False
    continuity_plan_missing: bool = False
    info_not_reported: bool = False
    runs_retention_support: bool = False
    followup_cost_method: str = "per_contact"
    cost_per_followup: int = 10000
    hourly_staff_cost: int = 2500

    def daily_addon_kinds(self) -> list[str]:
        """Office-level add-ons counted per billable day."""
        kinds = []
        if self.qualified_staff:
            kinds.append(f"qualified_staff_{self.qualified_staff}")
        if self.trained_staff:
            kinds.append(AddOnKind.TRAINED_STAFF.value)
        if self.transition_prep:
            kinds.append(f"transition_prep_{self.transition_prep}")
        return kinds

    def transport_kind(self) -> str | None:
        return f"transport_{self.transport}" if self.transport else None

    def office_reduction_kinds(self) -> list[str]:
        """The office-level reductions the settings flag (its 体制届), in the order of ``OfficeReductionKind``."""
        return [kind.value for kind, flag in OFFICE_REDUCTION_FLAGS.items() if getattr(self, flag)]


def settings_view(row: OfficeFeeSettings | None) -> OfficeSettingsView:
    """The view of one settings row (the defaults when the office has none in force)."""
    if row is None:
        return OfficeSettingsView()
    return OfficeSettingsView(
        valid_from=row.valid_from, yen_per_unit=row.yen_per_unit, yen_per_unit_reason=row.yen_per_unit_reason,
        area_grade=row.area_grade, qualified_staff=row.qualified_staff,
        trained_staff=row.trained_staff, transition_prep=row.transition_prep, transport=row.transport,
        meals=row.meals, runs_retention_support=row.runs_retention_support,
        **{flag: getattr(row, flag) for flag in OFFICE_REDUCTION_FLAGS.values()},
        followup_cost_method=row.followup_cost_method, cost_per_followup=row.cost_per_followup,
        hourly_staff_cost=row.hourly_staff_cost,
    )


def office_settings_on(*, office: Office, day: date) -> OfficeSettingsView:
    """The office's settings in force on ``day`` alone (``FeeBook.settings_on`` without the fee tables) — one
    query, the same rule: the row with the latest ``valid_from`` on or before the day."""
    return settings_view(latest_on(list(OfficeFeeSettings.objects.filter(office=office, valid_from__lte=day)
                                         .order_by("valid_from")), day))


def latest_on(rows: list, day: date, *, since: str = "valid_from"):
    """Of rows sorted by their date ``since`` (``valid_from``; ``effective_from`` for a fee revision)
    ascending, the last one in force on ``day``."""
    found = None
    for row in rows:
        if getattr(row, since) <= day:
            found = row
        else:
            break
    return found


@dataclass
class FeeBook:
    office: Office
    schedules: dict[str, list[FeeSchedule]] = field(default_factory=dict)  # service → ascending valid_from
    fees: dict[int, list[BasicFee]] = field(default_factory=dict)  # schedule id → rows
    addons: dict[str, list[AddOnRate]] = field(default_factory=dict)
    prices: dict[tuple[str, str], list[AreaUnitPrice]] = field(default_factory=dict)
    settings: list[OfficeFeeSettings] = field(default_factory=list)
    capacities: list[OfficeCapacity] = field(default_factory=list)
    overrides: list[RetentionTierOverride] = field(default_factory=list)  # oldest first
    figures: list[regulations.Figures] = field(default_factory=list)  # the regulations' dated figures, oldest first
    revisions: list[FeeRevision] = field(default_factory=list)  # oldest first (an EXAMPLE one after a real one)
    treatment_rates: dict[int, list[TreatmentImprovementRate]] = field(default_factory=dict)  # revision id → rows
    reduction_rates: dict[tuple[str, str], list[OfficeReductionRate]] = field(default_factory=dict)
    treatment_settings: list[OfficeTreatmentImprovement] = field(default_factory=list)  # oldest first
    service_codes: dict[int, dict[tuple[str, str], ServiceCode]] = field(default_factory=dict)  # revision id → …
    # the 就労定着支援 rate the manager confirmed for an office with no retention-support history (None: unset)
    no_history_rate: RetentionSupportNoHistoryRate | None = None
    # the view of each settings row, made once (a month's lines ask for the settings in force many times)
    _settings_views: dict[int | None, OfficeSettingsView] = field(default_factory=dict, repr=False)

    def revision_on(self, day: date) -> FeeRevision | None:
        """The revision in force on ``day``: the latest effective on it (of those the office may use)."""
        return latest_on(self.revisions, day, since="effective_from")

    def retention_support_basis_on(self, day: date) -> str:
        """How the revision in force computes the 就労定着支援 fee: the latest basis a revision effective on
        ``day`` states (a revision that leaves it empty keeps the earlier one)."""
        found = RetentionSupportBasis.EMPLOYED_SHARE_3Y.value
        for revision in self.revisions:
            if revision.effective_from <= day and revision.retention_support_basis:
                found = revision.retention_support_basis
        return found

    def figures_on(self, day: date) -> regulations.Figures:
        """The regulations' figures in force on ``day`` (co-payment, reductions, new office, reports)."""
        found = regulations.figures_in_force(self.figures, day)
        if found is None:
            raise BillingConfigurationError(_(MISSING_FIGURES) % {"day": day.isoformat()})
        return found

    def override_of(self, *, service: str, fiscal_year: int) -> RetentionTierOverride | None:
        """The latest override recorded for the fiscal year (rows are never changed; the last one counts)."""
        found = None
        for row in self.overrides:
            if row.service == service and row.fiscal_year == fiscal_year:
                found = row
        return found

    # -- schedules and tiers ------------------------------------------------------------------------------
    def schedule_on(self, *, service: str, day: date) -> FeeSchedule:
        schedule = latest_on(self.schedules.get(service, []), day)
        if schedule is None:
            raise BillingConfigurationError(
                _(MISSING_SCHEDULE) % {"service": Service(service).label, "day": day.isoformat()}
            )
        return schedule

    def tiers_on(self, *, service: str, day: date, band: int) -> list[TierFee]:
        """The tiers of the schedule in force, highest first."""
        schedule = self.schedule_on(service=service, day=day)
        rows = [
            f for f in self.fees.get(schedule.pk, [])
            if f.band_min <= band and (f.band_max is None or band <= f.band_max)
        ]
        if not rows:
            raise BillingConfigurationError(_(MISSING_BAND) % {"day": day.isoformat(), "band": band})
        rows.sort(key=lambda f: (f.min_rate, not f.min_inclusive), reverse=True)
        tiers = []
        upper: Decimal | None = None
        for row in rows:
            tiers.append(TierFee(units=row.units, min_rate=row.min_rate, min_inclusive=row.min_inclusive,
                                 max_rate=upper, schedule_name=schedule.name, schedule_from=schedule.valid_from,
                                 to_verify=row.to_verify or schedule.to_verify, revision=schedule.revision,
                                 row=row_ref(row), band_min=row.band_min, band_max=row.band_max))
            upper = row.min_rate
        return tiers

    def tier_for(self, *, service: str, day: date, band: int, rate: Decimal) -> TierFee:
        tiers = self.tiers_on(service=service, day=day, band=band)
        for tier in tiers:
            if tier.holds(rate):
                return tier
        return tiers[-1]

    # -- add-ons, prices, settings, capacity -------------------------------------------------------------
    def addon_on(self, *, kind: str, day: date) -> AddOnRate:
        rate = latest_on(self.addons.get(kind, []), day)
        if rate is None:
            raise BillingConfigurationError(
                _(MISSING_ADDON) % {"kind": AddOnKind(kind).label, "day": day.isoformat()}
            )
        return rate

    def settings_on(self, day: date) -> OfficeSettingsView:
        row = latest_on(self.settings, day)
        key = row.pk if row is not None else None
        if key not in self._settings_views:
            self._settings_views[key] = settings_view(row)
        return self._settings_views[key]

    def area_grade_on(self, day: date) -> str:
        """The office's area grade on ``day``: the dated setting in force, else the grade recorded on the office."""
        return self.settings_on(day).area_grade or self.office.area_grade

    def price_row_on(self, *, service: str, day: date) -> AreaUnitPrice | None:
        """The area unit price row of the office's grade in force on ``day`` (None: none loaded)."""
        return latest_on(self.prices.get((self.area_grade_on(day), service), []), day)

    def yen_per_unit_on(self, *, service: str, day: date) -> tuple[Decimal, bool]:
        """The price and whether it is marked to verify (an office override is taken as verified)."""
        override = self.settings_on(day).yen_per_unit
        if override is not None:
            return override, False
        price = self.price_row_on(service=service, day=day)
        if price is None:
            raise BillingConfigurationError(
                _(MISSING_PRICE) % {"grade": AreaGrade(self.area_grade_on(day)).label,
                                    "service": Service(service).label, "day": day.isoformat()}
            )
        return price.yen_per_unit, price.to_verify

    def capacity_on(self, day: date) -> int:
        return self.office.capacity_on(day, self.capacities)

    # -- staff-pay add-ons, office reductions, service codes ----------------------------------------------
    def treatment_on(self, *, service: str, day: date) -> list[tuple[OfficeTreatmentImprovement,
                                                                    TreatmentImprovementRate | None]]:
        """The staff-pay add-ons (処遇改善) the office claims for ``service`` on ``day`` — its category of each
        scheme in force (a month's first day) — each with its rate in the revision in force (None: the revision
        has no rate for that category; the line cannot be computed in full)."""
        latest: dict[str, OfficeTreatmentImprovement] = {}
        for row in self.treatment_settings:
            if row.service == service and row.valid_from <= day:
                latest[row.scheme] = row
        revision = self.revision_on(day)
        rates = {(r.service, r.scheme, r.category): r
                 for r in (self.treatment_rates.get(revision.pk, []) if revision else [])}
        return [(row, rates.get((service, row.scheme, row.category)))
                for row in sorted(latest.values(), key=lambda r: r.scheme) if row.category]

    def office_reductions_on(self, *, service: str, day: date) -> list[tuple[str, OfficeReductionRate | None]]:
        """The office-level reductions flagged in the settings in force on ``day``, each with its rate in force
        (None: no rate loaded for it; the line cannot be computed in full)."""
        return [(kind, latest_on(self.reduction_rates.get((service, kind), []), day))
                for kind in self.settings_on(day).office_reduction_kinds()]

    def code_for(self, *, service: str, item: str, day: date) -> ServiceCode | None:
        """The service code of ``item`` in the code table of the revision in force on ``day`` (None: not
        loaded).  Each revision publishes its whole table: nothing carries over from an earlier one."""
        revision = self.revision_on(day)
        return self.service_codes.get(revision.pk, {}).get((service, item)) if revision else None


def usable_revisions(office: Office, prefix: str = "") -> Q:
    """The fee rows ``office`` may use: a revision flagged EXAMPLE only for a demonstration office (``prefix``:
    the path to the revision, ``"revision__"`` from a fee row; rows with no revision are always usable)."""
    if office.demo:
        return Q()
    if not prefix:
        return Q(example=False)
    return Q(**{f"{prefix}isnull": True}) | Q(**{f"{prefix}example": False})


def fee_book_load(*, office: Office) -> FeeBook:
    """Every fee table, the office's dated settings, capacity history, tier overrides, staff-pay categories and
    retention-support rate with no history, and the regulations' dated figures — fourteen queries (one per
    table), whatever the period; each fee row comes with its revision (joined).  The global tables are a few
    dozen rows (the service codes a few hundred); the office's rows a handful.  A revision flagged EXAMPLE and
    its rows are read for a demonstration office only (``usable_revisions``)."""
    book = FeeBook(office=office)
    usable = usable_revisions(office, "revision__")
    book.revisions = list(FeeRevision.objects.filter(usable_revisions(office)).order_by("effective_from", "example"))
    for schedule in FeeSchedule.objects.filter(usable).select_related("revision").order_by("valid_from", "pk"):
        book.schedules.setdefault(schedule.service, []).append(schedule)
    for fee in BasicFee.objects.filter(usable_revisions(office, "schedule__revision__")).order_by("pk"):
        book.fees.setdefault(fee.schedule_id, []).append(fee)
    for addon in AddOnRate.objects.filter(usable).select_related("revision").order_by("valid_from", "pk"):
        book.addons.setdefault(addon.kind, []).append(addon)
    for price in AreaUnitPrice.objects.filter(usable).select_related("revision").order_by("valid_from", "pk"):
        book.prices.setdefault((price.area_grade, price.service), []).append(price)
    for rate in TreatmentImprovementRate.objects.filter(usable).select_related("revision").order_by("pk"):
        book.treatment_rates.setdefault(rate.revision_id, []).append(rate)
    for reduction in (OfficeReductionRate.objects.filter(usable).select_related("revision")
                      .order_by("valid_from", "pk")):
        book.reduction_rates.setdefault((reduction.service, reduction.kind), []).append(reduction)
    for code in ServiceCode.objects.filter(usable).order_by("pk"):
        book.service_codes.setdefault(code.revision_id, {})[(code.service, code.item)] = code
    book.treatment_settings = list(OfficeTreatmentImprovement.objects.filter(office=office)
                                   .order_by("valid_from", "pk"))
    book.settings = list(OfficeFeeSettings.objects.filter(office=office).order_by("valid_from", "pk"))
    book.capacities = list(OfficeCapacity.objects.filter(office=office).order_by("valid_from", "pk"))
    book.overrides = list(RetentionTierOverride.objects.filter(office=office).order_by("created_at", "pk"))
    book.figures = figures_history()
    book.no_history_rate = RetentionSupportNoHistoryRate.objects.filter(office=office).first()
    return book

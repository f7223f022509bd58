"""The monthly claim of an office: one line per client and service, each with its explanation.

就労移行支援, for every client with attendance in the month:

* billable days = attended + off-site days inside a transition certificate's period (a 就労定着支援
  certificate is another decision and does not count); each certificate applies to its own days: of the
  days it covers, the first ``granted days`` of its own (the certificate's figure, else days in the month − 8;
  not prorated when it covers part of the month, which the explanation marks to confirm);
* basic units per day = the tier's daily units, × 70 % on a day the office was over capacity (more than
  150 % of capacity that day, or the month is over because the three months ending with it exceed
  capacity × open days × 125 %), then × 70 % / 50 % when the month has no agreed support plan (first two
  such months in a row / from the third; ``client_plan_reduction``: the month counts by its last day in
  service — no plan agreed, the plan expired, or its monitoring overdue); every percentage step rounds half
  up to a whole unit;
* add-ons: absence with support (at most 4 a month), transport per one-way trip, meals for low-income and
  public-assistance clients, office add-ons per billable day (office settings in force on the 1st), and the
  regional cooperation meetings (地域連携会議実施加算 I/II, ``attendance.RegionalMeeting``) on days inside a
  certificate and the period of use, each kind at most its monthly and fiscal-year maximum
  (``regulations.rules.addon_count``; the earlier months of the fiscal year count their meetings as recorded);
  a kind with meetings but no units loaded for the month holds the line (``ADDON_RATE_MISSING``: not
  claimable, closing refuses) instead of guessing;
* office reductions flagged by the office's 体制届 (``office_reduction_steps``), after the client's reductions;
* the staff-pay add-ons (処遇改善, ``treatment_apply``): (basic + add-on units) × the rate of the office's
  category in the revision in force, half up, each its own line; a category or a flagged reduction that the
  revision in force has no rate for holds the line (never guessed);
* every billed item carries its service code from the revision in force (``line_codes``);
* total yen = floor(total units × yen per unit), once per client-month.

就労定着支援, when the office runs it: every employed person with a face-to-face contact in months 7–42
after the start (and, from April 2021, a support report shared that month) and a 就労定着支援 certificate
overlapping the month (the latest) — one month's fee of the tier for the office's rate and its number of
users that month (the fee basis of the revision in force: ``tier.RETENTION_SUPPORT_BASES``), × 70 % / 50 %
without a support plan as above (the person's 就労定着支援 plans and certificates, that service's monitoring
interval), then the office reductions and the staff-pay add-ons as above.

Co-payment (``copay_settle``): floor(10 %) of each line, the person's lines sharing one monthly cap — the cap
of the month's certificates, or, when they carry different caps (a certificate changed mid-month), the one
the manager confirmed; until then the person's lines are held (not claimable; closing refuses);
claimed = total − co-payment.  When a certificate of the month names a manager of the person's cap across
providers (上限額管理, cap above 0), the person's co-payment follows the management
(``cap_management_settle``): the amount another office's result leaves to us, or — when we manage it — what
``regulations.rules.cap_management`` leaves to us from the other providers' figures, with the
利用者負担上限額管理加算 on the person's first line; a month whose management is not entered (or does not
add up) holds the person's lines.

``billing_month_compute`` reads a fixed number of queries (``month_inputs``: the fee book's fourteen, one per
table, and the month's own reads), whatever the number of clients and days.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from attendance.models import BILLABLE_ATTENDANCE, AttendanceStatus, RegionalMeetingKind
from attendance.rules import EnrolmentFacts, period_refusal
from billing.errors import BillingError
from billing.models import AddOnKind, CopayCapDecision, CopayCapManagement, OfficeReductionRate, Service
from billing.services.fee_status import month_fee_status
from billing.services.fees import BillingConfigurationError, FeeBook, row_ref
from billing.services.month_inputs import AgreedPlan, MonthContact, MonthInputs, month_inputs_read
from billing.services.rounding import rate_text, units_less_percent, units_percent, units_times_rate, units_to_yen
from billing.services.tier import RETENTION_SUPPORT_BASES, RetentionTier, retention_tier
from clients.models import Certificate, Client, IncomeCategory
from compostela.models import Office
from placements.models import FollowUpKind
from regulations import rules as regulations
from regulations.rules import fiscal_year_of, month_bounds, retention_support_span

MEAL_ELIGIBLE = (IncomeCategory.WELFARE, IncomeCategory.LOW_INCOME)
# the holds of a person's lines until the month's cap management across providers (上限額管理) is right
CAP_MANAGEMENT_HOLDS = frozenset({BillingError.CAP_MANAGEMENT_MISSING, BillingError.CAP_MANAGEMENT_CONFLICT,
                                  BillingError.CAP_DIVISION_TO_ENTER, BillingError.CAP_AMOUNT_OVER_OURS})
# the add-on each kind of regional cooperation meeting (attendance) stands for
MEETING_ADDONS = {
    RegionalMeetingKind.I: AddOnKind.REGIONAL_MEETING_I,
    RegionalMeetingKind.II: AddOnKind.REGIONAL_MEETING_II,
}


# -- over capacity (定員超過利用減算): regulations.rules decides; billing keeps the month's explanation ------
@dataclass
class OverCapacity:
    days_over: list[date]
    rolling_user_days: int
    rolling_open_days: int
    rolling_limit: Decimal  # capacity × open days × 125 %, summed day by day
    rolling_over: bool

    def reduced_on(self, day: date) -> bool:
        return self.rolling_over or day in self.days_over

    def as_dict(self) -> dict:
        return {
            "days_over": [d.isoformat() for d in self.days_over],
            "rolling_user_days": self.rolling_user_days,
            "rolling_open_days": self.rolling_open_days,
            "rolling_limit": str(self.rolling_limit),
            "rolling_over": self.rolling_over,
        }


def over_capacity_of(*, book: FeeBook, month: date, daily_users: dict[date, int]) -> OverCapacity:
    """``daily_users`` holds the billable users of every day of the month and the two before it."""
    first, last = month_bounds(month)
    days_over = sorted(d for d, n in daily_users.items()
                       if first <= d <= last and regulations.day_over_capacity(users=n, capacity=book.capacity_on(d)))
    rolling = regulations.rolling_over_capacity(days=[(n, book.capacity_on(d)) for d, n in daily_users.items()])
    return OverCapacity(days_over=days_over, rolling_user_days=rolling.user_days, rolling_open_days=rolling.open_days,
                        rolling_limit=rolling.limit, rolling_over=rolling.over)


# -- results -------------------------------------------------------------------------------------------------
@dataclass
class BasicGroup:
    """Billable days that share their units a day (same tier units and the same reductions)."""

    days: list[date]
    base_units: int
    steps: list[dict]  # each {"reduction": code, "percent": p (or "units_taken": n), "units_per_day": after}
    units_per_day: int
    item: str = ""  # the service-code item: the tier and each reduction applied (``basic_item``)

    @property
    def units(self) -> int:
        return len(self.days) * self.units_per_day

    def as_dict(self) -> dict:
        return {"days": len(self.days), "dates": [d.isoformat() for d in self.days], "base_units": self.base_units,
                "steps": self.steps, "units_per_day": self.units_per_day, "units": self.units, "item": self.item}


@dataclass
class AddOnLine:
    kind: str
    count: int
    units_each: int
    capped_from: int | None = None  # the count before a monthly (or fiscal-year) maximum
    capped_by: str | None = None  # which maximum cut it (``regulations.rules.AddOnCap``)
    days: list[date] = field(default_factory=list)  # the days of an add-on counted per occurrence (meetings)

    @property
    def units(self) -> int:
        return self.count * self.units_each

    def as_dict(self) -> dict:
        return {"kind": self.kind, "count": self.count, "units_each": self.units_each, "units": self.units,
                "capped_from": self.capped_from, "capped_by": self.capped_by,
                "dates": [d.isoformat() for d in self.days]}


@dataclass
class TreatmentLine:
    """A staff-pay add-on (処遇改善) of a line: the month's units before it × the category's rate."""

    scheme: str
    category: str
    rate: Decimal
    base_units: int
    units: int

    @property
    def item(self) -> str:
        return f"treatment:{self.scheme}:{self.category}"

    def as_dict(self) -> dict:
        return {"scheme": self.scheme, "category": self.category, "rate": str(self.rate),
                "base_units": self.base_units, "units": self.units, "item": self.item}


@dataclass
class ClaimLineResult:
    service: str
    client: Client
    certificate: Certificate | None
    yen_per_unit: Decimal
    yen_per_unit_to_verify: bool
    figures: regulations.Figures  # the regulations' figures in force in the month (co-payment …)
    days: dict = field(default_factory=dict)
    basic: list[BasicGroup] = field(default_factory=list)
    addons: list[AddOnLine] = field(default_factory=list)
    treatment: list[TreatmentLine] = field(default_factory=list)  # the staff-pay add-ons, each its own line
    codes: list[dict] = field(default_factory=list)  # each billed item with its service code (``line_codes``)
    reductions: dict = field(default_factory=dict)
    tier: dict = field(default_factory=dict)
    billable_days: int = 0
    total_yen: int = 0
    copay_raw: int = 0
    copayment: int = 0
    # the person's cap for the month (``copay_settle``); None while the manager has not confirmed it
    copay_cap: int | None = None
    certificates: list[dict] = field(default_factory=list)  # each certificate's own days, units and cap
    cap_decision: dict = field(default_factory=dict)  # the month's cap: the candidates and who confirmed it
    holds: list[str] = field(default_factory=list)  # ``BillingError`` codes: the line is not claimable yet
    # add-ons with occurrences but no units loaded for the month (``ADDON_RATE_MISSING``): kind, count, dates
    held_addons: list[dict] = field(default_factory=list)
    fee_values: list[dict] = field(default_factory=list)  # each fee value used, with its revision (fee_status)
    # the co-payment cap across providers (上限額管理) that the co-payment followed (``cap_management_settle``)
    copay_management: dict = field(default_factory=dict)
    missing_rates: list[str] = field(default_factory=list)  # items the revision in force has no rate for (held)

    @property
    def client_name(self) -> str:
        return self.client.full_name

    @property
    def certificate_number(self) -> str:
        return self.certificate.number if self.certificate else ""

    @property
    def held(self) -> bool:
        return bool(self.holds)

    @property
    def basic_units(self) -> int:
        return sum(g.units for g in self.basic)

    @property
    def addon_units(self) -> int:
        return sum(a.units for a in self.addons)

    @property
    def treatment_units(self) -> int:
        return sum(t.units for t in self.treatment)

    @property
    def total_units(self) -> int:
        return self.basic_units + self.addon_units + self.treatment_units

    @property
    def claimed(self) -> int:
        """The municipality's part — nothing while the line is held (not claimable)."""
        return 0 if self.held else self.total_yen - self.copayment

    def finish(self, book: FeeBook, day: date) -> ClaimLineResult:
        """The staff-pay add-ons on the month's units (``treatment_apply``), each billed item's service code
        (``line_codes``), then units → yen once for the client-month and the co-payment before the cap (the
        cap is the person's for the month across their lines: ``copay_settle``).  Run again after an add-on is
        added (``cap_management_addon``): the staff-pay add-ons are worked out afresh."""
        self.treatment = []
        self.missing_rates = [m for m in self.missing_rates if not m.startswith("treatment:")]
        treatment_apply(self, book=book, day=day)
        self.codes = line_codes(self, book=book, day=day)
        self.total_yen = units_to_yen(units=self.total_units, yen_per_unit=self.yen_per_unit)
        self.copay_raw = regulations.copayment_before_cap(total_yen=self.total_yen, figures=self.figures)
        return self

    def explanation(self) -> dict:
        cert = self.certificate
        return {
            "service": self.service,
            "client_id": self.client.pk,
            "client_name": self.client_name,
            "certificate": None if cert is None else {
                "number": cert.number, "period_start": cert.period_start.isoformat(),
                "period_end": cert.period_end.isoformat(), "granted_days": cert.granted_days,
                "income_category": cert.income_category, "copay_cap": cert.copay_cap,
            },
            "tier": self.tier,
            "days": self.days,
            "billable_days": self.billable_days,
            "basic": [g.as_dict() for g in self.basic],
            "reductions": self.reductions,
            "addons": [a.as_dict() for a in self.addons],
            "treatment": [t.as_dict() for t in self.treatment],
            "codes": self.codes,
            "basic_units": self.basic_units,
            "addon_units": self.addon_units,
            "treatment_units": self.treatment_units,
            "total_units": self.total_units,
            "yen_per_unit": str(self.yen_per_unit),
            "yen_per_unit_to_verify": self.yen_per_unit_to_verify,
            "total_yen": self.total_yen,
            "copay_percent": self.figures.copay_percent,
            "copay_raw": self.copay_raw,
            "copay_cap": self.copay_cap,
            "copayment": self.copayment,
            "claimed": self.claimed,
            "certificates": self.certificates,
            "cap_decision": self.cap_decision,
            "copay_management": self.copay_management,
            "hold": self.holds,
            "held": self.held,
            "held_addons": self.held_addons,
            "fee_values": self.fee_values,
        }


@dataclass
class MonthClaims:
    office: Office
    month: date
    lines: list[ClaimLineResult]
    tier: RetentionTier
    over_capacity: OverCapacity
    retention_support: RetentionTier | None = None
    warnings: list[str] = field(default_factory=list)
    support_notes: list[tuple[int, str]] = field(default_factory=list)  # (client id, why not claimed)
    inputs: MonthInputs | None = None  # what the month was computed from (for the checks before closing)
    fee_status: dict = field(default_factory=dict)  # revision in force, values to verify (billing.services.fee_status)

    @property
    def total_units(self) -> int:
        return sum(line.total_units for line in self.lines)

    @property
    def total_yen(self) -> int:
        return sum(line.total_yen for line in self.lines)

    @property
    def copayment_yen(self) -> int:
        return sum(line.copayment for line in self.lines)

    @property
    def claimed_yen(self) -> int:
        return sum(line.claimed for line in self.lines)

    @property
    def held_lines(self) -> list[ClaimLineResult]:
        """Lines not claimable yet (each names its ``BillingError`` codes in ``holds``): closing refuses them."""
        return [line for line in self.lines if line.held]

    def summary(self) -> dict:
        """The month-level explanation stored with a closing (JSON)."""
        tier = self.tier
        return {
            "month": self.month.isoformat(),
            "tier": tier_summary(tier),
            "retention_support_tier": tier_summary(self.retention_support) if self.retention_support else None,
            "over_capacity": self.over_capacity.as_dict(),
            "warnings": self.warnings,
            "lines": len(self.lines),
            "held_lines": len(self.held_lines),
            "fee_status": self.fee_status,
        }


def tier_summary(tier: RetentionTier) -> dict:
    return {
        "service": tier.service, "fiscal_year": tier.fiscal_year, "numerator": tier.numerator,
        "denominator": tier.denominator, "computed_rate": rate_text(tier.computed_rate),
        "rate": rate_text(tier.rate), "new_office": tier.new_office, "overridden": tier.overridden,
        "override_reason": tier.override.reason if tier.overridden else "",
        "periods": [{"from": p.starts_on.isoformat(), "label": p.tier.label, "units": p.tier.units,
                     "schedule": p.tier.schedule_name} for p in tier.periods],
        "no_history": tier.no_history, "held": tier.held,
    }


# -- office reductions, staff-pay add-ons, service codes ---------------------------------------------------
def office_reduction_steps(*, units: int, rates: list[tuple[str, OfficeReductionRate]]) -> tuple[int, list[dict]]:
    """The office-level reductions in force (``FeeBook.office_reductions_on``, flagged by the office's 体制届)
    applied to a day's basic units (就労移行支援) or the month's fee (就労定着支援), after the client's
    reductions, one step each: a percentage takes that share of the units, rounded half up
    (``units_less_percent``); units a day take that many, never below 0."""
    steps = []
    for kind, rate in rates:
        if rate.percent is not None:
            units = units_less_percent(units=units, percent=rate.percent)
            steps.append({"reduction": kind, "percent": rate.percent, "units_per_day": units})
        else:
            units = max(0, units - rate.units_per_day)
            steps.append({"reduction": kind, "units_taken": rate.units_per_day, "units_per_day": units})
    return units, steps


def office_reductions_of(line: ClaimLineResult, *, book: FeeBook, day: date) -> list[tuple[str, OfficeReductionRate]]:
    """The office reductions flagged for ``line``'s service on ``day`` that have a rate; a flagged one with no
    rate loaded holds the line (``OFFICE_REDUCTION_RATE_MISSING``: computing without it would claim too much)."""
    found = []
    for kind, rate in book.office_reductions_on(service=line.service, day=day):
        if rate is None:
            if BillingError.OFFICE_REDUCTION_RATE_MISSING not in line.holds:
                line.holds.append(BillingError.OFFICE_REDUCTION_RATE_MISSING)
            line.missing_rates.append(f"reduction:{kind}")
        else:
            found.append((kind, rate))
    return found


def basic_item(tier_item: str, steps: list[dict]) -> str:
    """The service-code item of basic units: the tier (``TierFee.item``) and each reduction applied in order —
    the code table has one basic code per combination (``basic:1-20:0.5:over_capacity:plan_missing_70``)."""
    names = [f"{s['reduction']}_{s['percent']}" if s["reduction"] == "plan_missing" else s["reduction"]
             for s in steps]
    return ":".join([tier_item, *names])


def treatment_apply(line: ClaimLineResult, *, book: FeeBook, day: date) -> None:
    """The staff-pay add-ons (処遇改善) of ``line``: for each category the office claims for the service in the
    month (``FeeBook.treatment_on``), the month's units so far — basic and add-ons, reductions applied — × the
    category's rate in the revision in force, rounded half up (``units_times_rate``), as its own line.  A
    category with no rate in that revision holds the line (``TREATMENT_RATE_MISSING``)."""
    base = line.basic_units + line.addon_units
    for setting, rate in book.treatment_on(service=line.service, day=day):
        if rate is None:
            if BillingError.TREATMENT_RATE_MISSING not in line.holds:
                line.holds.append(BillingError.TREATMENT_RATE_MISSING)
            line.missing_rates.append(f"treatment:{setting.scheme}:{setting.category}")
            continue
        if base:
            line.treatment.append(TreatmentLine(scheme=setting.scheme, category=setting.category, rate=rate.rate,
                                                base_units=base, units=units_times_rate(units=base, rate=rate.rate)))


def line_codes(line: ClaimLineResult, *, book: FeeBook, day: date) -> list[dict]:
    """Each item ``line`` bills — a basic group, an add-on, a staff-pay add-on — with its count, units and the
    service code of the revision in force (``FeeBook.code_for``; ``code`` empty when the table has none: the
    electronic claim refuses the line).  Their units add up to the line's total units."""
    items = [(g.item, len(g.days), g.units_per_day) for g in line.basic]
    items += [(a.kind, a.count, a.units_each) for a in line.addons]
    items += [(t.item, 1, t.units) for t in line.treatment]
    out = []
    for item, count, units_each in items:
        code = book.code_for(service=line.service, item=item, day=day)
        out.append({"item": item, "count": count, "units_each": units_each, "units": count * units_each,
                    "code": code.code if code else "", "form_type": code.form_type if code else "",
                    "record_status": code.record_status if code else "",
                    "name": code.name if code else "", "verified": bool(code) and not code.to_verify,
                    "row": row_ref(code) if code else ""})
    return out


# -- per-client pieces ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanReduction:
    """The missing-plan reduction (個別支援計画未作成減算) of one line: how many months in a row, ending with
    the line's month, the client was in the service without a plan, the percentage of the basic units paid
    (``None``: no reduction), and this month's facts — why it counts as without a plan (``facts.gap``)."""

    months: int
    percent: int | None
    facts: regulations.PlanMonth
    monitoring_months: int  # the service's monitoring interval in force (the figures)

    def as_dict(self) -> dict:
        """What the line's explanation (``reductions``) and the pre-close list keep of it."""
        facts = self.facts
        return {
            "plan_missing_months": self.months,
            "plan_missing_percent": self.percent,
            "plan_gap": facts.gap.value,
            "plan_monitoring_months": self.monitoring_months,
            "plan_monitoring_due_on": facts.monitoring_due_on.isoformat() if facts.monitoring_due_on else None,
            "plan_expired_on": facts.expired_on.isoformat() if facts.expired_on else None,
        }


def client_plan_reduction(*, month: date, service: str, certificates: list[Certificate], plans: list[AgreedPlan],
                          figures: regulations.Figures) -> PlanReduction:
    """The missing-plan reduction of the client's ``service`` line for ``month`` from that service's
    certificates and agreed plans (with their monitoring dates), the monitoring interval of that service in the
    figures in force: ``regulations.rules.plan_month`` for each month of the lookback, then
    ``plan_missing_months`` and ``plan_missing_percent`` — the one rule, as the case review reads it."""
    interval = figures.plan_monitoring_months[service]
    months = [regulations.plan_month(month=first, certificates=certificates, plans=plans, monitoring_months=interval)
              for first, _last in regulations.months_ending_with(month, regulations.plan_missing_lookback(figures))]
    missing = regulations.plan_missing_months(months, figures=figures)
    return PlanReduction(months=missing, percent=regulations.plan_missing_percent(missing, figures), facts=months[0],
                         monitoring_months=interval)


def transition_claim_line(
    *, client: Client, month: date, rows: list[dict], certificates: list[Certificate], plans: list[AgreedPlan],
    book: FeeBook, tier: RetentionTier, over: OverCapacity, use: EnrolmentFacts | None = None,
    meetings: list[tuple[date, str]] | None = None,
) -> ClaimLineResult:
    """One client's 就労移行支援 claim for ``month`` from its attendance ``rows`` (dicts, sorted by day).
    ``certificates`` are the client's transition certificates (``MonthInputs.certificates``); ``use`` its
    periods of use (``MonthInputs.use``): a day outside them is never billed (``attendance.rules.period_refusal``).
    Each certificate applies to its own days (``regulations.rules.certificate_days``): its granted days over
    them, its income category for their meals; the line carries each certificate's days and units.
    ``meetings`` are the client's regional cooperation meetings (day, kind) of the fiscal year up to the month's
    end (``MonthInputs.meetings``)."""
    first, last = month_bounds(month)
    settings = book.settings_on(first)
    yen_per_unit, to_verify = book.yen_per_unit_on(service=Service.TRANSITION, day=first)
    figures = book.figures_on(first)
    attended = [r for r in rows if regulations.is_billable(r["status"])]
    billable = [r for r in attended if use is None or period_refusal(use, r["day"]) is None]
    outside_use = len(attended) - len(billable)
    parts = regulations.certificate_days(certificates, month, [r["day"] for r in billable])
    covered = {d for part in parts for d in part.days}
    counted_days = {d for part in parts for d in part.counted}
    in_cert = [r for r in billable if r["day"] in covered]
    outside = len(billable) - len(in_cert)
    counted = [r for r in in_cert if r["day"] in counted_days]
    cert = regulations.certificate_for_month(certificates, month, [r["day"] for r in billable])  # its number
    granted = regulations.granted_days(cert.granted_days if cert else None, month)
    line = ClaimLineResult(service=Service.TRANSITION, client=client, certificate=cert,
                           yen_per_unit=yen_per_unit, yen_per_unit_to_verify=to_verify, figures=figures)
    line.billable_days = len(counted)
    line.days = {
        "attended": sum(1 for r in rows if r["status"] == AttendanceStatus.ATTENDED),
        "offsite": sum(1 for r in rows if r["status"] == AttendanceStatus.OFFSITE),
        "absent": sum(1 for r in rows if r["status"] == AttendanceStatus.ABSENT),
        "absent_supported": sum(1 for r in rows if r["status"] == AttendanceStatus.ABSENT_SUPPORTED),
        "outside_certificate": outside,
        "outside_period_of_use": outside_use,
        "granted_days": granted,
        "granted_days_standard": not (cert and cert.granted_days),
        "granted_days_to_confirm": regulations.granted_days_to_confirm(parts),
        "over_granted_days": len(in_cert) - len(counted),
        "billable": len(counted),
    }
    tier_on_first = tier.tier_on(first)
    line.tier = {"fiscal_year": tier.fiscal_year, "rate": rate_text(tier.rate),
                 "label": tier_on_first.label if tier_on_first else "", "overridden": tier.overridden,
                 "new_office": tier.new_office}

    # basic units, day by day, each percentage step rounded half up
    plan_reduction = client_plan_reduction(month=month, service=Service.TRANSITION, certificates=certificates,
                                           plans=plans, figures=figures)
    plan_percent = plan_reduction.percent
    line.reductions = {
        "over_capacity_percent": figures.over_capacity_percent,
        "over_capacity_days": sum(1 for r in counted if over.reduced_on(r["day"])),
        "over_capacity_rolling": over.rolling_over,
        **plan_reduction.as_dict(),
    }
    office_rates = office_reductions_of(line, book=book, day=first)
    groups: dict[tuple, BasicGroup] = {}
    units_on: dict[date, int] = {}
    for r in counted:
        day_tier = tier.tier_on(r["day"])
        base = day_tier.units if day_tier else 0
        units, steps = base, []
        if over.reduced_on(r["day"]):
            units = units_percent(units=units, percent=figures.over_capacity_percent)
            steps.append({"reduction": "over_capacity", "percent": figures.over_capacity_percent,
                          "units_per_day": units})
        if plan_percent is not None:
            units = units_percent(units=units, percent=plan_percent)
            steps.append({"reduction": "plan_missing", "percent": plan_percent, "units_per_day": units})
        units, office_steps = office_reduction_steps(units=units, rates=office_rates)
        steps += office_steps
        item = basic_item(day_tier.item, steps) if day_tier else ""
        key = (base, item, tuple(s["reduction"] for s in steps))
        if key not in groups:
            groups[key] = BasicGroup(days=[], base_units=base, steps=steps, units_per_day=units, item=item)
        groups[key].days.append(r["day"])
        units_on[r["day"]] = units
    line.basic = list(groups.values())

    # add-ons: absence with support is the month's (its monthly maximum); the others go with a billable day,
    # so with that day's certificate (meals: its income category)
    supported = [r for r in rows if r["status"] == AttendanceStatus.ABSENT_SUPPORTED
                 and regulations.certificate_on(certificates, r["day"])]
    if supported:
        rate = book.addon_on(kind=AddOnKind.ABSENCE_SUPPORT, day=first)
        counted_supported = regulations.addon_count(occurrences=len(supported), monthly_max=rate.monthly_max)
        line.addons.append(AddOnLine(kind=AddOnKind.ABSENCE_SUPPORT, count=counted_supported.count,
                                     units_each=rate.units, capped_from=counted_supported.capped_from,
                                     capped_by=counted_supported.capped_by))
    _meeting_addons(line, meetings or [], month=first, certificates=certificates, book=book, use=use)
    transport_kind = settings.transport_kind()
    daily_kinds = settings.daily_addon_kinds() if counted else []
    by_day = {r["day"]: r for r in counted}
    per_part: list[dict[str, int]] = []  # add-on counts of each certificate's counted days, by kind
    for part in parts:
        own = [by_day[d] for d in part.counted]
        counts: dict[str, int] = {}
        if transport_kind:
            counts[transport_kind] = sum(int(r["transport_to"]) + int(r["transport_from"]) for r in own)
        if settings.meals and part.certificate.income_category in MEAL_ELIGIBLE:
            counts[AddOnKind.MEALS] = sum(1 for r in own if r["meal"])
        for kind in daily_kinds:
            counts[kind] = len(own)
        per_part.append(counts)
    units_each = {kind: book.addon_on(kind=kind, day=first).units
                  for kind in {k for counts in per_part for k, n in counts.items() if n}}
    for kind in [transport_kind, AddOnKind.MEALS, *daily_kinds]:
        count = sum(counts.get(kind, 0) for counts in per_part) if kind else 0
        if count:
            line.addons.append(AddOnLine(kind=kind, count=count, units_each=units_each[kind]))

    line.certificates = [
        {
            "id": part.certificate.pk, "number": part.certificate.number,
            "period_start": part.certificate.period_start.isoformat(),
            "period_end": part.certificate.period_end.isoformat(),
            "first": part.first.isoformat(), "last": part.last.isoformat(),
            "granted_days": part.granted, "granted_days_standard": not part.certificate.granted_days,
            "income_category": part.certificate.income_category, "copay_cap": part.certificate.copay_cap,
            "days": [d.isoformat() for d in part.days], "billable": len(part.counted),
            "over_granted_days": part.over_granted,
            "basic_units": sum(units_on[d] for d in part.counted),
            "addon_units": sum(n * units_each.get(kind, 0) for kind, n in counts.items()),
        }
        for part, counts in zip(parts, per_part, strict=True)
    ]
    return line.finish(book, first)


def _meeting_addons(line: ClaimLineResult, meetings: list[tuple[date, str]], *, month: date,
                    certificates: list[Certificate], book: FeeBook, use: EnrolmentFacts | None) -> None:
    """地域連携会議実施加算 (I)/(II): each kind's meetings of the month on a day inside a certificate and the period
    of use, at most the rate's monthly maximum and what the earlier months of the fiscal year leave of its
    yearly maximum (``regulations.rules.addon_count``: the one counting rule, as absence with support).  The
    earlier months count their meetings as recorded (their certificates are not read), month by month under the
    same maxima.  No units loaded for the month: the line is held (``ADDON_RATE_MISSING``), never guessed."""
    first, last = month_bounds(month)
    not_counted = 0
    for kind, addon_kind in MEETING_ADDONS.items():
        own = [day for day, k in meetings if k == kind]
        this_month = [day for day in own if first <= day <= last]
        days = [day for day in this_month if regulations.certificate_on(certificates, day) is not None
                and (use is None or period_refusal(use, day) is None)]
        not_counted += len(this_month) - len(days)
        if not days:
            continue
        try:
            rate = book.addon_on(kind=addon_kind, day=first)
        except BillingConfigurationError:
            if BillingError.ADDON_RATE_MISSING not in line.holds:
                line.holds.append(BillingError.ADDON_RATE_MISSING)
            line.held_addons.append({"kind": addon_kind.value, "count": len(days),
                                     "dates": [d.isoformat() for d in days]})
            continue
        earlier = Counter(regulations.month_start(day) for day in own if day < first)
        counted = regulations.addon_count(occurrences=len(days), monthly_max=rate.monthly_max,
                                          yearly_max=rate.yearly_max,
                                          earlier_in_year=[earlier[m] for m in sorted(earlier)])
        line.addons.append(AddOnLine(kind=addon_kind, count=counted.count, units_each=rate.units,
                                     capped_from=counted.capped_from, capped_by=counted.capped_by, days=days))
    line.days["meetings_not_counted"] = not_counted


def retention_support_lines(
    *, office: Office, month: date, contacts: list[MonthContact], clients: dict[int, Client],
    certificates: dict[int, list[Certificate]], book: FeeBook, support_users: list[tuple[int, bool]],
    plans: dict[int, list[AgreedPlan]] | None = None,
) -> tuple[list[ClaimLineResult], RetentionTier, list[tuple[int, str]]]:
    """就労定着支援 lines of ``month`` from the month's follow-up ``contacts`` (``support_users``: who used the
    service in the three previous fiscal years, for the rate).  ``certificates`` are the clients' 就労定着支援
    certificates (``MonthInputs.support_certificates``): a transition certificate does not count.  When the
    rate is held (no history and no confirmed rate: ``retention_support_tier``) each line is held: no units,
    not claimable.  The notes are (client id, why a person with contact is not claimed).

    The missing-plan reduction applies to the month's fee as to the transition line's daily units
    (``client_plan_reduction``), from the person's 就労定着支援 certificates and plans (``plans``:
    ``MonthInputs.support_plans``) on that service's monitoring interval."""
    plans = plans or {}
    first, last = month_bounds(month)
    needs_report = book.figures_on(first).support_report_required
    faced: dict[int, list[date]] = defaultdict(list)
    reported: set[int] = set()
    spans: dict[date, tuple[date, date]] = {}  # the phase worked out once per job start, not per contact
    for c in contacts:
        span = spans.get(c.hire_start)
        if span is None:
            span = spans[c.hire_start] = retention_support_span(c.hire_start)
        if not span[0] <= c.day < span[1]:
            continue
        if c.hire_ended_on is not None and c.hire_ended_on < c.day:
            continue
        if c.kind == FollowUpKind.FACE_TO_FACE:
            faced[c.client_id].append(c.day)
        elif c.kind == FollowUpKind.SUPPORT_REPORT:
            reported.add(c.client_id)
    eligible = sorted(pk for pk in faced if not needs_report or pk in reported)
    warnings = [
        (pk, _("%(client)s: face-to-face contact but no support report shared this month.") % {"client": clients[pk]})
        for pk in sorted(set(faced) - set(eligible))
    ]
    basis = RETENTION_SUPPORT_BASES[book.retention_support_basis_on(first)]  # the revision's fee basis
    tier = basis.rate(office=office, fiscal_year=fiscal_year_of(first), book=book, users=support_users)
    yen_per_unit, to_verify = book.yen_per_unit_on(service=Service.RETENTION_SUPPORT, day=first)
    lines = []
    billable = []
    for pk in eligible:
        cert = regulations.latest_certificate_in_month(certificates.get(pk, []), first)
        if cert is None:
            warnings.append((pk, _("%(client)s: no retention-support certificate covers this month; retention "
                                   "support is not claimed.") % {"client": clients[pk]}))
            continue
        billable.append((pk, cert))
    if billable:
        fee = basis.fee(book=book, day=first, users=len(billable), tier=tier)
        held_label = _("to confirm: the rate of an office with no retention-support history is not set")
        for pk, cert in billable:
            line = ClaimLineResult(service=Service.RETENTION_SUPPORT, client=clients[pk], certificate=cert,
                                   yen_per_unit=yen_per_unit, yen_per_unit_to_verify=to_verify,
                                   figures=book.figures_on(first))
            line.billable_days = 0
            line.days = {"face_to_face": [d.isoformat() for d in sorted(faced[pk])],
                         "support_report": pk in reported, "support_report_required": needs_report,
                         "users_this_month": len(billable)}
            line.tier = {"fiscal_year": tier.fiscal_year, "rate": rate_text(tier.rate),
                         "label": held_label if tier.held else fee.label, "overridden": tier.overridden,
                         "new_office": False, "no_history": tier.no_history, "held": tier.held}
            line.certificates = [{
                "id": cert.pk, "number": cert.number, "period_start": cert.period_start.isoformat(),
                "period_end": cert.period_end.isoformat(), "first": max(first, cert.period_start).isoformat(),
                "last": min(last, cert.period_end).isoformat(), "granted_days": None,
                "income_category": cert.income_category, "copay_cap": cert.copay_cap,
            }]
            plan_reduction = client_plan_reduction(month=first, service=Service.RETENTION_SUPPORT,
                                                   certificates=certificates.get(pk, []), plans=plans.get(pk, []),
                                                   figures=line.figures)
            line.reductions = plan_reduction.as_dict()
            if tier.held:
                # 要確認: no units until the manager confirms the rate (billing_month_close refuses)
                line.holds.append(BillingError.RETENTION_SUPPORT_HELD)
            else:
                units, steps = fee.units, []
                if plan_reduction.percent is not None:
                    units = units_percent(units=units, percent=plan_reduction.percent)
                    steps.append({"reduction": "plan_missing", "percent": plan_reduction.percent,
                                  "units_per_day": units})
                units, office_steps = office_reduction_steps(
                    units=units, rates=office_reductions_of(line, book=book, day=first))
                steps += office_steps
                line.basic = [BasicGroup(days=[first], base_units=fee.units, steps=steps, units_per_day=units,
                                         item=basic_item(fee.item, steps))]  # one month's fee
            lines.append(line.finish(book, first))
    return lines, tier, warnings


# -- the person's co-payment cap ----------------------------------------------------------------------------
def copay_settle(
    *, month: date, lines: list[ClaimLineResult], certificates: dict[int, list[Certificate]],
    support_certificates: dict[int, list[Certificate]], decisions: dict[int, CopayCapDecision],
    managements: dict[int, CopayCapManagement] | None = None, book: FeeBook | None = None,
    office: Office | None = None,
) -> None:
    """Each person's co-payments for the month: one cap for the person across their lines (transition first,
    ``regulations.rules.copayments_under_one_cap``).  The cap is that of the certificates of the month of the
    services billed; when they carry different caps (a certificate changed mid-month) it is the one the
    manager confirmed (``decisions``), and until then the person's lines are held (``COPAY_CAP_TO_CONFIRM``:
    not claimable, closing refuses) — ``regulations.rules.month_copay_cap``.  With a cap above 0, the
    person's co-payment across our lines is then at most what the cap management leaves to us
    (``cap_management_settle``: ``managements`` are the month's entries, ``book`` gives the add-on)."""
    first, last = month_bounds(month)
    by_client: dict[int, list[ClaimLineResult]] = defaultdict(list)
    for line in lines:
        by_client[line.client.pk].append(line)
    for pk, own in by_client.items():
        services = {line.service for line in own}
        month_certificates = sorted(
            [c for c in certificates.get(pk, []) if Service.TRANSITION in services
             and regulations.overlaps(c, first, last)]
            + [c for c in support_certificates.get(pk, []) if Service.RETENTION_SUPPORT in services
               and regulations.overlaps(c, first, last)],
            key=lambda c: (c.period_start, c.pk))
        caps = [c.copay_cap for c in month_certificates]
        decision = decisions.get(pk)
        confirmed = None
        if decision is not None and any(c.pk == decision.certificate_id and c.copay_cap == decision.copay_cap
                                        for c in month_certificates):
            confirmed = decision.copay_cap
        cap = regulations.month_copay_cap(caps=caps, confirmed=confirmed)
        to_confirm = regulations.copay_cap_to_confirm(caps)
        cap_decision = {
            "to_confirm": to_confirm,
            "candidates": [{"id": c.pk, "number": c.number, "service": c.service,
                            "first": max(first, c.period_start).isoformat(),
                            "last": min(last, c.period_end).isoformat(), "copay_cap": c.copay_cap}
                           for c in month_certificates] if to_confirm else [],
            "confirmed": None if confirmed is None else {
                "certificate_id": decision.certificate_id,
                "number": next(c.number for c in month_certificates if c.pk == decision.certificate_id),
                "copay_cap": decision.copay_cap, "by": str(decision.decided_by),
                "at": decision.decided_at.isoformat(),
            },
        }
        if cap is None:
            for line in own:
                line.copay_cap, line.copayment = None, 0
                line.holds.append(BillingError.COPAY_CAP_TO_CONFIRM)
        else:
            limit, management = cap, {}
            if cap > 0 and book is not None and office is not None:
                limit, management = cap_management_settle(
                    own, cap=cap, month=first, certificates=month_certificates,
                    entry=(managements or {}).get(pk), book=book, office=office)
            shares = regulations.copayments_under_one_cap(totals=[line.total_yen for line in own], cap=limit,
                                                          figures=own[0].figures)
            for line, share in zip(own, shares, strict=True):
                line.copay_cap, line.copayment, line.copay_management = cap, share, management
        for line in own:
            line.cap_decision = cap_decision


# -- the co-payment cap across providers (上限額管理) ----------------------------------------------------------
def _hold(lines: list[ClaimLineResult], code: str) -> None:
    for line in lines:
        if code not in line.holds:
            line.holds.append(code)


def cap_management_addon(line: ClaimLineResult, *, book: FeeBook, month: date) -> None:
    """利用者負担上限額管理加算 on ``line`` (once a month), with its units from the revision in force; no units
    loaded: the line is held (``ADDON_RATE_MISSING``), never guessed.  The line is finished again (staff-pay
    add-ons, codes, yen)."""
    try:
        rate = book.addon_on(kind=AddOnKind.COPAY_CAP_MANAGEMENT, day=month)
    except BillingConfigurationError:
        _hold([line], BillingError.ADDON_RATE_MISSING)
        line.held_addons.append({"kind": AddOnKind.COPAY_CAP_MANAGEMENT.value, "count": 1, "dates": []})
        return
    line.addons.append(AddOnLine(kind=AddOnKind.COPAY_CAP_MANAGEMENT, count=1, units_each=rate.units))
    line.finish(book, month)


def cap_management_settle(
    own: list[ClaimLineResult], *, cap: int, month: date, certificates: list[Certificate],
    entry: CopayCapManagement | None, book: FeeBook, office: Office,
) -> tuple[int, dict]:
    """The most our lines of the person may collect in ``month`` after the 上限額管理, and what it rests on
    (stored in each line's explanation).  Who manages comes from the month's certificates
    (``regulations.rules.month_cap_manager``); nobody: the cap itself.

    * Another office: its result as entered (``entry``): we collect the amount it leaves to us.  Not entered:
      the lines are held (``CAP_MANAGEMENT_MISSING``); an amount above our own co-payment under the cap is held
      too (``CAP_AMOUNT_OVER_OURS``: the result does not fit our month).
    * This office: the other providers' figures as entered; none entered (the person used only us): the cap.
      With other providers the management applies: 利用者負担上限額管理加算 on the person's first line
      (``cap_management_addon``), then ``regulations.rules.cap_management`` over our co-payment and theirs
      (managing office first) — result 3 with the division entered, else held (``CAP_DIVISION_TO_ENTER``).
      Not entered: held (``CAP_MANAGEMENT_MISSING``)."""
    manager = regulations.month_cap_manager((c.cap_management, c.cap_manager_number) for c in certificates)
    if manager is None:
        _hold(own, BillingError.CAP_MANAGEMENT_CONFLICT)
        return cap, {"managed_by": "conflict", "cap": cap}
    managed_by, number = manager
    if managed_by == regulations.CAP_MANAGEMENT_NONE:
        return cap, {}
    if entry is not None and entry.managed_by != managed_by:
        entry = None  # entered under another setting of the certificate: not this month's management
    explanation: dict = {"managed_by": managed_by, "cap": cap, "applies": True}
    if entry is not None:
        explanation.update(entered_by=str(entry.entered_by), entered_at=entry.entered_at.isoformat())
    if managed_by == regulations.CAP_MANAGEMENT_OTHER_OFFICE:
        named = next(c for c in reversed(certificates) if c.cap_management == managed_by)
        explanation.update(office_number=number, office_name=named.cap_manager_name)
        if entry is None:
            _hold(own, BillingError.CAP_MANAGEMENT_MISSING)
            return cap, explanation
        ours = min(sum(line.copay_raw for line in own), cap)
        explanation.update(result=entry.result, amount=entry.amount, own_copay=ours)
        if entry.amount > ours:
            _hold(own, BillingError.CAP_AMOUNT_OVER_OURS)
            return cap, explanation
        explanation["after"] = entry.amount
        return entry.amount, explanation
    explanation.update(office_number=office.number, office_name=office.name)
    if entry is None:
        _hold(own, BillingError.CAP_MANAGEMENT_MISSING)
        return cap, explanation
    providers = list(entry.providers.all())
    if not providers:  # no other provider this month: nothing to manage
        explanation.update(applies=False, providers=[])
        return cap, explanation
    cap_management_addon(own[0], book=book, month=month)
    ours = sum(line.copay_raw for line in own)
    shares = None
    if entry.own_share is not None and all(p.share_yen is not None for p in providers):
        shares = [entry.own_share, *(p.share_yen for p in providers)]
    result = regulations.cap_management(cap=cap, copays=[ours, *(p.copay_yen for p in providers)], shares=shares)
    collect = result.collect or (None,) * len(result.own)
    explanation.update(
        result=int(result.result), own_copay_before_cap=ours, own_copay=result.own[0], total_yen=sum(
            line.total_yen for line in own), collect=collect[0], share_problem=result.problem,
        prefill=regulations.cap_shares_prefill(cap=cap, own=result.own) if result.result == regulations.CapResult.SHARED
        else None,
        providers=[{"office_number": p.office_number, "office_name": p.office_name, "total_yen": p.total_yen,
                    "copay_yen": p.copay_yen, "own_copay": mine, "share_yen": p.share_yen, "collect": got}
                   for p, mine, got in zip(providers, result.own[1:], collect[1:], strict=True)],
    )
    if result.collect is None:
        _hold(own, BillingError.CAP_DIVISION_TO_ENTER)
        return cap, explanation
    explanation["after"] = result.collect[0]
    return result.collect[0], explanation


# -- the month ----------------------------------------------------------------------------------------------
def billing_month_compute(*, office: Office, month: date) -> MonthClaims:
    """Every claim line of ``office`` for ``month`` (any day of it) — a fixed number of queries
    (``month_inputs_read``)."""
    first, _last = month_bounds(month)
    inputs = month_inputs_read(office=office, month=first)
    book = inputs.book
    tier = retention_tier(office=office, fiscal_year=fiscal_year_of(first), book=book, hire_rows=inputs.tier_hires)

    daily_users: Counter[date] = Counter(inputs.daily_users_before)
    by_client: dict[int, list[dict]] = defaultdict(list)
    for r in inputs.rows:
        by_client[r["client_id"]].append(r)
        if r["status"] in BILLABLE_ATTENDANCE:
            daily_users[r["day"]] += 1
    for pk, meetings in inputs.meetings.items():  # a meeting this month makes a line, as an absence with support
        if meetings[-1][0] >= first:
            by_client.setdefault(pk, [])
    over = over_capacity_of(book=book, month=first, daily_users=dict(daily_users))

    settings = book.settings_on(first)
    clients, certificates, plans = inputs.clients, inputs.certificates, inputs.plans
    warnings: list[str] = []
    lines = [
        transition_claim_line(client=clients[pk], month=first, rows=by_client[pk],
                              certificates=certificates.get(pk, []), plans=plans.get(pk, []), book=book, tier=tier,
                              over=over, use=inputs.use.get(pk), meetings=inputs.meetings.get(pk))
        for pk in sorted(by_client, key=lambda pk: (clients[pk].family_name_kana, clients[pk].given_name_kana, pk))
    ]
    for line in lines:
        if line.days["outside_period_of_use"]:
            warnings.append(_("%(client)s: %(days)s day(s) of attendance outside the period of use are not claimed.")
                            % {"client": line.client, "days": line.days["outside_period_of_use"]})
        if line.days["outside_certificate"]:
            warnings.append(_("%(client)s: %(days)s day(s) of attendance outside any certificate period.")
                            % {"client": line.client, "days": line.days["outside_certificate"]})
        if line.days["over_granted_days"]:
            warnings.append(_("%(client)s: %(days)s day(s) beyond the granted days are not claimed.")
                            % {"client": line.client, "days": line.days["over_granted_days"]})
        if line.days.get("meetings_not_counted"):
            warnings.append(_("%(client)s: %(count)s regional cooperation meeting(s) outside a certificate or the "
                              "period of use are not claimed.")
                            % {"client": line.client, "count": line.days["meetings_not_counted"]})
        for held in line.held_addons:
            warnings.append(_("%(client)s: to confirm (要確認): no units of %(addon)s are loaded for this month; the "
                              "line is held until the fee revision that sets them is loaded.")
                            % {"client": line.client, "addon": AddOnKind(held["kind"]).label})
    support_tier = None
    if settings.runs_retention_support:
        support_lines, support_tier, support_notes = retention_support_lines(
            office=office, month=first, contacts=inputs.contacts, clients=clients,
            certificates=inputs.support_certificates,
            book=book, support_users=inputs.support_users, plans=inputs.support_plans,
        )
        lines.extend(support_lines)
        warnings.extend(text for _pk, text in support_notes)
    else:
        support_notes = []
    copay_settle(month=first, lines=lines, certificates=certificates, support_certificates=inputs.support_certificates,
                 decisions=inputs.cap_decisions, managements=inputs.cap_managements, book=book, office=office)
    held = {line.client.pk: line.client for line in lines if BillingError.COPAY_CAP_TO_CONFIRM in line.holds}
    for client in held.values():
        warnings.append(_("%(client)s: the certificates of this month carry different co-payment caps; confirm "
                              "which one governs the month (the lines are held until then).") % {"client": client})
    managed = {line.client.pk: line.client for line in lines if CAP_MANAGEMENT_HOLDS & set(line.holds)}
    for client in managed.values():
        warnings.append(_("%(client)s: to confirm (要確認): the co-payment cap management across providers "
                          "(上限額管理) of this month is not entered or does not add up; the lines are held until "
                          "then.") % {"client": client})
    claims = MonthClaims(office=office, month=first, lines=lines, tier=tier, over_capacity=over,
                         retention_support=support_tier, warnings=warnings, support_notes=support_notes, inputs=inputs)
    claims.fee_status = month_fee_status(claims)  # each line's values with their revision; 要確認 or not
    return claims

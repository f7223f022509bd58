"""The retention tier of a fiscal year, for both services.

就労移行支援: hires that started in the two previous fiscal years and were retained six months
(``placements.retention``), divided by the sum of the office's capacity in those two years (capacity in
force on 1 April of each; ``OfficeCapacity`` history, else ``Office.capacity``).  Retention is judged as
known at the end of the previous fiscal year.  An office in its first two fiscal years is treated as
"30 % to under 40 %".  A manager's recorded override (the city's notice) wins.

就労定着支援: of everyone who used retention support in the past three fiscal years (a face-to-face contact
in months 7–42 of a hire), the share still employed at the end of the previous fiscal year.  With no past
user the rate is 0 ÷ 0: the rule for an office with no history is not in our sources, so the rate the manager
confirmed from the city's notice (``RetentionSupportNoHistoryRate``) is used, and while it is unset the tier
is *held* (要確認): the month's retention-support lines are not claimed and the month cannot be closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.errors import BillingError
from billing.models import RetentionSupportBasis, RetentionSupportNoHistoryRate, RetentionTierOverride, Service
from billing.services.fees import FeeBook, TierFee, fee_book_load
from billing.services.rounding import rate as exact_rate
from compostela.audit import audited
from compostela.models import Office
from compostela.reasons import is_real_reason
from placements.retention import (
    HireRetention,
    placement_office_retention,
    retained_count,
    retention_support_users,
)
from regulations import rules as regulations
from regulations.rules import fiscal_year_bounds

RETENTION_SUPPORT_LOOKBACK_YEARS = 3

OVERRIDE_NEEDS_REASON = gettext_noop(
    "Give the reason for the override in a few words (for example the city's notice), not a single character "
    "or a number."
)

NO_HISTORY_NEEDS_NOTICE = gettext_noop(
    "Name the city's notice the rate comes from (its title, number or date), not a single character or a number."
)


@dataclass(frozen=True)
class CapacityYear:
    fiscal_year: int
    capacity: int


@dataclass(frozen=True)
class TierPeriod:
    """The tier within one fee schedule that is in force for part (or all) of the fiscal year."""

    starts_on: date
    tier: TierFee


@dataclass
class RetentionTier:
    office: Office
    service: str
    fiscal_year: int
    as_of: date
    window: tuple[int, ...]
    numerator: int
    denominator: int
    computed_rate: Decimal
    new_office: bool
    override: RetentionTierOverride | None
    rate: Decimal
    band: int | None
    periods: list[TierPeriod] = field(default_factory=list)
    hires: list[HireRetention] = field(default_factory=list)  # transition: every hire of the window
    capacities: list[CapacityYear] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)  # retention support: each user and whether employed
    # retention support with no past user (0 ÷ 0): the manager's confirmed rate, or held until it is set
    no_history: bool = False
    held: bool = False

    @property
    def retained(self) -> list[HireRetention]:
        return [h for h in self.hires if h.status == "retained"]

    @property
    def overridden(self) -> bool:
        return self.override is not None and self.override.rate is not None

    def tier_on(self, day: date) -> TierFee | None:
        found = None
        for period in self.periods:
            if period.starts_on <= day:
                found = period.tier
        return found

    def units_on(self, day: date) -> int:
        tier = self.tier_on(day)
        return tier.units if tier else 0


def _periods(*, book: FeeBook, service: str, fiscal_year: int, band: int, rate: Decimal) -> list[TierPeriod]:
    """The tier at the start of the fiscal year and at each schedule revision inside it."""
    start, end = fiscal_year_bounds(fiscal_year)
    days = [start] + [s.valid_from for s in book.schedules.get(service, []) if start < s.valid_from <= end]
    return [TierPeriod(starts_on=d, tier=book.tier_for(service=service, day=d, band=band, rate=rate)) for d in days]


def retention_tier_window(fiscal_year: int) -> tuple[tuple[int, int], date, date, date]:
    """Hires that started in the two previous fiscal years, judged the day before ``fiscal_year`` starts:
    (window years, first start day, last start day, as of)."""
    window = (fiscal_year - 2, fiscal_year - 1)
    fy_start, _end = fiscal_year_bounds(fiscal_year)
    return window, fiscal_year_bounds(window[0])[0], fiscal_year_bounds(window[1])[1], fy_start - timedelta(days=1)


def retention_support_window(fiscal_year: int) -> tuple[date, date]:
    """Contacts of the three previous fiscal years, employment judged on the last day before ``fiscal_year``."""
    first, _ = fiscal_year_bounds(fiscal_year - RETENTION_SUPPORT_LOOKBACK_YEARS)
    return first, fiscal_year_bounds(fiscal_year)[0] - timedelta(days=1)


def retention_tier(*, office: Office, fiscal_year: int, as_of: date | None = None, book: FeeBook | None = None,
                   hire_rows: list[tuple[date, date | None, date | None]] | None = None) -> RetentionTier:
    """The 就労移行支援 tier of ``fiscal_year`` with every hire (person and employer) for the tier page — one
    query for the hires plus the fee book's when not given.  A month's claims pass the window's
    ``hire_rows`` (start, ended on, fixed-term end) they have read already: the count is all they need, and
    ``hires`` is then left empty."""
    book = book or fee_book_load(office=office)
    window, _first, _last, default_as_of = retention_tier_window(fiscal_year)
    as_of = as_of or default_as_of
    fy_start, _end = fiscal_year_bounds(fiscal_year)
    if hire_rows is None:
        retention = placement_office_retention(office=office, fiscal_years=window, as_of=as_of)
        numerator, hires = retention.numerator, retention.hires
    else:
        numerator, hires = retained_count(hire_rows, as_of=as_of), []
    capacities = [CapacityYear(fy, book.capacity_on(fiscal_year_bounds(fy)[0])) for fy in window]
    denominator = sum(c.capacity for c in capacities)
    computed = exact_rate(numerator, denominator)
    figures = book.figures_on(fy_start)
    new_office = regulations.new_office(opened_on=office.opened_on, fiscal_year=fiscal_year, figures=figures)
    override = book.override_of(service=Service.TRANSITION, fiscal_year=fiscal_year)
    if override is not None and override.rate is not None:
        effective = override.rate
    elif new_office:
        effective = figures.new_office_rate  # "30 % to under 40 %": the tier that holds exactly 30 %
    else:
        effective = computed
    band = book.capacity_on(fy_start)
    return RetentionTier(
        office=office, service=Service.TRANSITION, fiscal_year=fiscal_year, as_of=as_of, window=window,
        numerator=numerator, denominator=denominator, computed_rate=computed, new_office=new_office,
        override=override, rate=effective, band=band,
        periods=_periods(book=book, service=Service.TRANSITION, fiscal_year=fiscal_year, band=band, rate=effective),
        hires=hires, capacities=capacities,
    )


def retention_support_tier(*, office: Office, fiscal_year: int, book: FeeBook | None = None,
                           users: list[tuple[int, bool]] | None = None) -> RetentionTier:
    """The 就労定着支援 rate of ``fiscal_year``: people who used retention support in the three previous
    fiscal years, and how many of them were employed at the end of the previous one — two queries (plus the
    fee book when not given; none when the caller passes the ``users`` it has read with
    ``retention_support_users``).  Units depend on the month's number of users, so ``periods`` is left empty
    and the claim looks the tier up with ``FeeBook.tier_for``."""
    book = book or fee_book_load(office=office)
    first, as_of = retention_support_window(fiscal_year)
    rows = users if users is not None else retention_support_users(office=office, first=first, as_of=as_of)
    users = {client_id for client_id, _employed in rows}
    employed = {client_id for client_id, is_employed in rows if is_employed}
    computed = exact_rate(len(employed & users), len(users))
    override = book.override_of(service=Service.RETENTION_SUPPORT, fiscal_year=fiscal_year)
    no_history = not users
    held = False
    if override is not None and override.rate is not None:
        effective = override.rate
    elif no_history and book.no_history_rate is not None:
        effective = book.no_history_rate.rate
    elif no_history:
        effective, held = computed, True  # 0 ÷ 0 and no confirmed rate: 要確認, never 0 % silently
    else:
        effective = computed
    return RetentionTier(
        office=office, service=Service.RETENTION_SUPPORT, fiscal_year=fiscal_year, as_of=as_of,
        window=tuple(range(fiscal_year - RETENTION_SUPPORT_LOOKBACK_YEARS, fiscal_year)),
        numerator=len(employed & users), denominator=len(users), computed_rate=computed, new_office=False,
        override=override, rate=effective, band=None,
        users=[{"client_id": pk, "employed": pk in employed} for pk in sorted(users)],
        no_history=no_history, held=held,
    )


def employed_share_fee(*, book: FeeBook, day: date, users: int, tier: RetentionTier) -> TierFee:
    """The month's 就労定着支援 fee on the ``employed_share_3y`` basis: the tier holding the fiscal year's rate,
    in the band of the month's number of users."""
    return book.tier_for(service=Service.RETENTION_SUPPORT, day=day, band=users, rate=tier.rate)


@dataclass(frozen=True)
class RetentionSupportFeeBasis:
    """How a revision computes the 就労定着支援 fee: the fiscal year's rate and the month's fee from it.  A
    revision that changes the method names a new basis (``FeeRevision.retention_support_basis``) with its own
    functions here; the earlier ones stay as they are for the months before it."""

    rate: Callable[..., RetentionTier]
    fee: Callable[..., TierFee]


RETENTION_SUPPORT_BASES: dict[str, RetentionSupportFeeBasis] = {
    RetentionSupportBasis.EMPLOYED_SHARE_3Y: RetentionSupportFeeBasis(rate=retention_support_tier,
                                                                      fee=employed_share_fee),
}


def retention_support_tier_choices(*, book: FeeBook, day: date) -> list[tuple[str, str]]:
    """The tiers of the retention-support schedule in force on ``day`` (smallest band), highest first, as
    (a rate the tier holds, its label with its units) — the choices of the no-history rate form."""
    choices = []
    for tier in book.tiers_on(service=Service.RETENTION_SUPPORT, day=day, band=1):
        held_rate = tier.min_rate if tier.min_inclusive else tier.min_rate + Decimal("0.0001")
        choices.append((str(held_rate), _("%(label)s (%(units)s units a month)") % {
            "label": tier.label, "units": tier.units}))
    return choices


@audited(by="by")
@transaction.atomic
def retention_support_no_history_rate_set(*, office: Office, rate: Decimal, notice: str,
                                          by) -> RetentionSupportNoHistoryRate:
    """Record the 就労定着支援 rate the manager confirmed from the city's notice for an office with no
    retention-support history (one row per office, changed in place; the trail keeps every version)."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    if not is_real_reason(notice):
        raise ValidationError(_(NO_HISTORY_NEEDS_NOTICE), code=BillingError.NO_HISTORY_BASIS_NEEDS_NOTICE)
    row = RetentionSupportNoHistoryRate.objects.select_for_update().filter(office=office).first()
    row = row or RetentionSupportNoHistoryRate(office=office)
    row.rate, row.notice, row.confirmed_by, row.confirmed_at = rate, notice.strip(), by, timezone.now()
    row.full_clean()
    row.save()
    return row


@audited(by="by")
@transaction.atomic
def retention_tier_override(*, office: Office, fiscal_year: int, rate: Decimal | None, reason: str, by,
                            service: str = Service.TRANSITION) -> RetentionTierOverride:
    """Record a manager's override of a fiscal year's rate (``rate=None`` returns to the computed one)."""
    from django.core.exceptions import ValidationError

    if not is_real_reason(reason):
        raise ValidationError(_(OVERRIDE_NEEDS_REASON), code=BillingError.OVERRIDE_NEEDS_REASON)
    override = RetentionTierOverride(office=office, service=service, fiscal_year=fiscal_year, rate=rate,
                                     reason=reason.strip(), created_by=by)
    override.full_clean()
    override.save()
    return override

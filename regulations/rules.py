"""The rules of the regulations, each written once: pure functions over plain values.

No models, no queries, no other project app: attendance, the case review and billing all call these with
plain values (``capacity``, ``users``, ``day``) and, for every figure that a revision may change, the
``Figures`` in force (``regulations.selectors.figures_on``).  Figures that do not change with a revision
of the fee rules (days in the month − 8, the capacity bands of the over-capacity rule, the six-month day,
months 7–42 of retention support, the April–March fiscal year) are the constants below.

Where this module and the copies it replaces disagreed, billing (``billing/services/claims.py``) was the
reference, and ``shared/domain.md`` wins over both.

* months: ``month_start`` / ``month_end`` / ``days_in_month`` / ``month_bounds`` / ``add_months`` /
  ``months_ending_with`` / ``rolling_window``
* granted days (支給量): ``standard_granted_days`` / ``granted_days``
* certificates: ``certificate_on`` (a day) / ``certificate_for_month`` (the line's certificate number) /
  ``latest_certificate_in_month``; a certificate that changes mid-month: ``certificate_days`` (each one's own
  days and granted days) / ``granted_days_to_confirm`` / ``copay_cap_to_confirm`` / ``month_copay_cap``
* attendance: ``BILLABLE_STATUSES`` / ``is_billable``
* add-ons counted per occurrence with a monthly and a fiscal-year maximum: ``addon_count``
* over capacity (定員超過利用減算): ``day_over_capacity`` / ``rolling_limit_x100`` / ``rolling_over_capacity``
* missing support plan (個別支援計画未作成減算): ``plan_month`` / ``plan_missing_months`` / ``plan_missing_percent``
* co-payment: ``standard_copay_cap`` / ``copayment_before_cap`` / ``copayment`` / ``copayments_under_one_cap``
* co-payment cap across providers (上限額管理): ``month_cap_manager`` / ``cap_management`` /
  ``cap_shares_prefill`` / ``cap_shares_problem``
* placements: ``six_month_date`` / ``hire_retention`` / ``month_after_start`` / ``followup_phase`` /
  ``retention_support_span`` / ``retention_support_month_billable``
* fiscal years and the fee tier: ``fiscal_year_of`` / ``fiscal_year_bounds`` / ``new_office``
* dated figures: ``Figures`` / ``figures_in_force``

Rounding: only the co-payment rounds here (the fraction below one yen dropped, in integer arithmetic on
non-negative yen, equal to ``billing.services.rounding.yen_percent_floor``).  Percentages applied to units
(half up, step by step) stay in billing's rounding module; no rule here needs them.
"""

from __future__ import annotations

import bisect
import calendar
import enum
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Generic, Protocol, TypeVar

from dateutil.relativedelta import relativedelta

# --- figures that do not change with a fee revision ----------------------------------------------------------
GRANTED_DAYS_OFFSET = 8  # 原則の日数: days in the month − 8
DAY_SMALL_CAPACITY_MAX = 50  # daily rule: up to capacity 50, more than 150 % of capacity is over …
DAY_SMALL_CAPACITY_PERCENT = 150
DAY_LARGE_CAPACITY_PERCENT = 125  # … above 50, more than (capacity − 50) × 125 % + 75
DAY_LARGE_CAPACITY_BASE = 75
ROLLING_MONTHS = 3  # rolling rule: this month and the two before
ROLLING_LARGE_CAPACITY_MIN = 12  # capacity 12 or more: capacity × 125 % a day on average …
ROLLING_LARGE_CAPACITY_PERCENT = 125
ROLLING_SMALL_CAPACITY_EXTRA = 3  # … 11 or less: capacity + 3
SIX_MONTHS = 6  # 就職後6月: the day a hire reaches six months
RETENTION_SUPPORT_FIRST_MONTH = 7  # 就労定着支援 runs from month 7 …
RETENTION_SUPPORT_LAST_MONTH = 42  # … to the end of year 3½
FISCAL_YEAR_FIRST_MONTH = 4  # fiscal years run April–March

# The income categories of the co-payment cap (the values of ``clients.models.IncomeCategory``).
INCOME_CATEGORIES = ("welfare", "low_income", "general_1", "general_2")

# 通所 and 施設外支援 count against the granted days and are paid; absences are not.
BILLABLE_STATUSES = ("attended", "offsite")


# --- errors ------------------------------------------------------------------------------------------------
class RuleErrorCode(enum.StrEnum):
    CAPACITY_NOT_POSITIVE = "capacity_not_positive"
    USERS_NEGATIVE = "users_negative"
    YEN_NEGATIVE = "yen_negative"
    MONTHS_NEGATIVE = "months_negative"
    UNKNOWN_INCOME_CATEGORY = "unknown_income_category"
    COPAY_CAPS_INCOMPLETE = "copay_caps_incomplete"
    COUNT_NEGATIVE = "count_negative"


MSG_CAPACITY_NOT_POSITIVE = "Capacity must be 1 or more (got {capacity})."
MSG_USERS_NEGATIVE = "A number of users cannot be negative (got {users})."
MSG_YEN_NEGATIVE = "An amount of yen cannot be negative (got {yen})."
MSG_MONTHS_NEGATIVE = "A number of months cannot be negative (got {months})."
MSG_UNKNOWN_INCOME_CATEGORY = "Unknown income category {category!r}; expected one of {known}."
MSG_COPAY_CAPS_INCOMPLETE = "The co-payment caps must name exactly the income categories {known} (got {got})."
MSG_COUNT_NEGATIVE = "A number of occurrences cannot be negative (got {count})."


class RuleError(ValueError):
    """A rule was given a value outside its domain (a programming or data error, not a user's refusal)."""

    def __init__(self, message: str, *, code: RuleErrorCode) -> None:
        super().__init__(message)
        self.code = code


def _check_capacity(capacity: int) -> None:
    if capacity < 1:
        raise RuleError(MSG_CAPACITY_NOT_POSITIVE.format(capacity=capacity), code=RuleErrorCode.CAPACITY_NOT_POSITIVE)


def _check_users(users: int) -> None:
    if users < 0:
        raise RuleError(MSG_USERS_NEGATIVE.format(users=users), code=RuleErrorCode.USERS_NEGATIVE)


# --- dated figures -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figures:
    """The figures of one revision, in force from ``valid_from`` (a ``regulations.RegulatoryFigures`` row as
    plain values).  ``to_verify``: not yet checked against the ministry's notice — say so where it is used."""

    valid_from: date
    copay_percent: int  # 利用者負担: 10 % of the month's total …
    copay_caps: Mapping[str, int] = field(hash=False)  # … at most the cap of the income category (yen a month)
    over_capacity_percent: int  # 定員超過利用減算: basic units × 70 %
    plan_missing_early_percent: int  # 個別支援計画未作成減算: × 70 % in the first months …
    plan_missing_later_percent: int  # … × 50 % from the month after them on
    plan_missing_early_months: int  # how many months are "the first months" (2)
    new_office_rate: Decimal  # a new office's tier is the one holding this retention rate (0.3: "30 % to 40 %")
    new_office_fiscal_years: int  # … in its first fiscal years (2)
    support_report_required: bool  # 就労定着支援: a month needs a support report shared with the person
    # モニタリング of the support plan at least every … months, by service (certificate service values):
    # 就労移行支援 3; 就労定着支援 6 (to verify)
    plan_monitoring_months: Mapping[str, int] = field(hash=False)
    to_verify: bool = False

    def __post_init__(self) -> None:
        if set(self.copay_caps) != set(INCOME_CATEGORIES):
            raise RuleError(
                MSG_COPAY_CAPS_INCOMPLETE.format(known=INCOME_CATEGORIES, got=tuple(sorted(self.copay_caps))),
                code=RuleErrorCode.COPAY_CAPS_INCOMPLETE,
            )
        object.__setattr__(self, "copay_caps", MappingProxyType(dict(self.copay_caps)))
        object.__setattr__(self, "plan_monitoring_months", MappingProxyType(dict(self.plan_monitoring_months)))


def figures_in_force(history: Sequence[Figures], day: date) -> Figures | None:
    """Of ``history`` (ascending by ``valid_from``), the figures with the latest ``valid_from`` on or before
    ``day``; ``None`` before the first."""
    index = bisect.bisect_right([f.valid_from for f in history], day)
    return history[index - 1] if index else None


# --- months ------------------------------------------------------------------------------------------------
def month_start(day: date) -> date:
    return day.replace(day=1)


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def month_end(day: date) -> date:
    return day.replace(day=days_in_month(day))


def month_bounds(day: date) -> tuple[date, date]:
    """First and last day of the month of ``day``."""
    return month_start(day), month_end(day)


@functools.lru_cache(maxsize=4096)
def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (negative: back), clipped to the last day of a shorter
    month (1/31 + 1 → 2/28) — ``relativedelta``'s reading.  Remembered: the billing of a month and the case
    review ask the same few dates hundreds of times."""
    return day + relativedelta(months=months)


@functools.lru_cache(maxsize=1024)
def months_ending_with(month: date, count: int) -> tuple[tuple[date, date], ...]:
    """Bounds of ``count`` months: the month of ``month`` first, then going back."""
    first = month_start(month)
    return tuple(month_bounds(add_months(first, -back)) for back in range(count))


def rolling_window(month: date) -> tuple[date, date]:
    """First and last day of the three months of the rolling over-capacity rule (this month and the two
    before): the days whose users ``rolling_over_capacity`` is given."""
    months = months_ending_with(month, ROLLING_MONTHS)
    return months[-1][0], months[0][1]


# --- municipality numbers (市町村番号) ------------------------------------------------------------------------
MUNICIPALITY_CHECK_WEIGHTS = (6, 5, 4, 3, 2)  # JIS X 0402: the five digits' weights, modulus 11


def municipality_check_digit(first_five: str) -> str:
    """The check digit (検査数字) of a municipality code's five digits (全国地方公共団体コード, JIS X 0402): the digits
    weighted 6, 5, 4, 3, 2, their sum's remainder by 11 taken from 11, the last digit of that (札幌市 01100 → 2)."""
    total = sum(int(d) * w for d, w in zip(first_five, MUNICIPALITY_CHECK_WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def municipality_number_valid(number: str) -> bool:
    """Whether ``number`` is six digits whose last is the check digit of the five before it (the 市町村番号 printed
    on a recipient certificate)."""
    return (len(number) == 6 and number.isascii() and number.isdigit()
            and municipality_check_digit(number[:5]) == number[5])


# --- granted days (支給量) ----------------------------------------------------------------------------------
def standard_granted_days(month: date) -> int:
    """原則の日数: days in the month − 8 (22 or 23; 20 or 21 in February)."""
    return days_in_month(month) - GRANTED_DAYS_OFFSET


def granted_days(certificate_granted_days: int | None, month: date) -> int:
    """The granted days of ``month``: the certificate's own figure, else (empty, or no certificate: pass
    ``None``) the standard.  As billing: an empty figure is ``None`` or 0 (the database allows 1–31)."""
    if certificate_granted_days:
        return certificate_granted_days
    return standard_granted_days(month)


# --- certificates ------------------------------------------------------------------------------------------
class Period(Protocol):
    """Anything with a service period: a certificate (受給者証), its plain-value facts, a support plan."""

    @property
    def period_start(self) -> date: ...

    @property
    def period_end(self) -> date: ...


P = TypeVar("P", bound=Period)


def overlaps(period: Period, first: date, last: date) -> bool:
    """Whether ``period`` (both ends inclusive) shares a day with ``first``–``last``."""
    return period.period_start <= last and period.period_end >= first


def certificate_on(certificates: Iterable[P], day: date) -> P | None:
    """The certificate whose service period covers ``day`` (both ends inclusive).  A client's certificates
    of one service never overlap (database constraint); were they to, the first given wins (as billing)."""
    for certificate in certificates:
        if certificate.period_start <= day <= certificate.period_end:
            return certificate
    return None


def latest_certificate_in_month(certificates: Iterable[P], month: date) -> P | None:
    """Of the certificates whose period overlaps the month, the one that starts last (ties: the later given).
    Billing's choice for a 就労定着支援 month (granted days do not matter there)."""
    first, last = month_bounds(month)
    found: P | None = None
    for certificate in certificates:
        if overlaps(certificate, first, last) and (found is None or certificate.period_start >= found.period_start):
            found = certificate
    return found


def certificate_for_month(certificates: Sequence[P], month: date, billable_days: Iterable[date]) -> P | None:
    """The one certificate that stands for a month: the one covering the month's last billable day that some
    certificate covers; with no such day, the one covering the month's last day; else the latest that
    overlaps the month (``latest_certificate_in_month``).

    ``billable_days``: the client's days of the month with a billable status (any order).

    Billing prints its number on the transition line; the line's granted days and co-payment cap no longer
    come from it when a certificate changes mid-month — each certificate applies to its own days
    (``certificate_days``) and the month's cap is confirmed by the manager (``month_copay_cap``).  The roster
    and the case review still show one month's granted days from it.
    """
    first, last = month_bounds(month)
    covered = [d for d in billable_days if first <= d <= last and certificate_on(certificates, d) is not None]
    anchor = max(covered) if covered else last
    return certificate_on(certificates, anchor) or latest_certificate_in_month(certificates, month)


# --- a month under more than one certificate (a certificate that changes mid-month) -------------------------
@dataclass(frozen=True)
class CertificateDays(Generic[P]):
    """One certificate's share of a month: its validity within the month, the days it covers (of the days
    given) and, of those, the ones its granted days allow (in day order)."""

    certificate: P
    first: date  # its first valid day in the month
    last: date  # its last valid day in the month
    days: tuple[date, ...]
    granted: int
    counted: tuple[date, ...]

    @property
    def over_granted(self) -> int:
        return len(self.days) - len(self.counted)


def certificate_days(certificates: Iterable[P], month: date, days: Iterable[date]) -> list[CertificateDays[P]]:
    """Each certificate applies to its own days: every one of ``days`` (the client's billable days of the
    month) is the certificate's valid on that day (``certificate_on``), and a certificate's granted days
    (支給量, ``granted_days``) are checked over its own days only.  One entry per certificate overlapping the
    month, in period order, even with no day; a day no certificate covers is in none (never billed).

    Granted days of a part of a month: ``shared/domain.md`` and the seeds say nothing on a certificate that
    covers only part of a month.  The certificate's own monthly figure applies to the days it covers, not
    prorated; when two certificates share the month the explanation marks it to confirm
    (``granted_days_to_confirm``) rather than invent a proration."""
    first, last = month_bounds(month)
    month_certificates = sorted((c for c in certificates if overlaps(c, first, last)),
                                key=lambda c: c.period_start)
    covered: dict[int, list[date]] = {id(c): [] for c in month_certificates}
    for day in sorted(d for d in days if first <= d <= last):
        certificate = certificate_on(month_certificates, day)
        if certificate is not None:
            covered[id(certificate)].append(day)
    parts = []
    for certificate in month_certificates:
        own = tuple(covered[id(certificate)])
        granted = granted_days(certificate.granted_days, month)
        parts.append(CertificateDays(certificate=certificate, first=max(first, certificate.period_start),
                                     last=min(last, certificate.period_end), days=own, granted=granted,
                                     counted=own[:granted]))
    return parts


def granted_days_to_confirm(parts: Sequence[CertificateDays]) -> bool:
    """Are the month's granted days an open question (要確認)?  Yes when more than one certificate covers
    part of the month: each one's monthly figure is applied to its own days (``certificate_days``), which
    the sources neither confirm nor deny."""
    return len(parts) > 1


def copay_cap_to_confirm(caps: Iterable[int]) -> bool:
    """Does the manager have to confirm the month's co-payment cap?  Yes when the person's certificates of
    the month carry different caps (``shared/domain.md``: which cap governs is not in our sources and the
    product never picks silently); the same cap on every one leaves nothing to confirm."""
    return len(set(caps)) > 1


def month_copay_cap(*, caps: Sequence[int], confirmed: int | None) -> int | None:
    """The person's co-payment cap for the month: the one cap of the month's certificates when they agree,
    else the one the manager confirmed (it must be one of them); ``None`` while the cap is still to confirm
    (the person's lines are held).  No certificate: cap 0 (nothing is charged without one)."""
    if not caps:
        return 0
    if not copay_cap_to_confirm(caps):
        return caps[0]
    return confirmed if confirmed in caps else None


# --- attendance --------------------------------------------------------------------------------------------
def is_billable(status: str) -> bool:
    """An attendance status that counts against the granted days and is paid (通所, 施設外支援)."""
    return status in BILLABLE_STATUSES


# --- add-ons counted per occurrence ------------------------------------------------------------------------
class AddOnCap(enum.StrEnum):
    MONTHLY = "monthly"
    YEARLY = "yearly"


@dataclass(frozen=True)
class AddOnCount:
    """How many occurrences of an add-on a month claims: ``count`` of the month's ``occurrences``;
    ``capped_by`` names the maximum that cut it (None: every occurrence counts)."""

    count: int
    occurrences: int
    capped_by: AddOnCap | None = None

    @property
    def capped_from(self) -> int | None:
        return self.occurrences if self.count != self.occurrences else None


def addon_count(*, occurrences: int, monthly_max: int | None, yearly_max: int | None = None,
                earlier_in_year: Sequence[int] = ()) -> AddOnCount:
    """The occurrences of a month that an add-on claims (欠席時対応加算: at most a month; 地域連携会議実施加算: at
    most a month and a fiscal year): at most ``monthly_max`` (None: no limit), and at most what remains of
    ``yearly_max`` (None: no limit) after the earlier months of the same fiscal year (April–March), each of
    which counted its own ``earlier_in_year`` occurrences under the same maxima, month by month."""
    for n in (occurrences, *earlier_in_year):
        if n < 0:
            raise RuleError(MSG_COUNT_NEGATIVE.format(count=n), code=RuleErrorCode.COUNT_NEGATIVE)
    used = 0
    for earlier in earlier_in_year:
        used += _addon_month_count(earlier, monthly_max, None if yearly_max is None else yearly_max - used).count
    return _addon_month_count(occurrences, monthly_max, None if yearly_max is None else yearly_max - used)


def _addon_month_count(occurrences: int, monthly_max: int | None, remaining: int | None) -> AddOnCount:
    count, capped_by = occurrences, None
    if monthly_max is not None and count > monthly_max:
        count, capped_by = monthly_max, AddOnCap.MONTHLY
    if remaining is not None and count > max(remaining, 0):
        count, capped_by = max(remaining, 0), AddOnCap.YEARLY
    return AddOnCount(count=count, occurrences=occurrences, capped_by=capped_by)


# --- over capacity (定員超過利用減算) ------------------------------------------------------------------------
def day_limit_x100(capacity: int) -> int:
    """100 × the most users one day allows (the daily rule): capacity 50 or less, 150 % of capacity;
    capacity 51 or more, (capacity − 50) × 125 % + 75."""
    _check_capacity(capacity)
    if capacity <= DAY_SMALL_CAPACITY_MAX:
        return capacity * DAY_SMALL_CAPACITY_PERCENT
    return (capacity - DAY_SMALL_CAPACITY_MAX) * DAY_LARGE_CAPACITY_PERCENT + DAY_LARGE_CAPACITY_BASE * 100


def day_limit(capacity: int) -> Decimal:
    """The most users one day allows, as shown beside the day's count (30 for 20, 87.5 for 60)."""
    return Decimal(day_limit_x100(capacity)) / 100


def day_over_capacity(*, users: int, capacity: int) -> bool:
    """The daily rule (that day only): capacity 50 or less, more users than 150 % of capacity; capacity 51
    or more, more than (capacity − 50) × 125 % + 75.  Integer arithmetic: capacity 20 allows 30, capacity 51
    allows 76 (76.25), capacity 60 allows 87 (87.5)."""
    _check_users(users)
    return users * 100 > day_limit_x100(capacity)


def rolling_limit_x100(capacity: int) -> int:
    """100 × the users one open day allows in the rolling rule: capacity × 125 % (capacity 12 or more),
    capacity + 3 (11 or less)."""
    _check_capacity(capacity)
    if capacity >= ROLLING_LARGE_CAPACITY_MIN:
        return capacity * ROLLING_LARGE_CAPACITY_PERCENT
    return (capacity + ROLLING_SMALL_CAPACITY_EXTRA) * 100


@dataclass(frozen=True)
class RollingOverCapacity:
    user_days: int  # billable users summed over the open days
    open_days: int  # days with at least one billable user
    limit: Decimal  # the per-day allowance summed over the open days (capacity may change between them)
    over: bool  # the whole month is reduced

    def as_dict(self) -> dict:
        return {"user_days": self.user_days, "open_days": self.open_days, "limit": str(self.limit),
                "over": self.over}


def rolling_over_capacity(*, days: Iterable[tuple[int, int]]) -> RollingOverCapacity:
    """The rolling rule (the whole month): over the three months ending with it (``rolling_window``), the
    user-days exceed the allowance summed over the open days.  ``days``: (users, capacity that day) for each
    day of the window; as billing, an open day is a day with at least one billable user, so days with none
    are left out whatever the caller passes."""
    user_days = open_days = limit_x100 = 0
    for users, capacity in days:
        _check_users(users)
        if users == 0:
            continue
        user_days += users
        open_days += 1
        limit_x100 += rolling_limit_x100(capacity)
    return RollingOverCapacity(user_days=user_days, open_days=open_days, limit=Decimal(limit_x100) / 100,
                               over=user_days * 100 > limit_x100)


# --- missing support plan (個別支援計画未作成減算) ----------------------------------------------------------------
class AgreedPeriod(Period, Protocol):
    """A support plan: its period, the day the client agreed to it (``None``: not agreed) and the days it was
    monitored (モニタリング), any order."""

    @property
    def agreed_on(self) -> date | None: ...

    @property
    def monitored_on(self) -> Sequence[date]: ...


class PlanGap(enum.StrEnum):
    """Why a month in service counts as without a plan (``PlanMonth.gap``)."""

    NONE = "none"  # an agreed plan in force, its monitoring not overdue
    NO_PLAN = "no_plan"  # no plan agreed by the day that counts
    EXPIRED = "expired"  # the agreed plans' periods ended before the day that counts
    MONITORING_LATE = "monitoring_late"  # the plan in force was not monitored in time


@dataclass(frozen=True)
class PlanMonth:
    in_service: bool  # a certificate covers part of the month
    covered: bool  # on the month's last day in service, an agreed plan was in force and monitored in time
    gap: PlanGap = PlanGap.NONE  # why not covered (``NONE`` when covered or out of service)
    plan: AgreedPeriod | None = None  # the plan in force on that day (``None``: no plan, or expired)
    monitoring_due_on: date | None = None  # its monitoring was due on this day (with ``MONITORING_LATE``)
    expired_on: date | None = None  # the last agreed plan's period ended on this day (with ``EXPIRED``)


def plan_monitoring_due_on(plan: AgreedPeriod, *, day: date, monitoring_months: int) -> date:
    """When ``plan``'s next monitoring is due, as seen on ``day``: ``monitoring_months`` after its last
    monitoring on or before ``day``, else after the client agreed to it (else after its period started)."""
    done = [d for d in plan.monitored_on if d <= day]
    base = max(done) if done else (plan.agreed_on or plan.period_start)
    return add_months(base, monitoring_months)


def plan_month(*, month: date, certificates: Iterable[Period], plans: Iterable[AgreedPeriod],
               monitoring_months: int) -> PlanMonth:
    """The facts of one month for the missing-plan rule, the one reading of billing, the pre-close list, the
    case review and the guard on closed months.

    The reduction runs from the month the failure arises to the month before the one it is put right in, so a
    month counts by its state at its end: on the month's last day that a certificate covers (the person's
    last day in service that month), the month is *covered* when a plan agreed on or before that day is in
    force (its period covers the day) and its monitoring — every ``monitoring_months`` (就労移行支援 3, from
    the figures in force) after the agreement or the last monitoring — is not overdue on that day.  A plan
    agreed mid-month covers its month; a monitoring one day late within the month leaves the month covered;
    a plan whose period ended with no agreed successor leaves the month ``EXPIRED``."""
    first, last = month_bounds(month)
    ends = [min(c.period_end, last) for c in certificates if overlaps(c, first, last)]
    if not ends:
        return PlanMonth(in_service=False, covered=False)
    day = max(ends)
    agreed = [p for p in plans if p.agreed_on is not None and p.agreed_on <= day and p.period_start <= day]
    if not agreed:
        return PlanMonth(in_service=True, covered=False, gap=PlanGap.NO_PLAN)
    in_force = [p for p in agreed if p.period_end >= day]
    if not in_force:
        return PlanMonth(in_service=True, covered=False, gap=PlanGap.EXPIRED,
                         expired_on=max(p.period_end for p in agreed))
    plan = max(in_force, key=lambda p: (p.agreed_on, p.period_start))
    due = plan_monitoring_due_on(plan, day=day, monitoring_months=monitoring_months)
    if due < day:
        return PlanMonth(in_service=True, covered=False, gap=PlanGap.MONITORING_LATE, plan=plan,
                         monitoring_due_on=due)
    return PlanMonth(in_service=True, covered=True, plan=plan)


def plan_missing_lookback(figures: Figures) -> int:
    """How many months ending with this one ``plan_missing_months`` needs (3 with two early months)."""
    return figures.plan_missing_early_months + 1


def plan_missing_months(months: Iterable[PlanMonth], *, figures: Figures) -> int:
    """How many months in a row, ending with this month, the client was in service without an agreed plan.
    ``months``: this month first, then going back (``plan_month`` of each of ``months_ending_with(month,
    plan_missing_lookback(figures))``).  Counts at most ``plan_missing_lookback(figures)``: beyond that the
    percentage no longer changes."""
    count = 0
    for facts in months:
        if count >= plan_missing_lookback(figures) or facts.covered or not facts.in_service:
            break
        count += 1
    return count


def plan_missing_percent(months_missing: int, figures: Figures) -> int | None:
    """The percentage of the basic units paid: ``None`` (no reduction) with a plan, the early percentage
    (70 %) in the first months without one, the later one (50 %) from the month after them."""
    if months_missing < 0:
        raise RuleError(MSG_MONTHS_NEGATIVE.format(months=months_missing), code=RuleErrorCode.MONTHS_NEGATIVE)
    if months_missing == 0:
        return None
    if months_missing <= figures.plan_missing_early_months:
        return figures.plan_missing_early_percent
    return figures.plan_missing_later_percent


# --- co-payment (利用者負担) -----------------------------------------------------------------------------------
def standard_copay_cap(income_category: str, figures: Figures) -> int:
    """負担上限月額 of an income category (生活保護 0, low income 0, general 1 9,300, general 2 37,200 yen)."""
    try:
        return figures.copay_caps[income_category]
    except KeyError:
        raise RuleError(MSG_UNKNOWN_INCOME_CATEGORY.format(category=income_category, known=INCOME_CATEGORIES),
                        code=RuleErrorCode.UNKNOWN_INCOME_CATEGORY) from None


def copayment_before_cap(*, total_yen: int, figures: Figures) -> int:
    """The percentage of the month's total (10 %), the fraction below one yen dropped."""
    if total_yen < 0:
        raise RuleError(MSG_YEN_NEGATIVE.format(yen=total_yen), code=RuleErrorCode.YEN_NEGATIVE)
    return total_yen * figures.copay_percent // 100


def copayment(*, total_yen: int, cap: int, figures: Figures) -> int:
    """The client's co-payment for the month: 10 % of the total (fraction dropped), at most ``cap`` (the
    certificate's monthly cap, shared by every service of the person that month)."""
    if cap < 0:
        raise RuleError(MSG_YEN_NEGATIVE.format(yen=cap), code=RuleErrorCode.YEN_NEGATIVE)
    return min(copayment_before_cap(total_yen=total_yen, figures=figures), cap)


def copayments_under_one_cap(*, totals: Sequence[int], cap: int, figures: Figures) -> list[int]:
    """The co-payments of one person's lines of the month (``totals``: each line's total yen, in the order
    they are charged — transition first): each line's 10 % (``copayment_before_cap``), the person's one
    monthly cap shared by every line (a transition and a retention-support line share one cap): each line is
    ``copayment`` under what the lines before it left of the cap."""
    left, out = cap, []
    for total in totals:
        share = copayment(total_yen=total, cap=left, figures=figures)
        out.append(share)
        left -= share
    return out


# --- the co-payment cap across providers (上限額管理) -------------------------------------------------------
CAP_MANAGEMENT_NONE = "none"  # the values of ``clients.models.CapManagement``
CAP_MANAGEMENT_THIS_OFFICE = "this_office"
CAP_MANAGEMENT_OTHER_OFFICE = "other_office"


def month_cap_manager(managers: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """Who manages the person's cap in a month, from the month's certificates (each ``(management, office
    number)``): the one setting they name besides "none" (``("none", "")`` when none names one); ``None`` when
    they name different ones — which governs is not in our sources, so the month is to confirm."""
    named = {(m, n if m == CAP_MANAGEMENT_OTHER_OFFICE else "") for m, n in managers if m != CAP_MANAGEMENT_NONE}
    if not named:
        return (CAP_MANAGEMENT_NONE, "")
    return named.pop() if len(named) == 1 else None


class CapResult(enum.IntEnum):
    """管理結果 of the 上限額管理結果票 (``shared/domain.md``)."""

    MANAGER_ALONE = 1  # the managing office alone reaches the cap: the others collect nothing
    UNDER_CAP = 2  # the offices' co-payments together stay within the cap: each collects its own
    SHARED = 3  # together they exceed the cap: the cap is divided among the offices


class CapShareProblem(enum.StrEnum):
    COUNT = "count"  # not one share per office
    OVER_OWN = "over_own"  # a share above that office's own co-payment (or negative)
    NOT_CAP = "not_cap"  # the shares do not add up to the cap


@dataclass(frozen=True)
class CapManagement:
    """The result of managing one person's cap for a month.  ``own``: each office's co-payment under the cap
    alone (managing office first); ``collect``: what each office collects after the management, in the same
    order — ``None`` for result 3 while the division is not entered or does not hold (``problem``)."""

    result: CapResult
    cap: int
    own: tuple[int, ...]
    collect: tuple[int, ...] | None
    problem: CapShareProblem | None = None

    @property
    def total(self) -> int:
        return sum(self.own)


def cap_shares_prefill(*, cap: int, own: Sequence[int]) -> list[int]:
    """A division of the cap offered to the manager for result 3, managing office first: each office in order
    takes its own co-payment until the cap is used up.  Only a suggestion — how a shared cap is divided is not in
    our sources, so the manager enters (or confirms) the division (``cap_shares_problem`` checks it)."""
    left, out = cap, []
    for amount in own:
        share = min(amount, left)
        out.append(share)
        left -= share
    return out


def cap_shares_problem(*, cap: int, own: Sequence[int], shares: Sequence[int]) -> CapShareProblem | None:
    """Is ``shares`` a division of ``cap`` among the offices (one each, none above its own co-payment, adding
    up to the cap)?  None when it is."""
    if len(shares) != len(own):
        return CapShareProblem.COUNT
    if any(share < 0 or share > mine for share, mine in zip(shares, own, strict=True)):
        return CapShareProblem.OVER_OWN
    if sum(shares) != cap:
        return CapShareProblem.NOT_CAP
    return None


def cap_management(*, cap: int, copays: Sequence[int], shares: Sequence[int] | None = None) -> CapManagement:
    """The 上限額管理 of one person's month (``shared/domain.md``).  ``copays``: each office's co-payment before
    the cap, the managing office first; each is first held to the cap on its own (an office never charges more).
    Result 1 when the managing office alone reaches the cap (it collects the cap, the others nothing); 2 when
    together they stay within the cap (each collects its own); else 3, the cap shared: ``shares`` is the
    division the manager entered (managing office first), checked by ``cap_shares_problem``."""
    if cap < 0 or any(c < 0 for c in copays):
        raise RuleError(MSG_YEN_NEGATIVE.format(yen=min([cap, *copays])), code=RuleErrorCode.YEN_NEGATIVE)
    own = tuple(min(c, cap) for c in copays)
    if own and own[0] >= cap:
        return CapManagement(CapResult.MANAGER_ALONE, cap, own, (cap, *(0 for _ in own[1:])))
    if sum(own) <= cap:
        return CapManagement(CapResult.UNDER_CAP, cap, own, own)
    if shares is None:
        return CapManagement(CapResult.SHARED, cap, own, None, CapShareProblem.COUNT)
    problem = cap_shares_problem(cap=cap, own=own, shares=shares)
    return CapManagement(CapResult.SHARED, cap, own, None if problem else tuple(shares), problem)


# --- placements: six months, retention, follow-up ----------------------------------------------------------
def six_month_date(start: date) -> date:
    """The day a job started on ``start`` reaches six months (calendar months; 31 Aug → 28/29 Feb)."""
    return add_months(start, SIX_MONTHS)


class Retention(enum.StrEnum):
    RETAINED = "retained"  # still in the job on the six-month day
    SHORT_FIXED_TERM = "short_fixed_term"  # a fixed-term job whose term ran out before six months
    LEFT = "left"  # left the job before the six-month day
    PENDING = "pending"  # still in the job, six-month day not reached yet


def hire_retention(*, start: date, ended_on: date | None, fixed_term_end: date | None, as_of: date) -> Retention:
    """Retention of one hire as known on ``as_of``, read from what happened, not from the contract.

    A person is retained when still in that job on the six-month day (their last working day is on or after
    it), whatever the contract said — a fixed-term contract renewed past six months is retained.  A job that
    ended before the six-month day is a short fixed-term job when it ended at its planned contract end (the
    term ran out), else the person left.  Until the six-month day (or a recorded end) comes, it is pending."""
    six = six_month_date(start)
    if ended_on is not None and ended_on < six:
        if ended_on > as_of:
            return Retention.PENDING
        if fixed_term_end is not None and fixed_term_end < six and ended_on >= fixed_term_end:
            return Retention.SHORT_FIXED_TERM
        return Retention.LEFT
    return Retention.RETAINED if as_of >= six else Retention.PENDING


class FollowUpPhase(enum.StrEnum):
    UNPAID = "unpaid"  # months 1–6: owed by the transition service, not paid
    RETENTION_SUPPORT = "retention_support"  # months 7–42: 就労定着支援, paid monthly
    AFTER = "after"  # beyond year 3½


def month_after_start(start: date, day: date) -> int:
    """1 for the first month after the start (start ≤ day < start + 1 month), 2 for the next, …"""
    delta = relativedelta(day, start)
    return delta.years * 12 + delta.months + 1


def retention_support_span(start: date) -> tuple[date, date]:
    """The 就労定着支援 phase of a job started on ``start``: its first day (the six-month day) and the day
    after its last day (start + 42 months)."""
    return six_month_date(start), add_months(start, RETENTION_SUPPORT_LAST_MONTH)


def followup_phase(*, start: date, day: date) -> FollowUpPhase:
    """Which service a follow-up contact on ``day`` belongs to, for a job started on ``start``."""
    first, after_last = retention_support_span(start)
    if day < first:
        return FollowUpPhase.UNPAID
    if day < after_last:
        return FollowUpPhase.RETENTION_SUPPORT
    return FollowUpPhase.AFTER


def retention_support_month_billable(*, face_to_face: int, support_reports: int, figures: Figures) -> bool:
    """A month of 就労定着支援 is billable with at least one face-to-face contact with the person and, when
    ``figures`` (those in force on the month's first day) require it, a support report shared that month."""
    if face_to_face < 1:
        return False
    return support_reports >= 1 or not figures.support_report_required


# --- fiscal years and the new office -----------------------------------------------------------------------
def fiscal_year_of(day: date) -> int:
    """Fiscal year 2024 runs 2024-04-01 … 2025-03-31."""
    return day.year if day.month >= FISCAL_YEAR_FIRST_MONTH else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    first = date(fiscal_year, FISCAL_YEAR_FIRST_MONTH, 1)
    return first, date(fiscal_year + 1, FISCAL_YEAR_FIRST_MONTH, 1) - timedelta(days=1)


def new_office(*, opened_on: date, fiscal_year: int, figures: Figures) -> bool:
    """In its first fiscal years (2: the one it opened in and the next) an office's transition tier is the
    one holding ``figures.new_office_rate`` ("30 % to under 40 %")."""
    return fiscal_year - fiscal_year_of(opened_on) < figures.new_office_fiscal_years

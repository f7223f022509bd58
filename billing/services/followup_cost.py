"""The uncompensated follow-up cost: after a hire the office owes six months of follow-up that no fee
pays for (``placements.rules.followup_phase`` UNPAID), while the daily fee stopped with the hire.

Per hire: the attendance days before it (since the client's previous hire, so a returning client's
earlier days are not counted twice), the fees those days earned — from the stored claims of closed
months when every billable day of that month's line lies before the hire ("claims"), otherwise days ×
the daily yen of the tier (units × yen per unit, floored per month; "estimate") — the follow-up contacts
and minutes of the first six months, their cost (contacts × cost per contact, or minutes × hourly staff
cost ÷ 60 rounded half up; office setting in force on the hire's start), net = fees − cost and net per
day (half away from zero).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum

from attendance.models import BILLABLE_ATTENDANCE, Attendance
from billing.models import ClaimLine, FollowUpCostMethod, MonthClosing, Service
from billing.services.fees import FeeBook, fee_book_load
from billing.services.rounding import divide_half_away_from_zero, rate, round_half_up, units_to_yen
from billing.services.tier import RetentionTier, retention_tier
from compostela.models import Office
from placements.models import FollowUpContact, Hire
from regulations.rules import FollowUpPhase, fiscal_year_of, followup_phase

SOURCE_CLAIMS = "claims"
SOURCE_ESTIMATE = "estimate"
SOURCE_MIXED = "mixed"
SOURCE_NONE = "none"

# Days before the hire, bucketed around the seed table's rows (30, 50, 100, 250, 500 days).
BUCKET_UPPER_BOUNDS = (30, 50, 100, 250, 500, None)


# -- what-if --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WhatIfRow:
    days: int
    fee: int
    followups: int
    cost: int
    net: int
    net_per_day: int


def followup_what_if(*, yen_per_day: int, followups: int, cost_per_followup: int, days: list[int]) -> list[WhatIfRow]:
    """The seed's table: fee = yen a day × days, cost = follow-ups × cost each, net and net per day."""
    rows = []
    for d in days:
        if d <= 0:
            raise ValueError("days must be positive")
        fee = yen_per_day * d
        cost = followups * cost_per_followup
        rows.append(WhatIfRow(days=d, fee=fee, followups=followups, cost=cost, net=fee - cost,
                              net_per_day=divide_half_away_from_zero(fee - cost, d)))
    return rows


# -- real data ------------------------------------------------------------------------------------------------
@dataclass
class HireCost:
    hire: Hire
    days_before: int
    fees: int
    fee_source: str
    months: list[dict]
    contacts: int
    minutes: int
    cost_method: str
    cost: int

    @property
    def net(self) -> int:
        return self.fees - self.cost

    @property
    def net_per_day(self) -> int | None:
        return divide_half_away_from_zero(self.net, self.days_before) if self.days_before else None


@dataclass
class Bucket:
    low: int
    high: int | None
    hires: int = 0
    days: int = 0
    fees: int = 0
    cost: int = 0

    @property
    def net(self) -> int:
        return self.fees - self.cost

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}" if self.high is not None else f"{self.low}+"


@dataclass
class FollowUpCostYear:
    office: Office
    year: int
    hires: list[HireCost]
    buckets: list[Bucket]
    year_fees: int
    year_days: int
    year_months: list[dict] = field(default_factory=list)

    @property
    def total_cost(self) -> int:
        return sum(h.cost for h in self.hires)

    @property
    def hire_fees(self) -> int:
        return sum(h.fees for h in self.hires)

    @property
    def cost_share_of_fees(self) -> Decimal:
        return rate(self.total_cost, self.year_fees)

    @property
    def cost_share_percent(self) -> Decimal:
        return self.cost_share_of_fees * 100

    @property
    def per_day_without_duty(self) -> int | None:
        return divide_half_away_from_zero(self.year_fees, self.year_days) if self.year_days else None

    @property
    def per_day_with_duty(self) -> int | None:
        return divide_half_away_from_zero(self.year_fees - self.total_cost, self.year_days) if self.year_days else None


class _DailyYen:
    """Daily yen estimates by month: the tier's units a day × yen per unit (tiers cached per fiscal year)."""

    def __init__(self, *, office: Office, book: FeeBook):
        self.office, self.book = office, book
        self.tiers: dict[int, RetentionTier] = {}

    def month_yen(self, *, days: list[date]) -> int:
        if not days:
            return 0
        first = days[0].replace(day=1)
        fy = fiscal_year_of(first)
        if fy not in self.tiers:
            self.tiers[fy] = retention_tier(office=self.office, fiscal_year=fy, book=self.book)
        units = sum(self.tiers[fy].units_on(d) for d in days)
        price, _ = self.book.yen_per_unit_on(service=Service.TRANSITION, day=first)
        return units_to_yen(units=units, yen_per_unit=price)


def _cost(*, method: str, contacts: int, minutes: int, cost_per_followup: int, hourly_staff_cost: int) -> int:
    if method == FollowUpCostMethod.PER_MINUTE:
        return round_half_up(Decimal(minutes * hourly_staff_cost) / Decimal(60))
    return contacts * cost_per_followup


def followup_cost_year(*, office: Office, year: int) -> FollowUpCostYear:
    """Every hire of calendar ``year`` with its fees and unpaid follow-up cost, the buckets and the year's
    totals.  A fixed number of queries plus two per fiscal year that needs an estimate."""
    book = fee_book_load(office=office)
    daily = _DailyYen(office=office, book=book)
    hires = list(Hire.objects.filter(office=office, start_date__year=year).select_related("client", "employer")
                 .order_by("start_date", "pk"))
    client_ids = {h.client_id for h in hires}
    starts: dict[int, list[date]] = defaultdict(list)
    for client_id, start in Hire.objects.filter(client_id__in=client_ids).values_list("client_id", "start_date"):
        starts[client_id].append(start)
    latest = max((h.start_date for h in hires), default=date(year, 12, 31))
    attended: dict[int, list[date]] = defaultdict(list)
    for client_id, day in (Attendance.objects.filter(client_id__in=client_ids, day__lt=latest,
                                                     status__in=BILLABLE_ATTENDANCE)
                           .values_list("client_id", "day").order_by("day")):
        attended[client_id].append(day)
    stored: dict[tuple[int, date], dict] = {}
    for client_id, month, total_yen, explanation in (
        ClaimLine.objects.filter(client_id__in=client_ids, service=Service.TRANSITION,
                                 closing__reopened_at__isnull=True)
        .values_list("client_id", "closing__month", "total_yen", "explanation")
    ):
        dates = [date.fromisoformat(d) for g in explanation.get("basic", []) for d in g.get("dates", [])]
        stored[(client_id, month)] = {"total_yen": total_yen, "dates": dates}
    contacts: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for hire_id, day, minutes in FollowUpContact.objects.filter(hire__in=hires).values_list("hire_id", "day",
                                                                                            "minutes"):
        contacts[hire_id].append((day, minutes))

    results = []
    for hire in hires:
        previous = max((s for s in starts[hire.client_id] if s < hire.start_date), default=None)
        days = [d for d in attended[hire.client_id] if d < hire.start_date and (previous is None or d >= previous)]
        by_month: dict[date, list[date]] = defaultdict(list)
        for d in days:
            by_month[d.replace(day=1)].append(d)
        months, fees, sources = [], 0, set()
        for month, month_days in sorted(by_month.items()):
            line = stored.get((hire.client_id, month))
            if line is not None and all(d < hire.start_date and (previous is None or d >= previous)
                                        for d in line["dates"]):
                yen, source = line["total_yen"], SOURCE_CLAIMS
            else:
                yen, source = daily.month_yen(days=month_days), SOURCE_ESTIMATE
            months.append({"month": month.isoformat()[:7], "days": len(month_days), "yen": yen, "source": source})
            fees += yen
            sources.add(source)
        unpaid = [(d, m) for d, m in contacts[hire.pk]
                  if d >= hire.start_date and followup_phase(start=hire.start_date, day=d) == FollowUpPhase.UNPAID]
        settings = book.settings_on(hire.start_date)
        results.append(HireCost(
            hire=hire, days_before=len(days), fees=fees,
            fee_source=(SOURCE_NONE if not sources else sources.pop() if len(sources) == 1 else SOURCE_MIXED),
            months=months, contacts=len(unpaid), minutes=sum(m for _, m in unpaid),
            cost_method=settings.followup_cost_method,
            cost=_cost(method=settings.followup_cost_method, contacts=len(unpaid), minutes=sum(m for _, m in unpaid),
                       cost_per_followup=settings.cost_per_followup, hourly_staff_cost=settings.hourly_staff_cost),
        ))

    buckets = []
    low = 0
    for high in BUCKET_UPPER_BOUNDS:
        buckets.append(Bucket(low=low, high=high))
        low = (high or 0) + 1
    for result in results:
        bucket = next(b for b in buckets if b.high is None or result.days_before <= b.high)
        bucket.hires += 1
        bucket.days += result.days_before
        bucket.fees += result.fees
        bucket.cost += result.cost

    year_fees, year_days, year_months = _year_fees(office=office, year=year, daily=daily)
    return FollowUpCostYear(office=office, year=year, hires=results, buckets=buckets, year_fees=year_fees,
                            year_days=year_days, year_months=year_months)


def _year_fees(*, office: Office, year: int, daily: _DailyYen) -> tuple[int, int, list[dict]]:
    """The office's 就労移行支援 fees of the calendar year: stored claims of closed months, else an estimate
    from the month's billable attendance days."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    closed = dict(
        ClaimLine.objects.filter(closing__office=office, closing__month__range=(first, last),
                                 closing__reopened_at__isnull=True, service=Service.TRANSITION)
        .values("closing__month").annotate(y=Sum("total_yen")).values_list("closing__month", "y")
    )
    closed_months = set(MonthClosing.objects.filter(office=office, month__range=(first, last),
                                                    reopened_at__isnull=True).values_list("month", flat=True))
    per_day: dict[date, list[date]] = defaultdict(list)
    for day, _n in (Attendance.objects.filter(office=office, day__range=(first, last), status__in=BILLABLE_ATTENDANCE)
                    .values("day").annotate(n=Count("id")).values_list("day", "n")):
        per_day[day.replace(day=1)].extend([day] * _n)
    months, total, days = [], 0, 0
    for m in range(1, 13):
        month = date(year, m, 1)
        month_days = per_day.get(month, [])
        if month in closed_months:
            yen, source = closed.get(month, 0), SOURCE_CLAIMS
        else:
            yen, source = daily.month_yen(days=sorted(month_days)), SOURCE_ESTIMATE
        months.append({"month": month.isoformat()[:7], "days": len(month_days), "yen": yen, "source": source})
        total += yen
        days += len(month_days)
    return total, days, months



"""The figures the office lives by: six-month retention, the fee-tier numerator, days of attendance
before each hire and re-use (再利用).  Each selector runs a constant number of queries; the rules come
from ``placements/rules.py``."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from attendance.models import BILLABLE_ATTENDANCE, Attendance
from clients.models import ServicePeriod
from compostela.models import Office
from placements.models import Hire
from placements.retention import OfficeRetention, placement_office_retention
from regulations.rules import Retention, fiscal_year_of, hire_retention, six_month_date

# --- Six-month retention per fiscal year ------------------------------------------------------------------


@dataclass
class RetentionYear:
    fiscal_year: int
    hires: int = 0
    retained: int = 0
    short_fixed_term: int = 0
    left: int = 0
    pending: int = 0

    @property
    def decided(self) -> int:
        """Hires whose six-month outcome is known."""
        return self.hires - self.pending

    def share(self, count: int) -> float | None:
        return count / self.hires if self.hires else None

    @property
    def retained_share(self) -> float | None:
        return self.share(self.retained)

    @property
    def short_fixed_term_share(self) -> float | None:
        return self.share(self.short_fixed_term)

    @property
    def left_share(self) -> float | None:
        return self.share(self.left)


def placement_retention_figures(*, office: Office, as_of: date) -> list[RetentionYear]:
    """Six-month retention of the office's hires per fiscal year of the start, newest first: retained,
    short fixed-term jobs (counted separately, as the office does), left, not yet six months.  One query."""
    years: dict[int, RetentionYear] = {}
    rows = Hire.objects.filter(office=office).values_list("start_date", "ended_on", "fixed_term_end")
    for start, ended_on, fixed_term_end in rows:
        fy = fiscal_year_of(start)
        year = years.setdefault(fy, RetentionYear(fiscal_year=fy))
        year.hires += 1
        status = hire_retention(start=start, ended_on=ended_on, fixed_term_end=fixed_term_end, as_of=as_of)
        setattr(year, status.value, getattr(year, status.value) + 1)
    return [years[fy] for fy in sorted(years, reverse=True)]


def placement_tier_retention(*, office: Office, fiscal_year: int, as_of: date) -> OfficeRetention:
    """The numerator of the 就労移行支援 fee tier for ``fiscal_year``: hires of the two previous fiscal
    years that reached six months, with the list behind it (``placements.retention``)."""
    return placement_office_retention(office=office, fiscal_years=(fiscal_year - 2, fiscal_year - 1), as_of=as_of)


# --- Days of attendance before each hire ------------------------------------------------------------------


@dataclass(frozen=True)
class DaysBeforeHireYear:
    fiscal_year: int
    days: list[int]

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.days) if self.days else None

    @property
    def sd(self) -> float | None:
        """Sample standard deviation (as a spreadsheet's STDEV)."""
        return statistics.stdev(self.days) if len(self.days) > 1 else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    @property
    def within_50_days(self) -> float | None:
        return sum(1 for d in self.days if d <= 50) / len(self.days) if self.days else None


@dataclass(frozen=True)
class DaysBeforeHire:
    hires: list[tuple[Hire, int]]
    years: list[DaysBeforeHireYear]
    overall: DaysBeforeHireYear


def hires_with_attendance_before(queryset):
    """Annotate hires with ``attendance_days``: attended or off-site days of the client from the start of the
    period of use that led to the hire (the latest one that began on or before the start date) up to the
    day before the start."""
    period_start = (
        ServicePeriod.objects.filter(client=OuterRef("client"), started_on__lte=OuterRef("start_date"))
        .order_by("-started_on").values("started_on")[:1]
    )
    days = (
        Attendance.objects.filter(client=OuterRef("client"), status__in=BILLABLE_ATTENDANCE,
                                  day__lt=OuterRef("start_date"), day__gte=OuterRef("period_start"))
        .order_by().values("client").annotate(n=Count("pk")).values("n")
    )
    return queryset.annotate(period_start=Subquery(period_start)).annotate(
        attendance_days=Coalesce(Subquery(days, output_field=IntegerField()), Value(0)))


def placement_days_before_hire(*, office: Office, fiscal_years: tuple[int, ...] | None = None) -> DaysBeforeHire:
    """Days of attendance before each hire, with mean, standard deviation and median per fiscal year of the
    start (the seed office: 88.6 ± 114.20, median 43).  One query."""
    hires = Hire.objects.filter(office=office).select_related("client", "employer").order_by("start_date", "pk")
    rows = [(h, h.attendance_days) for h in hires_with_attendance_before(hires)]
    if fiscal_years:
        rows = [(h, d) for h, d in rows if fiscal_year_of(h.start_date) in fiscal_years]
    per_year: dict[int, list[int]] = defaultdict(list)
    for hire, days in rows:
        per_year[fiscal_year_of(hire.start_date)].append(days)
    return DaysBeforeHire(
        hires=rows,
        years=[DaysBeforeHireYear(fiscal_year=fy, days=per_year[fy]) for fy in sorted(per_year, reverse=True)],
        overall=DaysBeforeHireYear(fiscal_year=0, days=[d for _h, d in rows]),
    )


# --- Re-use (再利用) ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reuse:
    ended_early: list[Hire]  # jobs that ended before six months (short fixed-term jobs included)
    returned: list[Hire]  # … whose person came back to use the service

    @property
    def rate(self) -> float | None:
        return len(self.returned) / len(self.ended_early) if self.ended_early else None


def placement_reuse(*, office: Office, as_of: date, fiscal_years: tuple[int, ...] | None = None) -> Reuse:
    """Of the people whose job ended within six months, how many came back (a new period of use that
    started after the hire) — the seed office: 13 of 25, 52 %.  Two queries."""
    hires = [
        h for h in Hire.objects.filter(office=office, ended_on__isnull=False, ended_on__lte=as_of)
        .select_related("client", "employer").order_by("start_date", "pk")
        if h.ended_on < six_month_date(h.start_date)
        and (not fiscal_years or fiscal_year_of(h.start_date) in fiscal_years)
    ]
    period_starts: dict[int, list[date]] = defaultdict(list)
    for client_id, started_on in ServicePeriod.objects.filter(
        client_id__in={h.client_id for h in hires}
    ).values_list("client_id", "started_on"):
        period_starts[client_id].append(started_on)
    returned = [h for h in hires if any(s > h.start_date for s in period_starts[h.client_id])]
    return Reuse(ended_early=hires, returned=returned)


__all__ = [
    "DaysBeforeHire", "DaysBeforeHireYear", "Retention", "RetentionYear", "Reuse", "hires_with_attendance_before",
    "placement_days_before_hire", "placement_retention_figures", "placement_reuse", "placement_tier_retention",
]

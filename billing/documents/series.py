"""The figures behind the charts (selectors): fees and attendance days per month, hires by days before the
hire, six-month retention per year of hire.  Each is a fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Sum

from attendance.models import BILLABLE_ATTENDANCE, Attendance
from billing.models import ClaimLine, MonthClosing
from billing.services.fees import FeeBook, fee_book_load
from billing.services.followup_cost import _DailyYen  # the one "days × daily yen" estimate, reused on purpose
from compostela.models import Office
from placements.models import Hire
from regulations.rules import Retention, hire_retention

SOURCE_CLAIMS = "claims"
SOURCE_ESTIMATE = "estimate"


@dataclass(frozen=True)
class MonthPoint:
    month: date
    yen: int
    days: int
    source: str  # "claims": the closed month's stored claim; "estimate": days × the tier's daily yen


def billing_monthly_series(*, office: Office, last_month: date, months: int = 12,
                           book: FeeBook | None = None) -> list[MonthPoint]:
    """Fees and billable attendance days of the ``months`` months ending with ``last_month``: a closed
    month shows its stored claim total, an open one the estimate (days × the tier's daily yen; ``book``: the
    office's fee book when the caller has it loaded already, else it is read when an open month needs it)."""
    last = last_month.replace(day=1)
    first = last - relativedelta(months=months - 1)
    end = last + relativedelta(months=1)
    closed = dict(
        ClaimLine.objects.filter(closing__office=office, closing__month__range=(first, last),
                                 closing__reopened_at__isnull=True)
        .values("closing__month").annotate(y=Sum("total_yen")).values_list("closing__month", "y")
    )
    closed_months = set(MonthClosing.objects.filter(office=office, month__range=(first, last),
                                                    reopened_at__isnull=True).values_list("month", flat=True))
    per_day: dict[date, list[date]] = defaultdict(list)
    for day, n in (Attendance.objects.filter(office=office, day__gte=first, day__lt=end,
                                             status__in=BILLABLE_ATTENDANCE)
                   .values("day").annotate(n=Count("id")).values_list("day", "n")):
        per_day[day.replace(day=1)].extend([day] * n)
    daily = None
    points = []
    for i in range(months):
        month = first + relativedelta(months=i)
        days = sorted(per_day.get(month, []))
        if month in closed_months:
            points.append(MonthPoint(month=month, yen=closed.get(month, 0), days=len(days), source=SOURCE_CLAIMS))
            continue
        if days and daily is None:
            daily = _DailyYen(office=office, book=book or fee_book_load(office=office))
        yen = daily.month_yen(days=days) if days else 0
        points.append(MonthPoint(month=month, yen=yen, days=len(days), source=SOURCE_ESTIMATE))
    return points


@dataclass(frozen=True)
class RetentionYear:
    year: int
    hires: int
    retained: int
    left: int
    short_fixed_term: int
    pending: int

    @property
    def judged(self) -> int:
        return self.retained + self.left + self.short_fixed_term

    @property
    def percent(self) -> int | None:
        """Retained at six months, as a whole percent of the hires whose six-month day has passed."""
        if not self.judged:
            return None
        return (self.retained * 200 + self.judged) // (self.judged * 2)  # half up


def placement_retention_by_year(*, office: Office, as_of: date, years: int = 6) -> list[RetentionYear]:
    """Six-month retention of the hires started in each of the last ``years`` calendar years — one query."""
    first_year = as_of.year - years + 1
    counts: dict[int, Counter] = defaultdict(Counter)
    for start, ended_on, fixed_term_end in Hire.objects.filter(
        office=office, start_date__gte=date(first_year, 1, 1), start_date__lte=as_of,
    ).values_list("start_date", "ended_on", "fixed_term_end"):
        status = hire_retention(start=start, ended_on=ended_on, fixed_term_end=fixed_term_end, as_of=as_of)
        counts[start.year][status] += 1
    return [
        RetentionYear(year=y, hires=sum(counts[y].values()), retained=counts[y][Retention.RETAINED],
                      left=counts[y][Retention.LEFT], short_fixed_term=counts[y][Retention.SHORT_FIXED_TERM],
                      pending=counts[y][Retention.PENDING])
        for y in range(first_year, as_of.year + 1)
    ]



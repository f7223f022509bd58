"""Six-month retention of an office's hires — the numerator of the 就労移行支援 fee tier.

Billing divides the numerator by the office's capacity; reports and case review use the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from compostela.models import Office
from placements.models import FollowUpContact, FollowUpKind, Hire
from regulations.rules import Retention, fiscal_year_bounds, hire_retention, retention_support_span


@dataclass(frozen=True)
class HireRetention:
    hire: Hire
    status: Retention


@dataclass(frozen=True)
class OfficeRetention:
    fiscal_years: tuple[int, ...]
    hires: list[HireRetention]

    @property
    def retained(self) -> list[HireRetention]:
        return [h for h in self.hires if h.status == Retention.RETAINED]

    @property
    def numerator(self) -> int:
        return len(self.retained)


def placement_office_retention(*, office: Office, fiscal_years: tuple[int, ...], as_of: date) -> OfficeRetention:
    """Hires of ``office`` that started in ``fiscal_years`` with their six-month retention as known on
    ``as_of`` — one query."""
    first, _ = fiscal_year_bounds(min(fiscal_years))
    _, last = fiscal_year_bounds(max(fiscal_years))
    hires = (
        Hire.objects.filter(office=office, start_date__range=(first, last))
        .select_related("client", "employer")
        .order_by("start_date", "pk")
    )
    return OfficeRetention(
        fiscal_years=tuple(sorted(fiscal_years)),
        hires=[
            HireRetention(
                hire=h,
                status=hire_retention(start=h.start_date, ended_on=h.ended_on, fixed_term_end=h.fixed_term_end,
                                      as_of=as_of),
            )
            for h in hires
        ],
    )


def retained_count(rows, *, as_of: date) -> int:
    """How many of ``(start, ended_on, fixed_term_end)`` were retained six months as known on ``as_of``."""
    return sum(
        1 for start, ended_on, fixed_term_end in rows
        if hire_retention(start=start, ended_on=ended_on, fixed_term_end=fixed_term_end, as_of=as_of)
        == Retention.RETAINED
    )


def retention_support_users(*, office: Office, first: date, as_of: date) -> list[tuple[int, bool]]:
    """``(client id, employed on as_of)`` of everyone who used 就労定着支援 between ``first`` and ``as_of``: a
    face-to-face contact in the 就労定着支援 phase of a job of ``office`` (months 7–42 after its start,
    ``placements.rules.retention_support_span``), and whether they were in any job on ``as_of`` — two queries
    (the contacts, then the users' jobs), sorted by client id."""
    contacts = (
        FollowUpContact.objects.filter(office=office, hire__office=office, kind=FollowUpKind.FACE_TO_FACE,
                                       day__range=(first, as_of))
        .order_by()
        .values_list("hire__client_id", "hire__start_date", "day")
    )
    spans: dict[date, tuple[date, date]] = {}  # the phase worked out once per job start, not per contact
    users: set[int] = set()
    for client_id, start, day in contacts:
        if client_id in users:
            continue
        span = spans.get(start)
        if span is None:
            span = spans[start] = retention_support_span(start)
        if span[0] <= day < span[1]:
            users.add(client_id)
    if not users:
        return []
    employed = set(
        Hire.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=as_of), client_id__in=users,
                            start_date__lte=as_of)
        .order_by().values_list("client_id", flat=True).distinct()
    )
    return [(client_id, client_id in employed) for client_id in sorted(users)]

"""Six-month retention of an office's hires — the numerator of the 就労移行支援 fee tier.

Billing divides the numerator by the office's capacity; reports and case review use the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from compostela.models import Office
from placements.models import Hire
from placements.rules import Retention, fiscal_year_bounds, hire_retention


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

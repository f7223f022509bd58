"""Six-month retention of an office's hires — the numerator of the 就労移行支援 fee tier.

Billing divides the numerator by the office's capacity; reports and case review use the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection

from compostela.models import Office
from placements.models import FollowUpKind, Hire
from placements.rules import (
    RETENTION_SUPPORT_FIRST_MONTH,
    RETENTION_SUPPORT_LAST_MONTH,
    Retention,
    fiscal_year_bounds,
    hire_retention,
)


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


# Everyone who used 就労定着支援 in a period — a face-to-face contact in months 7–42 after a job's start, the
# phase of ``placements.rules.followup_phase`` — and whether they were in a job on ``support_as_of``.
# PostgreSQL's ``date + interval 'n months'`` clamps to the end of a shorter month exactly like
# ``relativedelta(months=n)`` (31 Aug + 6 months = 28/29 Feb; tests/placements/test_retention_support_users.py
# checks the two agree).  Three years of contacts are filtered and made distinct by the database.
RETENTION_SUPPORT_USERS_SQL = """
SELECT DISTINCT h.client_id,
       EXISTS (SELECT 1 FROM placements_hire e
               WHERE e.client_id = h.client_id AND e.start_date <= %(support_as_of)s
                 AND (e.ended_on IS NULL OR e.ended_on >= %(support_as_of)s)) AS employed
FROM placements_followupcontact f
JOIN placements_hire h ON h.id = f.hire_id AND h.office_id = %(office)s
WHERE f.office_id = %(office)s AND f.kind = %(face_to_face)s
  AND f.day BETWEEN %(support_from)s AND %(support_as_of)s
  AND f.day >= (h.start_date + make_interval(months => %(support_month_from)s))::date
  AND f.day < (h.start_date + make_interval(months => %(support_month_to)s))::date
ORDER BY h.client_id
"""


def retention_support_users_params(*, office: Office, first: date, as_of: date) -> dict:
    return {"office": office.pk, "support_from": first, "support_as_of": as_of,
            "face_to_face": FollowUpKind.FACE_TO_FACE.value,
            "support_month_from": RETENTION_SUPPORT_FIRST_MONTH - 1, "support_month_to": RETENTION_SUPPORT_LAST_MONTH}


def retention_support_users(*, office: Office, first: date, as_of: date) -> list[tuple[int, bool]]:
    """``(client id, employed on as_of)`` of everyone who used 就労定着支援 between ``first`` and ``as_of``
    — one query."""
    with connection.cursor() as cursor:
        cursor.execute(RETENTION_SUPPORT_USERS_SQL, retention_support_users_params(office=office, first=first,
                                                                                    as_of=as_of))
        return [(client_id, employed) for client_id, employed in cursor.fetchall()]

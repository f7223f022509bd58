"""The lines claimed again with a later month (月遅れ請求, ``billing.submissions``) in that month's file.

Each re-claimed line is written from its own month's version in force, as that month's file would write it:
its J121 and J611 records carry its own サービス提供年月, and it is counted in a J111 請求書 of its own month and
municipality (サービス提供年月 is a field of J111 01/02, so a month's totals never mix with another's).  The
records join the later month's file (J111, then J121, then J611, each kind in order) and the control record
counts them.  A re-claim whose month is open again, or whose version in force lacks the line, gives no file."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.utils.translation import gettext as _

from attendance.models import Attendance
from billing.claimfile.build import WHERE_CLOSING, Draft, Record, draft_build
from billing.claimfile.check import Problem
from billing.errors import BillingError
from billing.models import ClaimLine, MonthClosing
from billing.submissions.selectors import billing_late_lines
from clients.models import Certificate
from compostela.models import Office
from regulations.rules import month_bounds

KIND_ORDER = ("J111", "J121", "J611")


@dataclass(frozen=True)
class LateTotals:
    """The totals the records of one month's re-claimed lines must add up to (``totals_problems``)."""

    total_units: int
    total_yen: int
    claimed_yen: int
    copayment_yen: int

    @classmethod
    def of(cls, lines: list[ClaimLine]) -> LateTotals:
        return cls(total_units=sum(ln.total_units for ln in lines), total_yen=sum(ln.total_yen for ln in lines),
                   claimed_yen=sum(ln.claimed for ln in lines), copayment_yen=sum(ln.copayment for ln in lines))


@dataclass
class LateDraft:
    closing: MonthClosing  # the version in force of the line's month
    draft: Draft  # the records of its re-claimed lines
    totals: LateTotals


def late_claim_drafts(*, office: Office, month: date, closing: MonthClosing, area_grade_on,
                      processing_month: date) -> tuple[list[LateDraft], list[Problem]]:
    """The records of the lines claimed again with ``month``'s file (``closing``: the version the file is made
    from), one draft per month of service, and the problems of the re-claims that have no line in force."""
    problems = []
    by_closing: dict[int, tuple[MonthClosing, list[ClaimLine]]] = {}
    for late_line in billing_late_lines(office=office, month=month, closing=closing):
        if late_line.line is None:
            what = (_("claimed again with this month, but %(month)s is reopened: close it first")
                    if late_line.month_open else
                    _("claimed again with this month, but the version in force of %(month)s has no line of them"))
            problems.append(Problem(
                client=late_line.late.line.client_name, record="J121 01", field="サービス提供年月",
                what=what % {"month": f"{late_line.late.original_month:%Y-%m}"}, where=WHERE_CLOSING,
                code=BillingError.RECLAIM_MONTH_OPEN if late_line.month_open else BillingError.RECLAIM_NO_LINE))
            continue
        line = late_line.line
        by_closing.setdefault(line.closing_id, (line.closing, []))[1].append(line)
    drafts = []
    for original, lines in by_closing.values():
        first, last = month_bounds(original.month)
        ids = {c.get("id") for ln in lines for c in ln.explanation.get("certificates", [])}
        certificates = Certificate.objects.filter(office=office, pk__in=[i for i in ids if i]).in_bulk()
        rows = Attendance.objects.filter(office=office, day__range=(first, last),
                                         client_id__in={ln.client_id for ln in lines})
        draft = draft_build(closing=original, area_grade=area_grade_on(first), certificates=certificates,
                            attendance={(a.client_id, a.day): a for a in rows}, processing_month=processing_month,
                            lines=lines)
        drafts.append(LateDraft(closing=original, draft=draft, totals=LateTotals.of(lines)))
    drafts.sort(key=lambda d: d.closing.month)
    return drafts, problems


def draft_merge(draft: Draft, late: list[LateDraft]) -> Draft:
    """``draft`` with the records of the re-claimed lines: every J111, then every J121, then every J611 (the
    month's own first in each kind), and the control record counting them all (a month with no line of its
    own has its データ種別 from them)."""
    if not late:
        return draft
    records = [*draft.records, *(r for d in late for r in d.draft.records)]
    records = sorted(records, key=lambda r: KIND_ORDER.index(r.kind[:4]))  # stable: each kind keeps its order
    counted = {**draft.control.values, 4: str(len(records)), 5: records[0].values[1][:3]}  # レコード件数, データ種別
    control = Record(draft.control.kind, counted, client=draft.control.client, where=draft.control.where)
    return replace(draft, records=records, control=control,
                   problems=[*draft.problems, *(p for d in late for p in d.draft.problems)])

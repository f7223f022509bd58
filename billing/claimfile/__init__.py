"""The electronic claim file (国保連 CSV) of a closed month: ``claim_file_build`` reads the closing in force,
builds the records (``billing.claimfile.build``), checks every one against the layout
(``billing.claimfile.check``) and writes CP932 with CRLF — or refuses with every problem listed.

File name (共通編 1.2.1 / 1.7.2: at most 8 half-width letters and digits starting with a letter, + ``.CSV``;
two files of one month never share a name): ``J`` + the service month ``YYMM`` + ``V`` + the closing's version
in two digits — ``J2606V01.CSV`` for June 2026's first closing.  A correction closes a new version, so its
file has a new name.  A file made from EXAMPLE fee data (a demonstration office only) is named
``SAMPLE`` + the version in two digits (``SAMPLE01.CSV``) and is not for submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from attendance.models import Attendance
from billing.claimfile.build import (
    PREP_KINDS,
    WHERE_CLOSING,
    WHERE_CODES,
    WHERE_FEES,
    Draft,
    draft_build,
)
from billing.claimfile.check import Problem, record_problems, totals_problems
from billing.claimfile.encoding import ENCODING, line
from billing.claimfile.late import draft_merge, late_claim_drafts
from billing.errors import BillingError
from billing.models import ClaimLine, MonthClosing, Service
from billing.services.fees import fee_book_load
from clients.models import Certificate
from compostela.models import Office
from regulations.rules import month_bounds

__all__ = ["ClaimFile", "ClaimFileRefused", "Problem", "claim_file_build", "claim_file_name"]

MSG_REFUSED = "No claim file: %(count)d problem(s) to fix first."


@dataclass
class ClaimFile:
    name: str
    content: bytes
    sample: bool  # made from EXAMPLE fee data: not for submission
    closing: MonthClosing
    records: int  # inner records

    @property
    def notice(self) -> str:
        if self.sample:
            return _("SAMPLE made from EXAMPLE fee data (見本): not for submission.")
        return ""


class ClaimFileRefused(ValidationError):
    """The month gives no file: ``problems`` lists every one, each ``ValidationError`` inside carries the code
    of its problem class."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([ValidationError(p.text(), code=p.code) for p in problems])


def claim_file_name(*, closing: MonthClosing, sample: bool) -> str:
    if sample:
        return f"SAMPLE{closing.version:02d}.CSV"
    return f"J{closing.month:%y%m}V{closing.version:02d}.CSV"


def _refuse(problems: list[Problem]) -> None:
    if problems:
        raise ClaimFileRefused(problems)


def _status_problems(*, office: Office, closing: MonthClosing) -> tuple[list[Problem], bool]:
    """The month's fee status: unverified values and missing codes give no file; EXAMPLE data gives a SAMPLE
    file on a demonstration office and no file elsewhere.  Returns (problems, sample)."""
    status = (closing.summary or {}).get("fee_status") or {}
    problems = []
    example = bool(status.get("example"))
    if example and not office.demo:
        problems.append(Problem(client="", record="—", field="—",
                                what=_("the month was computed from EXAMPLE fee data, never for a real office"),
                                where=WHERE_FEES, code=BillingError.CLAIM_FILE_EXAMPLE_DATA))
    if not status.get("verified") and not (example and office.demo):
        problems.append(Problem(client="", record="—", field="—",
                                what=_("the month uses fee values to verify (要確認) or a revision not loaded"),
                                where=WHERE_FEES, code=BillingError.CLAIM_FILE_FEES_UNVERIFIED))
    for item in status.get("service_codes_missing", []):
        problems.append(Problem(client="", record="J121 03", field="サービスコード",
                                what=_("no service code in the revision in force for %(item)s") % {"item": item},
                                where=WHERE_CODES, code=BillingError.CLAIM_FILE_CODE_MISSING))
    return problems, example and office.demo


def _prep_history(*, office: Office, first: date, lines: list) -> tuple[dict[int, int], date | None]:
    """Each client's transition-preparation add-on days in the office's closed months in force before ``first``,
    and the office's first closed month in force — read only when a line of the month has the add-on (two
    queries)."""
    prep_kinds = set(PREP_KINDS)
    clients = {ln.client_id for ln in lines
               if any(a["kind"] in prep_kinds for a in ln.explanation.get("addons", []))}
    if not clients:
        return {}, None
    in_force = MonthClosing.objects.filter(office=office, reopened_at__isnull=True)
    first_closed = in_force.order_by("month").values_list("month", flat=True).first()
    before: dict[int, int] = {}
    earlier = ClaimLine.objects.filter(closing__in=in_force.filter(month__lt=first), client_id__in=clients,
                                       service=Service.TRANSITION).values_list("client_id", "explanation__addons")
    for client_id, addons in earlier:
        before[client_id] = before.get(client_id, 0) + sum(a["count"] for a in addons or []
                                                           if a["kind"] in prep_kinds)
    return before, first_closed


def claim_file_draft(*, office: Office, month: date) -> tuple[Draft, list[Problem], bool]:
    """The records of ``month``'s file and every problem found (none: the file can be written)."""
    first, last = month_bounds(month)
    closing = (MonthClosing.objects.select_related("office")
               .filter(office=office, month=first, reopened_at__isnull=True).first())
    if closing is None:
        _refuse([Problem(client="", record="—", field="—", what=_("the month %(month)s is not closed")
                         % {"month": f"{first:%Y-%m}"}, where=WHERE_CLOSING, code=BillingError.CLAIM_FILE_NOT_CLOSED)])
    problems, sample = _status_problems(office=office, closing=closing)
    lines = list(closing.lines.all())
    ids = {c.get("id") for ln in lines for c in ln.explanation.get("certificates", [])}
    certificates = Certificate.objects.filter(office=office, pk__in=[i for i in ids if i]).in_bulk()
    rows = Attendance.objects.filter(office=office, day__range=(first, last),
                                     client_id__in={ln.client_id for ln in lines})
    attendance = {(a.client_id, a.day): a for a in rows}
    book = fee_book_load(office=office)
    processing = date(first.year + first.month // 12, first.month % 12 + 1, 1)  # sent in the month after
    prep_before, first_closed = _prep_history(office=office, first=first, lines=lines)
    draft = draft_build(closing=closing, area_grade=book.area_grade_on(first), certificates=certificates,
                        attendance=attendance, processing_month=processing, prep_before=prep_before,
                        first_closed=first_closed)
    totals = totals_problems(draft)
    # the lines claimed again with this month (月遅れ請求), each from its own month's version in force
    late, late_problems = late_claim_drafts(office=office, month=first, closing=closing,
                                            area_grade_on=book.area_grade_on, processing_month=processing)
    for each in late:
        problems += _status_problems(office=office, closing=each.closing)[0]
        totals += totals_problems(each.draft, expected=each.totals)
    draft = draft_merge(draft, late)
    problems += late_problems + draft.problems
    for record in [draft.control, *draft.records]:
        problems += record_problems(record)
    problems += totals
    return draft, list(dict.fromkeys(problems)), sample


def claim_file_build(*, office: Office, month: date) -> ClaimFile:
    """The claim file of ``office``'s closed ``month``; ``ClaimFileRefused`` lists every problem otherwise."""
    draft, problems, sample = claim_file_draft(office=office, month=month)
    _refuse(problems)
    out = [line(draft.control.row())]
    for seq, record in enumerate(draft.records, start=2):
        out.append(line(["2", str(seq), *record.row()]))
    out.append(line(["3", str(len(draft.records) + 2)]))
    return ClaimFile(name=claim_file_name(closing=draft.closing, sample=sample),
                     content="".join(out).encode(ENCODING), sample=sample, closing=draft.closing,
                     records=len(draft.records))

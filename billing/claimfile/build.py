"""The electronic claim file (国保連 CSV) of a closed month, written from the closing's snapshot.

Records (layout reference ``shared/claim-file-layout.md``; field numbers are the manual's):

* J111 請求書: one 01 per municipality (市町村番号 of the certificates), each followed by one 02 per service type;
* J121 明細書, per client and municipality (one statement per certificate number and municipality): 01 basic
  information, then per service type 02 (start date and days used), one 03 per service code (units × count),
  04 (totals of the service type) and 05 (contract information);
* J611 サービス提供実績記録票: per statement and service type, 01 (header and monthly totals) and one 02 per day of
  service (就労移行支援: the billed days, from the attendance of those days; 就労定着支援: the days of the
  face-to-face contacts the month's fee rests on).

Every value comes from the snapshot (``ClaimLine``: units, yen, co-payment, the service code of each billed
item, the days) or from the rows that hold what the snapshot lacks (the certificate's municipality number,
decided service code, provider entry number and contract date; the office's prefecture number and control
record municipality number; the area grade of the month; the attendance rows of the billed days for times,
transport, meals and remarks).  Nothing is guessed: a value that is not there stays empty, and the check
(``billing.claimfile.check``) lists it with where to fix it.

Not written yet (the fields stay empty; the check refuses a line that needs them): 上限額管理 (J121 01
fields 15–17), 自治体助成, the absence-with-support days (their サービス提供の状況 code is not in our data), the
transition-preparation add-on (its cumulative days), and the contract amount of 就労定着支援.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from billing.claimfile.codes import (
    BENEFIT_KIND,
    BENEFIT_RATE,
    MEDIUM,
    NO,
    SERVICE_TYPE_CODES,
    area_grade_code,
    yen_per_unit_thousandths,
)
from billing.claimfile.layout import LAYOUTS
from billing.errors import BillingError
from billing.models import AddOnKind, ClaimLine, MonthClosing, Service

BLANK = "ブランク"
TRANSPORT_KINDS = (AddOnKind.TRANSPORT_I, AddOnKind.TRANSPORT_II)

# where each kind of value is fixed (the "where to fix it" of a problem)
WHERE_CERTIFICATE = "受給者証（利用者のページ → 受給者証）"
WHERE_OFFICE = "事業所の設定（管理画面 → 事業所）"
WHERE_CODES = "報酬改定データ（サービスコード表の改定ファイル）"
WHERE_FEES = "報酬の確認（料金ページ）: 要確認の値を確認してから締め直す"
WHERE_CLOSING = "月の締め（請求ページ）"
WHERE_ATTENDANCE = "通所記録（その日の記録）"
WHERE_TO_CONFIRM = "要確認: 電子請求の手引きで確認し、開発チームに連絡"
HEAD_WHERE = {4: WHERE_CERTIFICATE, 5: WHERE_OFFICE, 6: WHERE_CERTIFICATE}  # 市町村番号, 事業所番号, 受給者証番号


@dataclass
class Record:
    """One inner record: its kind (``"J121 03"``), its values by field number, and whom it is about."""

    kind: str
    values: dict[int, str]
    client: str = ""  # the client's name ("" for the office's records)
    where: dict[int, str] = field(default_factory=dict)  # field number → where to fix it (default: by kind)

    def __post_init__(self):
        self.where = {**HEAD_WHERE, **self.where}

    def row(self) -> list[str]:
        """The values in layout order (an outer record's ブランク item is the line end itself)."""
        return [self.values.get(f.number, "") for f in LAYOUTS[self.kind] if f.name != BLANK]


@dataclass
class Statement:
    """One 明細書: a client's lines under one municipality and certificate number."""

    municipality: str
    certificate_number: str
    client: str
    lines: list[ClaimLine]


@dataclass
class Draft:
    """The records of a month's file before the check, with the figures the totals are checked against."""

    closing: MonthClosing
    records: list[Record]
    control: Record
    problems: list = field(default_factory=list)  # ``Problem``s found while building (missing data)


def _n(value: int | None) -> str:
    """A number as the file writes it: half-width digits, no separators, zero as 0."""
    return "" if value is None else str(int(value))


def _ym(day: date) -> str:
    return f"{day:%Y%m}"


def _ymd(day: date | None) -> str:
    return "" if day is None else f"{day:%Y%m%d}"


def _service_days(line: ClaimLine) -> list[date]:
    """The days of service of ``line``: the billed days (就労移行支援) or the face-to-face contact days the
    month's fee rests on (就労定着支援)."""
    exp = line.explanation
    if line.service == Service.RETENTION_SUPPORT:
        return sorted(date.fromisoformat(d) for d in (exp.get("days") or {}).get("face_to_face", []))
    return sorted(date.fromisoformat(d) for g in exp.get("basic", []) for d in g.get("dates", []))


def _addon_count(line: ClaimLine, *kinds: str) -> int:
    return sum(a["count"] for a in line.explanation.get("addons", []) if a["kind"] in kinds)


def _line_certificate(line: ClaimLine, certificates: dict[int, object]):
    """The certificate the line was claimed under: the month's last certificate of the line with the line's
    number (the explanation lists each with its id)."""
    found = None
    for cert in line.explanation.get("certificates", []):
        if cert.get("number") == line.certificate_number and cert.get("id") in certificates:
            found = certificates[cert["id"]]
    return found


def _contract_amount(line: ClaimLine) -> str:
    """契約支給量 (integer part three digits, decimal two: 22 days → 2200) of a 就労移行支援 line: the granted days
    of its certificate in the month as the claim used them.  "" for 就労定着支援 (not stated by our references)."""
    if line.service != Service.TRANSITION:
        return ""
    granted = [c.get("granted_days") for c in line.explanation.get("certificates", [])
               if c.get("number") == line.certificate_number and c.get("granted_days")]
    return _n(granted[-1] * 100) if granted else ""


def draft_build(*, closing: MonthClosing, area_grade: str, certificates: dict[int, object],
                attendance: dict[tuple[int, date], object], processing_month: date,
                lines: list[ClaimLine] | None = None) -> Draft:
    """The records of ``closing``'s file.  ``certificates``: the certificates the lines name, by id;
    ``attendance``: the attendance rows of the billed days by (client id, day); ``processing_month``: the
    処理対象年月 of the control record; ``lines``: only these lines of the closing (the lines claimed again with
    a later month, ``billing.claimfile.late``), None: all of them.  Pure: no query."""
    from billing.claimfile.check import Problem  # the check's problem type (the check imports this module)

    office = closing.office
    month = closing.month
    problems: list[Problem] = []
    lines = sorted(closing.lines.all() if lines is None else lines,
                   key=lambda ln: (ln.client_name, ln.client_id, ln.service))
    area = area_grade_code(area_grade)

    # statements: per municipality and certificate number
    statements: dict[tuple[str, str], Statement] = {}
    line_cert: dict[int, object] = {}
    for line in lines:
        cert = _line_certificate(line, certificates)
        line_cert[line.pk] = cert
        municipality = getattr(cert, "municipality_number", "") or ""
        key = (municipality, line.certificate_number)
        statements.setdefault(key, Statement(municipality, line.certificate_number, line.client_name, []))
        statements[key].lines.append(line)

    common = {3: _ym(month), 5: office.number}
    j111: list[Record] = []
    j121: list[Record] = []
    j611: list[Record] = []
    by_municipality: dict[str, list[Statement]] = defaultdict(list)
    for st in sorted(statements.values(), key=lambda s: (s.municipality, s.certificate_number)):
        by_municipality[st.municipality].append(st)
        head = {**common, 4: st.municipality, 6: st.certificate_number}
        cap = max((ln.explanation.get("copay_cap") or 0 for ln in st.lines), default=0)
        type_capped = {ln.pk: min(cap, ln.explanation.get("copay_raw", 0)) for ln in st.lines}
        j121.append(Record("J121 01", {
            1: "J121", 2: "01", **head, 10: area, 11: NO,
            12: _n(st.lines[0].explanation.get("copay_cap")), 13: NO,
            20: _n(sum(ln.total_units for ln in st.lines)), 21: _n(sum(ln.total_yen for ln in st.lines)),
            22: _n(sum(type_capped.values())), 27: _n(sum(ln.copayment for ln in st.lines)),
            28: _n(sum(ln.claimed for ln in st.lines)),
        }, client=st.client, where={10: WHERE_OFFICE, 12: WHERE_CERTIFICATE}))
        for line in st.lines:
            cert = line_cert[line.pk]
            stype = SERVICE_TYPE_CODES[line.service]
            days = _service_days(line)
            j121.append(Record("J121 02", {
                1: "J121", 2: "02", **head, 7: stype, 8: _ymd(getattr(cert, "contract_start", None)),
                10: _n(len(days)),
            }, client=st.client, where={8: WHERE_CERTIFICATE}))
            per_code: dict[tuple[str, int], list[int]] = {}
            for item in line.explanation.get("codes", []):
                key = (item.get("code", ""), item["units_each"])
                count_units = per_code.setdefault(key, [0, 0])
                count_units[0] += item["count"]
                count_units[1] += item["units"]
                if not item.get("code"):
                    problems.append(Problem(
                        client=st.client, record="J121 03", field="サービスコード",
                        what=_("the revision in force has no service code for %(item)s") % {"item": item["item"]},
                        where=WHERE_CODES, code=BillingError.CLAIM_FILE_CODE_MISSING))
            for (code, units_each), (count, units) in per_code.items():
                j121.append(Record("J121 03", {
                    1: "J121", 2: "03", **head, 7: code, 8: _n(units_each), 9: _n(count), 10: _n(units),
                }, client=st.client, where={7: WHERE_CODES}))
            j121.append(Record("J121 04", {
                1: "J121", 2: "04", **head, 7: stype, 8: "1", 9: _n(len(days)), 10: _n(line.total_units),
                11: yen_per_unit_thousandths(Decimal(line.yen_per_unit)), 12: BENEFIT_RATE,
                13: _n(line.total_yen), 14: _n(line.explanation.get("copay_raw", 0)),
                15: _n(line.explanation.get("copay_raw", 0)), 16: _n(type_capped[line.pk]),
                21: _n(line.copayment), 22: _n(line.claimed),
            }, client=st.client))
            j121.append(Record("J121 05", {
                1: "J121", 2: "05", **head, 7: getattr(cert, "decision_service_code", "") or "",
                8: _contract_amount(line), 9: _ymd(getattr(cert, "contract_start", None)),
                11: _n(getattr(cert, "provider_entry_number", None)),
            }, client=st.client, where={7: WHERE_CERTIFICATE, 8: WHERE_TO_CONFIRM if line.service != Service.TRANSITION
                                        else WHERE_CERTIFICATE, 9: WHERE_CERTIFICATE, 11: WHERE_CERTIFICATE}))
            j611.extend(_record_sheet(line, head=head, days=days, client=st.client, attendance=attendance,
                                      problems=problems))

    for municipality, sts in by_municipality.items():
        mlines = [ln for st in sts for ln in st.lines]
        units = sum(ln.total_units for ln in mlines)
        total = sum(ln.total_yen for ln in mlines)
        claimed = sum(ln.claimed for ln in mlines)
        copay = sum(ln.copayment for ln in mlines)
        j111.append(Record("J111 01", {
            1: "J111", 2: "01", **common, 4: municipality, 6: _n(claimed),
            7: _n(len(sts)), 8: _n(units), 9: _n(total), 10: _n(claimed), 12: _n(copay),
            17: _n(len(sts)), 18: _n(units), 19: _n(total), 20: _n(claimed), 22: _n(copay),
        }, where={4: WHERE_CERTIFICATE}))
        for service in (s for s in Service.values if any(ln.service == s for ln in mlines)):
            slines = [ln for ln in mlines if ln.service == service]
            j111.append(Record("J111 02", {
                1: "J111", 2: "02", **common, 4: municipality, 6: BENEFIT_KIND, 7: SERVICE_TYPE_CODES[service],
                8: _n(len({(ln.client_id, ln.certificate_number) for ln in slines})),
                9: _n(sum(ln.total_units for ln in slines)), 10: _n(sum(ln.total_yen for ln in slines)),
                11: _n(sum(ln.claimed for ln in slines)), 13: _n(sum(ln.copayment for ln in slines)),
            }, where={4: WHERE_CERTIFICATE}))

    records = j111 + j121 + j611
    control = Record("outer_control", {
        1: "1", 2: "1", 3: "1", 4: _n(len(records)), 5: records[0].values[1][:3] if records else "",
        6: office.claim_file_municipality_number, 7: office.number, 8: office.prefecture_number, 9: MEDIUM,
        10: _ym(processing_month),
    }, where={6: WHERE_OFFICE, 8: WHERE_OFFICE})
    return Draft(closing=closing, records=records, control=control, problems=problems)


def _record_sheet(line: ClaimLine, *, head: dict, days: list[date], client: str,
                  attendance: dict[tuple[int, date], object], problems: list) -> list[Record]:
    """J611 01 and one 02 a day of service for ``line``."""
    from billing.claimfile.check import Problem

    forms = sorted({c.get("form_type", "") for c in line.explanation.get("codes", [])})
    form = forms[0] if len(forms) == 1 else ""
    if len(forms) != 1 or not form:
        problems.append(Problem(
            client=client, record="J611 01", field="様式種別番号",
            what=_("the billed items do not share one record sheet form number (%(forms)s)")
            % {"forms": ", ".join(f or "—" for f in forms)},
            where=WHERE_CODES, code=BillingError.CLAIM_FILE_CODE_MISSING))
    transport = _addon_count(line, *TRANSPORT_KINDS)
    meals = _addon_count(line, AddOnKind.MEALS)
    if _addon_count(line, AddOnKind.ABSENCE_SUPPORT):
        problems.append(Problem(
            client=client, record="J611 02", field="サービス提供の状況",
            what=_("days of absence with support need the status code of the record sheet, which our data lacks"),
            where=WHERE_TO_CONFIRM, code=BillingError.CLAIM_FILE_CODE_MISSING))
    if _addon_count(line, AddOnKind.TRANSITION_PREP_I, AddOnKind.TRANSITION_PREP_II):
        problems.append(Problem(
            client=client, record="J611 01", field="施設外支援 累計（日／１８０日）",
            what=_("the cumulative days of the transition-preparation add-on are not recorded"),
            where=WHERE_TO_CONFIRM, code=BillingError.CLAIM_FILE_FIELD_MISSING))
    sheet_head = {**head, 7: form}
    header = {1: "J611", 2: "01", **sheet_head}
    if transport:
        header[34] = _n(transport)
    if meals:
        header[45] = _n(meals)
    out = [Record("J611 01", header, client=client, where={7: WHERE_CODES})]
    for day in days:
        values = {1: "J611", 2: "02", **sheet_head, 9: f"{day.day:02d}"}
        if line.service == Service.RETENTION_SUPPORT:
            values[45] = "1"  # 算定日数: a day of the support the monthly fee rests on
        else:
            row = attendance.get((line.client_id, day))
            if row is not None:
                if row.start_time:
                    values[14] = f"{row.start_time:%H%M}"
                if row.end_time:
                    values[15] = f"{row.end_time:%H%M}"
                if transport and row.transport_to:
                    values[21] = "1"
                if transport and row.transport_from:
                    values[22] = "1"
                if meals and row.meal:
                    values[32] = "1"
                if row.note:
                    values[35] = row.note
        out.append(Record("J611 02", values, client=client, where={14: WHERE_ATTENDANCE, 15: WHERE_ATTENDANCE,
                                                                  35: WHERE_ATTENDANCE}))
    return out

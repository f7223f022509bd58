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

Written from what we hold, where the layout defines it:

* 上限月額調整 (J121 04 field 16, J121 01 field 22): the co-payment each line settled under the person's one cap
  (``ClaimLine.copayment``), so the file equals the snapshot;
* 契約支給量 (J121 05 field 8): the granted days of the certificate — 就労移行支援 as the claim used them (the
  standard amount when the certificate leaves it empty), 就労定着支援 as recorded on its certificate (no
  standard amount: refused when not recorded);
* absence with support (欠席時対応加算): one J611 02 a day counted, with the サービス提供の状況 that the code table
  gives the add-on's item (``ServiceCode.record_status``; refused when the revision has none), counted in the
  サービス利用日数 of J121 04 as the layout says;
* the transition-preparation add-on (移行準備支援体制加算): 施設外支援 1 on its days (J611 02 field 29), the month's
  days and the cumulative days (J611 01 fields 53–54) from the closed months in force of the client
  (``prep_before``); refused when the client's contract began before the office's first closed month (days
  Compostela never recorded).

Not written (left to their own work): 上限額管理 (J121 01 fields 15–17, 26) and 自治体助成.
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
PREP_KINDS = (AddOnKind.TRANSITION_PREP_I, AddOnKind.TRANSITION_PREP_II)

# where each kind of value is fixed (the "where to fix it" of a problem)
WHERE_CERTIFICATE = "受給者証（利用者のページ → 受給者証）"
WHERE_OFFICE = "事業所の設定（管理画面 → 事業所）"
WHERE_CODES = "報酬改定データ（サービスコード表の改定ファイル）"
WHERE_FEES = "報酬の確認（料金ページ）: 要確認の値を確認してから締め直す"
WHERE_CLOSING = "月の締め（請求ページ）"
WHERE_ATTENDANCE = "通所記録（その日の記録）"
WHERE_TO_CONFIRM = "要確認: 電子請求の手引きで確認し、開発チームに連絡"
WHERE_GRANTED = "受給者証の支給量（利用者のページ → 受給者証 → 1か月の支給日数）"
WHERE_PREP_HISTORY = "移行準備支援体制加算の累計日数: Compostela以前の記録なし（要確認: 紙の記録で確認）"
HEAD_WHERE = {4: WHERE_CERTIFICATE, 5: WHERE_OFFICE, 6: WHERE_CERTIFICATE}  # 市町村番号, 事業所番号, 受給者証番号


@dataclass
class Record:
    """One inner record: its kind (``"J121 03"``), its values by field number, and whom it is about."""

    kind: str
    values: dict[int, str]
    client: str = ""  # the client's name ("" for the office's records)
    where: dict[int, str] = field(default_factory=dict)  # field number → where to fix it (default: by kind)
    client_id: int | None = None

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

    @property
    def client_id(self) -> int:
        return self.lines[0].client_id


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


def _contract_amount(line: ClaimLine, cert) -> str:
    """契約支給量 (integer part three digits, decimal two: 22 days → 2200): the granted days of the line's
    certificate — 就労移行支援 as the claim used them in the month (the standard amount when the certificate
    leaves it empty), 就労定着支援 as recorded on its certificate ("" when not recorded: no standard amount)."""
    if line.service == Service.RETENTION_SUPPORT:
        granted = getattr(cert, "granted_days", None)
        return _n(granted * 100) if granted else ""
    granted = [c.get("granted_days") for c in line.explanation.get("certificates", [])
               if c.get("number") == line.certificate_number and c.get("granted_days")]
    return _n(granted[-1] * 100) if granted else ""


def cap_management_fields(lines: list[ClaimLine]) -> dict[int, str]:
    """J121 01 fields 15 (上限額管理事業所 指定事業所番号), 16 (管理結果), 17 (管理結果額) and 26 (上限額管理後
    利用者負担額) of a statement, from the 上限額管理 stored with its lines
    (``billing.services.claims.cap_management_settle``); empty when it does not apply (nobody manages the cap,
    the cap is 0, or this office managed it and the person used no other provider)."""
    management = next((ln.explanation.get("copay_management") or {} for ln in lines), {})
    if not management.get("applies") or management.get("after") is None:
        return {}
    return {15: management["office_number"], 16: _n(management["result"]), 17: _n(management["after"]),
            26: _n(sum(ln.copayment for ln in lines))}


def _absence_days(line: ClaimLine, attendance: dict[tuple[int, date], object]) -> list[date]:
    """The days of absence with support the line counted: the month's absences with support inside the line's
    certificates, the first as many as the add-on's count (its monthly maximum cut the later ones)."""
    from attendance.models import AttendanceStatus

    count = _addon_count(line, AddOnKind.ABSENCE_SUPPORT)
    if not count:
        return []
    spans = [(date.fromisoformat(c["first"]), date.fromisoformat(c["last"]))
             for c in line.explanation.get("certificates", []) if c.get("first") and c.get("last")]
    days = sorted(day for (client_id, day), row in attendance.items()
                  if client_id == line.client_id and row.status == AttendanceStatus.ABSENT_SUPPORTED
                  and any(first <= day <= last for first, last in spans))
    return days[:count]


def draft_build(*, closing: MonthClosing, area_grade: str, certificates: dict[int, object],
                attendance: dict[tuple[int, date], object], processing_month: date,
                prep_before: dict[int, int] | None = None, first_closed: date | None = None,
                lines: list[ClaimLine] | None = None) -> Draft:
    """The records of ``closing``'s file.  ``certificates``: the certificates the lines name, by id;
    ``attendance``: the attendance rows of the month by (client id, day); ``processing_month``: the
    処理対象年月 of the control record; ``prep_before``: each client's transition-preparation add-on days in the
    closed months in force before this one; ``first_closed``: the office's first closed month in force (days
    before it were never recorded here).  Pure: no query."""
    prep_before = prep_before or {}
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
        cap_managed = cap_management_fields(st.lines)
        j121.append(Record("J121 01", {
            1: "J121", 2: "01", **head, 10: area, 11: NO,
            12: _n(st.lines[0].explanation.get("copay_cap")), 13: NO,
            20: _n(sum(ln.total_units for ln in st.lines)), 21: _n(sum(ln.total_yen for ln in st.lines)),
            22: _n(sum(type_capped.values())), 27: _n(sum(ln.copayment for ln in st.lines)),
            28: _n(sum(ln.claimed for ln in st.lines)), **cap_managed,
        }, client=st.client, client_id=st.client_id, where={10: WHERE_OFFICE, 12: WHERE_CERTIFICATE}))
        for line in st.lines:
            cert = line_cert[line.pk]
            stype = SERVICE_TYPE_CODES[line.service]
            days = _service_days(line)
            absences = _absence_days(line, attendance)
            j121.append(Record("J121 02", {
                1: "J121", 2: "02", **head, 7: stype, 8: _ymd(getattr(cert, "contract_start", None)),
                10: _n(len(days)),
            }, client=st.client, client_id=st.client_id, where={8: WHERE_CERTIFICATE}))
            per_code: dict[tuple[str, int], list[int]] = {}
            for item in line.explanation.get("codes", []):
                key = (item.get("code", ""), item["units_each"])
                count_units = per_code.setdefault(key, [0, 0])
                count_units[0] += item["count"]
                count_units[1] += item["units"]
                if not item.get("code"):
                    problems.append(Problem(
                        client=st.client, client_id=st.client_id, record="J121 03", field="サービスコード",
                        what=_("the revision in force has no service code for %(item)s") % {"item": item["item"]},
                        where=WHERE_CODES, code=BillingError.CLAIM_FILE_CODE_MISSING))
            for (code, units_each), (count, units) in per_code.items():
                j121.append(Record("J121 03", {
                    1: "J121", 2: "03", **head, 7: code, 8: _n(units_each), 9: _n(count), 10: _n(units),
                }, client=st.client, client_id=st.client_id, where={7: WHERE_CODES}))
            j121.append(Record("J121 04", {
                1: "J121", 2: "04", **head, 7: stype, 8: "1", 9: _n(len(days) + len(absences)),
                10: _n(line.total_units),
                11: yen_per_unit_thousandths(Decimal(line.yen_per_unit)), 12: BENEFIT_RATE,
                13: _n(line.total_yen), 14: _n(line.explanation.get("copay_raw", 0)),
                15: _n(line.explanation.get("copay_raw", 0)), 16: _n(type_capped[line.pk]),
                21: _n(line.copayment), 22: _n(line.claimed), **({20: _n(line.copayment)} if cap_managed else {}),
            }, client=st.client, client_id=st.client_id))
            j121.append(Record("J121 05", {
                1: "J121", 2: "05", **head, 7: getattr(cert, "decision_service_code", "") or "",
                8: _contract_amount(line, cert), 9: _ymd(getattr(cert, "contract_start", None)),
                11: _n(getattr(cert, "provider_entry_number", None)),
            }, client=st.client, client_id=st.client_id,
                where={7: WHERE_CERTIFICATE, 8: WHERE_GRANTED, 9: WHERE_CERTIFICATE, 11: WHERE_CERTIFICATE}))
            j611.extend(_record_sheet(line, head=head, days=days, absences=absences, client=st.client,
                                      attendance=attendance, prep_before=prep_before, cert=cert,
                                      first_closed=first_closed, problems=problems))

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


def _record_sheet(line: ClaimLine, *, head: dict, days: list[date], absences: list[date], client: str,
                  attendance: dict[tuple[int, date], object], prep_before: dict[int, int], cert,
                  first_closed: date | None, problems: list) -> list[Record]:
    """J611 01 and one 02 a day of service (and a day of absence with support) for ``line``."""
    from billing.claimfile.check import Problem

    forms = sorted({c.get("form_type", "") for c in line.explanation.get("codes", [])})
    form = forms[0] if len(forms) == 1 else ""
    if len(forms) != 1 or not form:
        problems.append(Problem(
            client=client, client_id=line.client_id, record="J611 01", field="様式種別番号",
            what=_("the billed items do not share one record sheet form number (%(forms)s)")
            % {"forms": ", ".join(f or "—" for f in forms)},
            where=WHERE_CODES, code=BillingError.CLAIM_FILE_CODE_MISSING))
    transport = _addon_count(line, *TRANSPORT_KINDS)
    meals = _addon_count(line, AddOnKind.MEALS)
    absence_status = ""
    if absences:
        statuses = {c.get("record_status", "") for c in line.explanation.get("codes", [])
                    if c["item"] == AddOnKind.ABSENCE_SUPPORT}
        absence_status = statuses.pop() if len(statuses) == 1 else ""
        if not absence_status:
            problems.append(Problem(
                client=client, client_id=line.client_id, record="J611 02", field="サービス提供の状況",
                what=_("the code table of the revision in force gives no service status for absence with support"),
                where=WHERE_CODES, code=BillingError.CLAIM_FILE_CODE_MISSING))
    prep = _addon_count(line, *PREP_KINDS)
    contract_start = getattr(cert, "contract_start", None)
    if prep and (first_closed is None or contract_start is None or contract_start < first_closed):
        problems.append(Problem(
            client=client, client_id=line.client_id, record="J611 01", field="施設外支援 累計（日／１８０日）",
            what=_("the contract began before the first month closed in Compostela: the earlier days of the "
                   "transition-preparation add-on are not recorded"),
            where=WHERE_PREP_HISTORY, code=BillingError.CLAIM_FILE_FIELD_MISSING))
    sheet_head = {**head, 7: form}
    header = {1: "J611", 2: "01", **sheet_head}
    if transport:
        header[34] = _n(transport)
    if meals:
        header[45] = _n(meals)
    if prep:
        header[53] = _n(prep)
        header[54] = _n(prep_before.get(line.client_id, 0) + prep)
    out = [Record("J611 01", header, client=client, client_id=line.client_id, where={7: WHERE_CODES})]
    for day in sorted([*days, *absences]):
        values = {1: "J611", 2: "02", **sheet_head, 9: f"{day.day:02d}"}
        if day in absences:
            values[36] = absence_status
            out.append(Record("J611 02", values, client=client, client_id=line.client_id, where={36: WHERE_CODES}))
            continue
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
                if prep:
                    values[29] = "1"  # 施設外支援: 就労移行支援 sets 1 on a day of the transition-preparation add-on
                if row.note:
                    values[35] = row.note
        out.append(Record("J611 02", values, client=client, client_id=line.client_id,
                          where={14: WHERE_ATTENDANCE, 15: WHERE_ATTENDANCE, 35: WHERE_ATTENDANCE}))
    return out

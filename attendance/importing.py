"""Import past attendance from a CSV or XLSX file (``import_attendance --office NUMBER FILE [--partial]``, or the
upload screen), through the one import framework (``compostela.importing``).

Columns (first line = header; English or Japanese names, any order; see README "Importing attendance"):
``certificate_number`` (受給者証番号) or ``client_id`` (利用者ID), ``date`` (日付), ``status`` (状況),
``start`` (開始), ``end`` (終了), ``transport`` (送迎: to/from/both or 往/復/往復), ``meal`` (食事), ``note`` (備考).

A certificate number finds its person whatever the certificate's service (a number belongs to one client of
the office); every line then goes through the same rules as the roster (``attendance_record_day``), which
accept a day only inside a 就労移行支援 (transition) certificate.  All or nothing: when any
line is wrong nothing is imported and every wrong line is reported with its line number; ``--partial``
imports the good lines and reports the others.  Re-importing the same file changes nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from attendance.models import AttendanceStatus
from attendance.services import AttendanceRow, DayRejected, attendance_record_day
from clients.models import Certificate, Client
from compostela.audit import audited
from compostela.importing import Importer, ImportReport, register
from compostela.models import Office, User
from compostela.tabular import Table

COLUMNS = {
    "certificate_number": ["certificate_number", "certificate", "受給者証番号"],
    "client_id": ["client_id", "client", "利用者id", "利用者番号"],
    "date": ["date", "day", "日付", "年月日"],
    "status": ["status", "状況", "サービス提供の状況", "区分"],
    "start": ["start", "start_time", "開始", "開始時間", "開始時刻"],
    "end": ["end", "end_time", "終了", "終了時間", "終了時刻"],
    "transport": ["transport", "送迎"],
    "meal": ["meal", "食事", "食事提供"],
    "note": ["note", "備考"],
}
STATUS_WORDS = {
    **{status.value: status.value for status in AttendanceStatus},
    "通所": AttendanceStatus.ATTENDED,
    "施設外支援": AttendanceStatus.OFFSITE,
    "施設外": AttendanceStatus.OFFSITE,
    "欠席": AttendanceStatus.ABSENT,
    "欠席時対応": AttendanceStatus.ABSENT_SUPPORTED,
}
TRANSPORT_WORDS = {
    "": (False, False),
    "none": (False, False),
    "なし": (False, False),
    "0": (False, False),
    "to": (True, False),
    "往": (True, False),
    "there": (True, False),
    "from": (False, True),
    "復": (False, True),
    "back": (False, True),
    "both": (True, True),
    "往復": (True, True),
    "2": (True, True),
}
YES = {"1", "yes", "y", "true", "○", "◯", "有", "あり", "提供"}
NO = {"", "0", "no", "n", "false", "×", "無", "なし"}

MSG_NO_CLIENT = gettext_noop("Give a certificate number or a client id.")
MSG_UNKNOWN_CERTIFICATE = gettext_noop("No client of this office has the certificate number %(number)s.")
MSG_UNKNOWN_CLIENT_ID = gettext_noop("No client of this office has the id %(id)s.")
MSG_BAD_DATE = gettext_noop("The date %(value)s is not a date (YYYY-MM-DD).")
MSG_BAD_STATUS = gettext_noop(
    "Unknown status %(value)s (attended, offsite, absent, absent_supported or 通所, 施設外支援, 欠席, 欠席時対応)."
)
MSG_BAD_TIME = gettext_noop("The time %(value)s is not a time (HH:MM).")
MSG_BAD_TRANSPORT = gettext_noop("Unknown transport %(value)s (to, from, both or 往, 復, 往復; empty for none).")
MSG_BAD_MEAL = gettext_noop("Unknown meal value %(value)s (1 or 0, yes or no).")
MSG_DUPLICATE = gettext_noop("The same client and date is already on line %(line)d.")


MSG_SUMMARY = gettext_noop(
    "Imported from %(file)s: %(created)d created, %(updated)d updated, %(deleted)d removed, "
    "%(unchanged)d unchanged, %(failed)d lines with errors."
)


@dataclass
class Line:
    number: int
    client_id: int
    day: date
    row: AttendanceRow


def _parse_time(value: str, column: str, problems: list) -> time | None:
    if not value:
        return None
    match = re.fullmatch(r"(\d{1,2})[:：](\d{2})(?::\d{2})?", value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        problems.append((column, _(MSG_BAD_TIME) % {"value": value}))
        return None
    return time(int(match[1]), int(match[2]))


def _parse_date(value: str, problems: list) -> date | None:
    text = value.split(" ")[0].replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        problems.append(("date", _(MSG_BAD_DATE) % {"value": value}))
        return None


def _client_columns(columns: list[str]) -> list[str]:
    return [] if {"certificate_number", "client_id"} & set(columns) else ["certificate_number or client_id"]


def _parse(office: Office, table: Table, report: ImportReport) -> list[Line]:
    rows = list(table)  # a few thousand lines a month: the lookups below want every number first
    report.rows = len(rows)
    numbers = {r.get("certificate_number") for r in rows} - {""}
    by_number = dict(Certificate.objects.filter(office=office, number__in=numbers).values_list("number", "client_id"))
    ids = {int(r["client_id"]) for r in rows if r.get("client_id").isdigit() and len(r["client_id"]) < 10}
    known_ids = set(Client.objects.filter(office=office, pk__in=ids).values_list("pk", flat=True))
    lines, seen = [], {}
    for record in rows:
        number = record.line
        problems: list[tuple[str, str]] = []
        client_id = None
        certificate, raw_id = record.get("certificate_number"), record.get("client_id")
        if certificate:
            client_id = by_number.get(certificate)
            if client_id is None:
                problems.append(("certificate_number", _(MSG_UNKNOWN_CERTIFICATE) % {"number": certificate}))
        elif raw_id:
            client_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 10 and int(raw_id) in known_ids else None
            if client_id is None:
                problems.append(("client_id", _(MSG_UNKNOWN_CLIENT_ID) % {"id": raw_id}))
        else:
            problems.append(("certificate_number", _(MSG_NO_CLIENT)))
        day = _parse_date(record.get("date"), problems)
        status = STATUS_WORDS.get(record.get("status").lower())
        if status is None:
            problems.append(("status", _(MSG_BAD_STATUS) % {"value": record.get("status")}))
        start = _parse_time(record.get("start"), "start", problems)
        end = _parse_time(record.get("end"), "end", problems)
        transport = TRANSPORT_WORDS.get(record.get("transport").lower())
        if transport is None:
            problems.append(("transport", _(MSG_BAD_TRANSPORT) % {"value": record.get("transport")}))
            transport = (False, False)
        meal_text = record.get("meal").lower()
        if meal_text not in YES | NO:
            problems.append(("meal", _(MSG_BAD_MEAL) % {"value": record.get("meal")}))
        if client_id is not None and day is not None:
            if (client_id, day) in seen:
                problems.append(("date", _(MSG_DUPLICATE) % {"line": seen[(client_id, day)]}))
            seen.setdefault((client_id, day), number)
        if problems:
            for column, message in problems:
                report.add(number, column, message)
            continue
        lines.append(
            Line(
                number,
                client_id,
                day,
                AttendanceRow(
                    client_id=client_id,
                    status=status,
                    start_time=start,
                    end_time=end,
                    transport_to=transport[0],
                    transport_from=transport[1],
                    meal=meal_text in YES,
                    note=record.get("note"),
                ),
            )
        )
    return lines


def _write(
    *, office: Office, table: Table, by: User, partial: bool, report: ImportReport, override_reason: str = ""
) -> None:
    lines = _parse(office, table, report)
    by_day: dict[date, list[Line]] = defaultdict(list)
    for line in lines:
        by_day[line.day].append(line)
    for day in sorted(by_day):
        _import_day(office, day, by_day[day], by, override_reason, partial, report)


def _import_day(
    office: Office, day: date, lines: list[Line], by: User, override_reason: str, partial: bool, report: ImportReport
) -> None:
    while lines:
        try:
            summary = attendance_record_day(
                office=office, day=day, rows=[x.row for x in lines], by=by, override_reason=override_reason or None
            )
        except DayRejected as rejected:
            failed = set()
            for line in lines:
                messages = rejected.errors + rejected.row_errors.get(line.client_id, [])
                for message in messages:
                    report.add(line.number, "", message)
                if messages:
                    failed.add(line.number)
            if not partial or not failed:
                return
            lines = [x for x in lines if x.number not in failed]
            continue
        report.created += summary.created
        report.updated += summary.updated
        report.deleted += summary.deleted
        report.unchanged += summary.unchanged
        return


def _summary(report: ImportReport) -> str:
    return _(MSG_SUMMARY) % {
        "file": report.file,
        "created": report.created,
        "updated": report.updated,
        "deleted": report.deleted,
        "unchanged": report.unchanged,
        "failed": len(report.failed_lines),
    }


ATTENDANCE = register(
    Importer(
        key="attendance",
        label=gettext_noop("Attendance"),
        aliases={alias: canonical for canonical, names in COLUMNS.items() for alias in names},
        required=("date", "status"),
        write=_write,
        summary=_summary,
        check_columns=_client_columns,
        columns_help=gettext_noop(
            "One row per client and day: certificate_number (受給者証番号) or client_id, date (日付), status (状況); "
            "optional start, end, transport, meal, note (see README)."
        ),
    )
)


@audited(by="by")
def import_attendance(
    *,
    office: Office,
    path: str | Path,
    by: User,
    partial: bool = False,
    dry_run: bool = False,
    override_reason: str = "",
    name: str | None = None,
) -> ImportReport:
    return ATTENDANCE.run(
        office=office, path=path, by=by, partial=partial, dry_run=dry_run, name=name, override_reason=override_reason
    )

"""Import past attendance from a CSV or XLSX file: ``import_attendance --office NUMBER FILE [--partial]``.

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
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attendance.models import AttendanceStatus
from attendance.services import AttendanceRow, DayRejected, attendance_record_day
from clients.models import Certificate, Client
from compostela.audit import audit_context
from compostela.models import ROLE_RANK, Membership, Office, Role

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
    "通所": AttendanceStatus.ATTENDED, "施設外支援": AttendanceStatus.OFFSITE, "施設外": AttendanceStatus.OFFSITE,
    "欠席": AttendanceStatus.ABSENT, "欠席時対応": AttendanceStatus.ABSENT_SUPPORTED,
}
TRANSPORT_WORDS = {
    "": (False, False), "none": (False, False), "なし": (False, False), "0": (False, False),
    "to": (True, False), "往": (True, False), "there": (True, False),
    "from": (False, True), "復": (False, True), "back": (False, True),
    "both": (True, True), "往復": (True, True), "2": (True, True),
}
YES = {"1", "yes", "y", "true", "○", "◯", "有", "あり", "提供"}
NO = {"", "0", "no", "n", "false", "×", "無", "なし"}

MSG_NO_CLIENT_COLUMN = gettext_lazy("The file needs a certificate_number or a client_id column.")
MSG_MISSING_COLUMNS = gettext_lazy("The file lacks the columns: %(columns)s.")
MSG_NO_CLIENT = gettext_lazy("Give a certificate number or a client id.")
MSG_UNKNOWN_CERTIFICATE = gettext_lazy("No client of this office has the certificate number %(number)s.")
MSG_UNKNOWN_CLIENT_ID = gettext_lazy("No client of this office has the id %(id)s.")
MSG_BAD_DATE = gettext_lazy("The date %(value)s is not a date (YYYY-MM-DD).")
MSG_BAD_STATUS = gettext_lazy(
    "Unknown status %(value)s (attended, offsite, absent, absent_supported or 通所, 施設外支援, 欠席, 欠席時対応)."
)
MSG_BAD_TIME = gettext_lazy("The time %(value)s is not a time (HH:MM).")
MSG_BAD_TRANSPORT = gettext_lazy("Unknown transport %(value)s (to, from, both or 往, 復, 往復; empty for none).")
MSG_BAD_MEAL = gettext_lazy("Unknown meal value %(value)s (1 or 0, yes or no).")
MSG_DUPLICATE = gettext_lazy("The same client and date is already on line %(line)d.")


@dataclass
class Line:
    number: int
    client_id: int
    day: date
    row: AttendanceRow


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    text = str(value).replace("\x00", "").strip()  # PostgreSQL cannot store NUL; it is never meant
    return text[:-2] if re.fullmatch(r"\d+\.0", text) else text  # Excel numbers: 1.0 → 1


def read_table(path: Path) -> list[dict[str, str]]:
    """The file's lines as dicts of canonical column → text (a CSV in UTF-8 or Shift_JIS, or an XLSX)."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    else:
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp932")
    aliases = {alias.lower(): canonical for canonical, names in COLUMNS.items() for alias in names}
    rename = {column: aliases.get(str(column).strip().lower()) for column in frame.columns}
    frame = frame.rename(columns={k: v for k, v in rename.items() if v})
    known = [c for c in COLUMNS if c in frame.columns]
    return [{column: _cell(record[column]) for column in known} for record in frame.to_dict("records")]


def _parse_time(value: str, errors: list[str]) -> time | None:
    if not value:
        return None
    match = re.fullmatch(r"(\d{1,2})[:：](\d{2})(?::\d{2})?", value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        errors.append(str(MSG_BAD_TIME) % {"value": value})
        return None
    return time(int(match[1]), int(match[2]))


def _parse_date(value: str, errors: list[str]) -> date | None:
    text = value.split(" ")[0].replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        errors.append(str(MSG_BAD_DATE) % {"value": value})
        return None


class Command(BaseCommand):
    help = "Import attendance from a CSV or XLSX file into an office (all or nothing unless --partial)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--office", required=True, help="The office number (10 digits).")
        parser.add_argument("--partial", action="store_true", help="Import the good lines and report the others.")
        parser.add_argument("--by", help="Username recorded as the author (default: the office's manager).")
        parser.add_argument("--override-reason", default="",
                            help="Confirm days beyond the granted days with this reason (--by must be a supervisor).")

    def handle(self, *args, file: Path, office: str, partial: bool, by: str | None, override_reason: str, **options):
        try:
            office_obj = Office.objects.get(number=office)
        except Office.DoesNotExist as error:
            raise CommandError(f"No office has the number {office}.") from error
        user = self._author(office_obj, by)
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        table = read_table(file)
        if table and "certificate_number" not in table[0] and "client_id" not in table[0]:
            raise CommandError(str(MSG_NO_CLIENT_COLUMN))
        missing = [c for c in ("date", "status") if table and c not in table[0]]
        if missing:
            raise CommandError(str(MSG_MISSING_COLUMNS) % {"columns": ", ".join(missing)})
        errors: dict[int, list[str]] = defaultdict(list)
        lines = self._parse(office_obj, table, errors)
        totals = defaultdict(int)
        with audit_context(user=user, reason=f"command: import_attendance {file.name}"), transaction.atomic():
            for day in sorted({line.day for line in lines}):
                self._import_day(office_obj, day, [x for x in lines if x.day == day], user, override_reason,
                                 partial, errors, totals)
            if errors and not partial:
                self._report_errors(errors)
                transaction.set_rollback(True)
                raise CommandError(_("Nothing was imported: %(count)d lines have errors.") % {"count": len(errors)})
        if errors:
            self._report_errors(errors)
        self.stdout.write(
            _("Imported from %(file)s: %(created)d created, %(updated)d updated, %(deleted)d removed, "
              "%(unchanged)d unchanged, %(failed)d lines with errors.")
            % {"file": file.name, "failed": len(errors), **{k: totals[k] for k in
                                                           ("created", "updated", "deleted", "unchanged")}}
        )

    def _author(self, office: Office, username: str | None):
        memberships = Membership.objects.filter(office=office).select_related("user")
        if username:
            membership = memberships.filter(user__username=username).first()
            if membership is None:
                raise CommandError(f"{username} is not a member of {office}.")
            return membership.user
        ranked = sorted(memberships, key=lambda m: (-ROLE_RANK[Role(m.role)], m.pk))
        if not ranked:
            raise CommandError(f"{office} has no staff; give --by.")
        return ranked[0].user

    def _parse(self, office: Office, table: list[dict[str, str]], errors) -> list[Line]:
        numbers = {r.get("certificate_number", "") for r in table} - {""}
        by_number = dict(
            Certificate.objects.filter(office=office, number__in=numbers).values_list("number", "client_id")
        )
        ids = {int(r["client_id"]) for r in table if r.get("client_id", "").isdigit()}
        known_ids = set(Client.objects.filter(office=office, pk__in=ids).values_list("pk", flat=True))
        lines, seen = [], {}
        for index, record in enumerate(table):
            number = index + 2  # line 1 is the header
            problems = errors[number]
            client_id = None
            certificate, raw_id = record.get("certificate_number", ""), record.get("client_id", "")
            if certificate:
                client_id = by_number.get(certificate)
                if client_id is None:
                    problems.append(str(MSG_UNKNOWN_CERTIFICATE) % {"number": certificate})
            elif raw_id:
                client_id = int(raw_id) if raw_id.isdigit() and int(raw_id) in known_ids else None
                if client_id is None:
                    problems.append(str(MSG_UNKNOWN_CLIENT_ID) % {"id": raw_id})
            else:
                problems.append(str(MSG_NO_CLIENT))
            day = _parse_date(record.get("date", ""), problems)
            status = STATUS_WORDS.get(record.get("status", "").strip().lower())
            if status is None:
                problems.append(str(MSG_BAD_STATUS) % {"value": record.get("status", "")})
            start, end = _parse_time(record.get("start", ""), problems), _parse_time(record.get("end", ""), problems)
            transport = TRANSPORT_WORDS.get(record.get("transport", "").strip().lower())
            if transport is None:
                problems.append(str(MSG_BAD_TRANSPORT) % {"value": record.get("transport")})
                transport = (False, False)
            meal_text = record.get("meal", "").strip().lower()
            if meal_text not in YES | NO:
                problems.append(str(MSG_BAD_MEAL) % {"value": record.get("meal")})
            if client_id is not None and day is not None:
                if (client_id, day) in seen:
                    problems.append(str(MSG_DUPLICATE) % {"line": seen[(client_id, day)]})
                seen.setdefault((client_id, day), number)
            if problems:
                continue
            del errors[number]
            lines.append(Line(number, client_id, day, AttendanceRow(
                client_id=client_id, status=status, start_time=start, end_time=end, transport_to=transport[0],
                transport_from=transport[1], meal=meal_text in YES, note=record.get("note", ""),
            )))
        for number in [n for n, problems in errors.items() if not problems]:
            del errors[number]
        return lines

    def _import_day(self, office, day, lines, user, override_reason, partial, errors, totals) -> None:
        while lines:
            try:
                summary = attendance_record_day(office=office, day=day, rows=[x.row for x in lines], by=user,
                                                override_reason=override_reason or None)
            except DayRejected as rejected:
                failed = set()
                for line in lines:
                    messages = rejected.errors + rejected.row_errors.get(line.client_id, [])
                    if messages:
                        errors[line.number] += messages
                        failed.add(line.number)
                if not partial or not failed:
                    return
                lines = [x for x in lines if x.number not in failed]
                continue
            for key in ("created", "updated", "deleted", "unchanged"):
                totals[key] += getattr(summary, key)
            return

    def _report_errors(self, errors) -> None:
        for number in sorted(errors):
            for message in errors[number]:
                self.stderr.write(_("line %(line)d: %(message)s") % {"line": number, "message": message})

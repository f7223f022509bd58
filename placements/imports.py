"""Imports of an office's placement history: hires (``import_placements``) and follow-up contacts
(``import_followups``).  CSV or XLSX read with pandas; columns are documented in the README.

All-or-nothing by default: every line is checked first and a line-numbered report lists every problem;
nothing is written unless there is none (``partial=True`` writes the good lines and reports the rest).
Re-importing the same file changes nothing: hires are matched by (client, employer, start date) and
follow-up contacts by all their columns.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
from django.db import connection, transaction

from clients.models import Certificate, Client
from compostela.audit import audited
from compostela.models import Office, User
from placements.models import (
    Employer,
    EmploymentForm,
    FollowUpContact,
    FollowUpKind,
    Hire,
    JobEndReason,
    JobField,
    RecruitmentType,
)

PLACEMENT_COLUMNS = ["certificate_number", "family_name", "given_name", "birth_date", "employer", "employer_industry",
                     "job_title", "job_field", "recruitment_type", "start_date", "hours_per_week", "hourly_wage",
                     "employment_form", "fixed_term_end", "disclosed", "competitive", "ended_on", "end_reason"]
PLACEMENT_REQUIRED = ["employer", "job_title", "job_field", "recruitment_type", "start_date", "hours_per_week",
                      "hourly_wage", "employment_form", "disclosed"]
FOLLOWUP_COLUMNS = ["certificate_number", "family_name", "given_name", "birth_date", "employer", "start_date",
                    "day", "kind", "minutes", "staff", "note"]
FOLLOWUP_REQUIRED = ["employer", "start_date", "day", "kind", "minutes", "staff"]

# Japanese labels the office's own spreadsheets use, beside the codes.
RECRUITMENT_ALIASES = {"障がい者求人": "quota", "障害者求人": "quota", "一般・オープン": "open", "オープン": "open",
                       "一般・クローズ": "closed", "クローズ": "closed"}
JOB_FIELD_ALIASES = {"事務": "office", "倉庫作業": "warehouse", "調理補助": "kitchen", "店舗全般": "store",
                     "接客": "customer", "製造": "manufacturing", "介護補助": "care", "支援員": "support",
                     "プログラマー": "programmer", "システム開発保守": "systems", "入力業務": "data_entry",
                     "警備": "security", "清掃": "cleaning", "その他": "other"}
FORM_ALIASES = {"無期": "permanent", "正社員": "permanent", "有期": "fixed_term", "契約": "fixed_term"}
END_ALIASES = {"自己都合": "quit", "退職": "quit", "解雇": "dismissed", "契約満了": "contract_ended",
               "転職": "changed_job"}
FOLLOWUP_ALIASES = {"面談": "face_to_face", "職場訪問": "workplace_visit", "電話": "phone_online",
                    "オンライン": "phone_online", "同行": "accompaniment", "支援レポート": "support_report"}
TRUE_WORDS = {"1", "true", "yes", "y", "はい", "あり", "有", "○"}
FALSE_WORDS = {"0", "false", "no", "n", "いいえ", "なし", "無", "×", ""}


class ImportFileError(Exception):
    """The file cannot be read at all (format, missing columns)."""


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # "line 7: …"

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(path: str | Path, columns: list[str], required: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows as (line number in the file, values as stripped strings); the header is line 1."""
    path = Path(path)
    try:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise ImportFileError(f"File not found: {path}") from error
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ImportFileError(f"Cannot read {path.name}: {error}") from error
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    has_client = "certificate_number" in frame.columns or {"family_name", "given_name", "birth_date"} <= set(
        frame.columns)
    if missing or not has_client:
        need = missing + ([] if has_client else ["certificate_number or family_name+given_name+birth_date"])
        raise ImportFileError(f"Missing columns: {', '.join(need)}")
    unknown = [c for c in frame.columns if c not in columns]
    if unknown:
        raise ImportFileError(f"Unknown columns: {', '.join(unknown)}")
    # PostgreSQL cannot store NUL: it is never meant in a spreadsheet cell
    return [(index + 2, {c: str(v).replace("\x00", "").strip() for c, v in row.items()})
            for index, row in enumerate(frame.to_dict("records"))]


def _date(value: str, name: str) -> date:
    try:
        return pd.Timestamp(value.replace("/", "-")).date() if value else _raise(f"{name} is required")
    except ValueError as error:
        raise ValueError(f"{name}: not a date: {value!r}") from error


def _optional_date(value: str, name: str) -> date | None:
    return _date(value, name) if value else None


def _raise(message: str):
    raise ValueError(message)


def _choice(value: str, name: str, choices, aliases: dict[str, str]) -> str:
    code = aliases.get(value, value)
    if code not in choices.values:
        raise ValueError(f"{name}: unknown value {value!r} (one of {', '.join(choices.values)})")
    return code


def _bool(value: str, name: str) -> bool:
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ValueError(f"{name}: not yes/no: {value!r}")


def _int(value: str, name: str, low: int, high: int) -> int:
    try:
        number = int(Decimal(value))
    except (InvalidOperation, ValueError) as error:
        raise ValueError(f"{name}: not a number: {value!r}") from error
    if not low <= number <= high:
        raise ValueError(f"{name}: {number} is outside {low}–{high}")
    return number


def _hours(value: str) -> Decimal:
    try:
        hours = Decimal(value).quantize(Decimal("0.1"))
    except InvalidOperation as error:
        raise ValueError(f"hours_per_week: not a number: {value!r}") from error
    if not Decimal("0") < hours <= Decimal("60"):
        raise ValueError(f"hours_per_week: {hours} is outside 0–60")
    return hours


class ClientFinder:
    """Finds the office's client by certificate number, or by name and date of birth — two queries."""

    def __init__(self, office: Office):
        self.by_certificate = dict(Certificate.objects.filter(office=office).values_list("number", "client_id"))
        self.by_name: dict[tuple[str, str, date], list[int]] = {}
        for pk, family, given, birth in Client.objects.filter(office=office).values_list(
                "pk", "family_name", "given_name", "birth_date"):
            self.by_name.setdefault((family, given, birth), []).append(pk)

    def find(self, row: dict[str, str]) -> int:
        number = row.get("certificate_number", "")
        if number:
            if number not in self.by_certificate:
                raise ValueError(f"no client of this office has certificate {number}")
            return self.by_certificate[number]
        key = (row.get("family_name", ""), row.get("given_name", ""),
               _date(row.get("birth_date", ""), "birth_date"))
        found = self.by_name.get(key, [])
        if len(found) != 1:
            raise ValueError("no client of this office with this name and date of birth" if not found
                             else "several clients with this name and date of birth: give certificate_number")
        return found[0]


HIRE_FIELDS = ["job_title", "job_field", "recruitment_type", "hours_per_week", "hourly_wage", "employment_form",
               "fixed_term_end", "disclosed", "competitive", "ended_on", "end_reason"]


def _lock_office_imports(office: Office, kind: str) -> None:
    """Serialise imports of one kind into one office until the transaction ends."""
    with connection.cursor() as cursor:
        key = f"compostela.import_{kind}:{office.pk}"
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


@audited(by="by")
def import_placements(*, office: Office, path: str | Path, by: User, partial: bool = False) -> ImportReport:
    rows = read_table(path, PLACEMENT_COLUMNS, PLACEMENT_REQUIRED)
    report = ImportReport(rows=len(rows))
    clients = ClientFinder(office)
    parsed: list[tuple[int, dict]] = []
    seen: set[tuple] = set()
    for line, row in rows:
        try:
            values = {
                "client_id": clients.find(row),
                "employer_name": row["employer"] or _raise("employer is required"),
                "employer_industry": row.get("employer_industry", ""),
                "job_title": row["job_title"] or _raise("job_title is required"),
                "job_field": _choice(row["job_field"], "job_field", JobField, JOB_FIELD_ALIASES),
                "recruitment_type": _choice(row["recruitment_type"], "recruitment_type", RecruitmentType,
                                            RECRUITMENT_ALIASES),
                "start_date": _date(row["start_date"], "start_date"),
                "hours_per_week": _hours(row["hours_per_week"]),
                "hourly_wage": _int(row["hourly_wage"], "hourly_wage", 1, 100000),
                "employment_form": _choice(row["employment_form"], "employment_form", EmploymentForm, FORM_ALIASES),
                "fixed_term_end": _optional_date(row.get("fixed_term_end", ""), "fixed_term_end"),
                "disclosed": _bool(row["disclosed"], "disclosed"),
                "competitive": _bool(row.get("competitive", "") or "yes", "competitive"),
                "ended_on": _optional_date(row.get("ended_on", ""), "ended_on"),
                "end_reason": _choice(row["end_reason"], "end_reason", JobEndReason, END_ALIASES)
                if row.get("end_reason") else "",
            }
            _check_hire_row(values)
        except (ValueError, InvalidOperation) as error:
            report.errors.append(f"line {line}: {error}")
            continue
        key = (values["client_id"], values["employer_name"], values["start_date"])
        if key in seen:
            report.errors.append(f"line {line}: the same hire (client, employer, start date) appears twice")
            continue
        seen.add(key)
        parsed.append((line, values))
    if report.errors and not partial:
        return report
    with transaction.atomic():
        # two imports at once: the second waits, then finds the first one's hires and employers
        _lock_office_imports(office, "placements")
        employers = {e.name: e for e in Employer.objects.filter(office=office)}
        existing = {(h.client_id, h.employer.name, h.start_date): h
                    for h in Hire.objects.filter(office=office).select_related("employer")}
        new_employers = [Employer(office=office, name=name, industry=industry) for name, industry in
                         {v["employer_name"]: v["employer_industry"] for _l, v in parsed}.items()
                         if name not in employers]
        for employer in Employer.objects.bulk_create(new_employers):
            employers[employer.name] = employer
        to_create, to_update = [], []
        for _line, values in parsed:
            key = (values["client_id"], values["employer_name"], values["start_date"])
            hire = existing.get(key)
            if hire is None:
                to_create.append(Hire(office=office, client_id=values["client_id"],
                                      employer=employers[values["employer_name"]], start_date=values["start_date"],
                                      created_by=by, **{f: values[f] for f in HIRE_FIELDS}))
            elif any(getattr(hire, f) != values[f] for f in HIRE_FIELDS):
                for f in HIRE_FIELDS:
                    setattr(hire, f, values[f])
                to_update.append(hire)
            else:
                report.unchanged += 1
        Hire.objects.bulk_create(to_create)
        Hire.objects.bulk_update(to_update, HIRE_FIELDS)
        report.created, report.updated = len(to_create), len(to_update)
    return report


def _check_hire_row(v: dict) -> None:
    """The database constraints of Hire, as messages for the report."""
    if (v["employment_form"] == EmploymentForm.FIXED_TERM) != (v["fixed_term_end"] is not None):
        raise ValueError("a fixed-term job needs fixed_term_end; a permanent job has none")
    if v["fixed_term_end"] and v["fixed_term_end"] < v["start_date"]:
        raise ValueError("fixed_term_end is before start_date")
    if bool(v["ended_on"]) != bool(v["end_reason"]):
        raise ValueError("ended_on and end_reason go together")
    if v["ended_on"] and v["ended_on"] < v["start_date"]:
        raise ValueError("ended_on is before start_date")
    if v["recruitment_type"] == RecruitmentType.CLOSED and v["disclosed"]:
        raise ValueError("an undisclosed ordinary job (closed) cannot be disclosed")


@audited(by="by")
def import_followups(*, office: Office, path: str | Path, by: User, partial: bool = False) -> ImportReport:
    rows = read_table(path, FOLLOWUP_COLUMNS, FOLLOWUP_REQUIRED)
    report = ImportReport(rows=len(rows))
    clients = ClientFinder(office)
    hires = {(h.client_id, h.employer.name, h.start_date): h
             for h in Hire.objects.filter(office=office).select_related("employer")}
    staff = {u.username: u for u in User.objects.filter(memberships__office=office)}
    wanted: Counter = Counter()
    lines: dict[tuple, int] = {}
    for line, row in rows:
        try:
            client_id = clients.find(row)
            hire = hires.get((client_id, row["employer"], _date(row["start_date"], "start_date")))
            if hire is None:
                raise ValueError("no hire of this client with this employer and start date (import it first)")
            day = _date(row["day"], "day")
            if day < hire.start_date:
                raise ValueError("the contact is before the job started")
            if row["staff"] not in staff:
                raise ValueError(f"staff: {row['staff']!r} is not a member of this office")
            key = (hire.pk, day, _choice(row["kind"], "kind", FollowUpKind, FOLLOWUP_ALIASES),
                   staff[row["staff"]].pk, _int(row["minutes"], "minutes", 1, 720), row.get("note", ""))
        except ValueError as error:
            report.errors.append(f"line {line}: {error}")
            continue
        wanted[key] += 1
        lines.setdefault(key, line)
    if report.errors and not partial:
        return report
    with transaction.atomic():
        _lock_office_imports(office, "followups")  # two imports at once: the second sees the first's contacts
        have = Counter(FollowUpContact.objects.filter(hire_id__in={k[0] for k in wanted}).values_list(
            "hire_id", "day", "kind", "staff_id", "minutes", "note"))
        to_create = []
        for key, count in wanted.items():
            missing = count - have[key]
            report.unchanged += min(count, have[key])
            hire_id, day, kind, staff_id, minutes, note = key
            to_create += [FollowUpContact(office=office, hire_id=hire_id, day=day, kind=kind, staff_id=staff_id,
                                          minutes=minutes, note=note) for _ in range(max(0, missing))]
        FollowUpContact.objects.bulk_create(to_create)
        report.created = len(to_create)
    return report

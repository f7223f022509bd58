"""Imports of an office's placement history: hires (``import_placements``) and follow-up contacts
(``import_followups``), through the one import framework (``compostela.importing``: the reader of CSV in
UTF-8 or Shift_JIS and XLSX, the ``FILE:LINE: column: reason`` report, all or nothing, the command, the
upload screen).  Columns are documented in the README.

All-or-nothing by default: every line is checked first and the report lists every problem; nothing is
written unless there is none (``partial=True`` writes the good lines and reports the rest).
Re-importing the same file changes nothing: hires are matched by (client, employer, start date) and
follow-up contacts by all their columns.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clients.models import Certificate, Client
from compostela.audit import audited
from compostela.importing import CellError, Importer, ImportReport, register
from compostela.models import Office, User
from compostela.tabular import Row, Table
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
from placements.services import hire_check_rules

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


DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _date(value: str, name: str) -> date:
    if not value:
        raise CellError(name, "required")
    match = DATE.fullmatch(value.split(" ")[0].replace("/", "-").replace(".", "-"))
    try:
        return date(*map(int, match.groups())) if match else date.fromisoformat(value)
    except ValueError:
        raise CellError(name, f"not a date: {value!r}") from None


def _optional_date(value: str, name: str) -> date | None:
    return _date(value, name) if value else None


def _required(value: str, name: str) -> str:
    if not value:
        raise CellError(name, "required")
    return value


def _choice(value: str, name: str, choices, aliases: dict[str, str]) -> str:
    code = aliases.get(value, value)
    if code not in choices.values:
        raise CellError(name, f"unknown value {value!r} (one of {', '.join(choices.values)})")
    return code


def _bool(value: str, name: str) -> bool:
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise CellError(name, f"not yes/no: {value!r}")


def _int(value: str, name: str, low: int, high: int) -> int:
    try:
        number = int(Decimal(value))
    except (InvalidOperation, ValueError, OverflowError):
        raise CellError(name, f"not a number: {value!r}") from None
    if not low <= number <= high:
        raise CellError(name, f"{number} is outside {low}–{high}")
    return number


def _hours(value: str) -> Decimal:
    try:
        hours = Decimal(value).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise CellError("hours_per_week", f"not a number: {value!r}") from None
    if not Decimal("0") < hours <= Decimal("60"):
        raise CellError("hours_per_week", f"{hours} is outside 0–60")
    return hours


class ClientFinder:
    """Finds the office's client by certificate number, or by name and date of birth — two queries."""

    def __init__(self, office: Office):
        self.by_certificate = dict(Certificate.objects.filter(office=office).values_list("number", "client_id"))
        self.by_name: dict[tuple[str, str, date], list[int]] = {}
        for pk, family, given, birth in Client.objects.filter(office=office).values_list(
                "pk", "family_name", "given_name", "birth_date"):
            self.by_name.setdefault((family, given, birth), []).append(pk)

    def find(self, row: Row) -> int:
        number = row.get("certificate_number", "")
        if number:
            if number not in self.by_certificate:
                raise CellError("certificate_number", f"no client of this office has certificate {number}")
            return self.by_certificate[number]
        key = (row.get("family_name", ""), row.get("given_name", ""),
               _date(row.get("birth_date", ""), "birth_date"))
        found = self.by_name.get(key, [])
        if len(found) != 1:
            raise CellError("family_name", "no client of this office with this name and date of birth" if not found
                            else "several clients with this name and date of birth: give certificate_number")
        return found[0]


HIRE_FIELDS = ["job_title", "job_field", "recruitment_type", "hours_per_week", "hourly_wage", "employment_form",
               "fixed_term_end", "disclosed", "competitive", "ended_on", "end_reason"]


def _client_columns(columns: list[str]) -> list[str]:
    """A file names its clients by certificate number, or by name and date of birth."""
    if "certificate_number" in columns or {"family_name", "given_name", "birth_date"} <= set(columns):
        return []
    return ["certificate_number or family_name+given_name+birth_date"]


def _write_placements(*, office: Office, table: Table, by: User, partial: bool, report: ImportReport) -> None:
    clients = ClientFinder(office)
    parsed: list[tuple[int, dict]] = []
    seen: set[tuple] = set()
    for row in table:
        line = row.line
        report.rows += 1
        try:
            values = {
                "client_id": clients.find(row),
                "employer_name": _required(row["employer"], "employer"),
                "employer_industry": row.get("employer_industry", ""),
                "job_title": _required(row["job_title"], "job_title"),
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
            hire_check_rules(Hire(start_date=values["start_date"], **{f: values[f] for f in HIRE_FIELDS}))
        except CellError as error:
            report.add(line, error.column, str(error))
            continue
        except ValidationError as error:
            report.add_validation_error(line, error)
            continue
        key = (values["client_id"], values["employer_name"], values["start_date"])
        if key in seen:
            report.add(line, "start_date", "the same hire (client, employer, start date) appears twice")
            continue
        seen.add(key)
        parsed.append((line, values))
    if report.errors and not partial:
        return  # nothing will be written: the framework rolls back
    # the framework holds the office's import lock: a second import finds this one's rows
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


def _write_followups(*, office: Office, table: Table, by: User, partial: bool, report: ImportReport) -> None:
    clients = ClientFinder(office)
    hires = {(h.client_id, h.employer.name, h.start_date): h
             for h in Hire.objects.filter(office=office).select_related("employer")}
    staff = {u.username: u for u in User.objects.filter(memberships__office=office)}
    wanted: Counter = Counter()
    lines: dict[tuple, int] = {}
    for row in table:
        line = row.line
        report.rows += 1
        try:
            client_id = clients.find(row)
            hire = hires.get((client_id, row["employer"], _date(row["start_date"], "start_date")))
            if hire is None:
                raise CellError("employer",
                                "no hire of this client with this employer and start date (import it first)")
            day = _date(row["day"], "day")
            if day < hire.start_date:
                raise CellError("day", "the contact is before the job started")
            if row["staff"] not in staff:
                raise CellError("staff", f"{row['staff']!r} is not a member of this office")
            key = (hire.pk, day, _choice(row["kind"], "kind", FollowUpKind, FOLLOWUP_ALIASES),
                   staff[row["staff"]].pk, _int(row["minutes"], "minutes", 1, 720), row.get("note", ""))
        except CellError as error:
            report.add(line, error.column, str(error))
            continue
        wanted[key] += 1
        lines.setdefault(key, line)
    if report.errors and not partial:
        return  # nothing will be written: the framework rolls back
    # the framework holds the office's import lock: a second import sees this one's contacts
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


MSG_SUMMARY = gettext_noop("%(rows)s line(s): %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                           "%(skipped)s skipped.")


def _summary(report: ImportReport) -> str:
    return _(MSG_SUMMARY) % {"rows": report.rows, "created": report.created, "updated": report.updated,
                             "unchanged": report.unchanged, "skipped": len(report.failed_lines)}


PLACEMENTS = register(Importer(
    key="placements", label=gettext_noop("Hires"), aliases={c: c for c in PLACEMENT_COLUMNS},
    required=tuple(PLACEMENT_REQUIRED), write=_write_placements, summary=_summary, check_columns=_client_columns,
    refuse_unknown=True, columns_help=gettext_noop(
        "One row per hire: certificate_number (or family_name, given_name, birth_date), employer, job_title, "
        "job_field, recruitment_type, start_date, hours_per_week, hourly_wage, employment_form, disclosed (see "
        "README)."),
))
FOLLOWUPS = register(Importer(
    key="followups", label=gettext_noop("Follow-up contacts"), aliases={c: c for c in FOLLOWUP_COLUMNS},
    required=tuple(FOLLOWUP_REQUIRED), write=_write_followups, summary=_summary, check_columns=_client_columns,
    refuse_unknown=True, columns_help=gettext_noop(
        "One row per contact with an imported hire: certificate_number (or name and birth date), employer, "
        "start_date, day, kind, minutes, staff (see README)."),
))


@audited(by="by")
def import_placements(*, office: Office, path: str | Path, by: User, partial: bool = False, dry_run: bool = False,
                      name: str | None = None) -> ImportReport:
    return PLACEMENTS.run(office=office, path=path, by=by, partial=partial, dry_run=dry_run, name=name)


@audited(by="by")
def import_followups(*, office: Office, path: str | Path, by: User, partial: bool = False, dry_run: bool = False,
                     name: str | None = None) -> ImportReport:
    return FOLLOWUPS.run(office=office, path=path, by=by, partial=partial, dry_run=dry_run, name=name)

"""Import of support-plan history (個別支援計画 and モニタリング) from the offices' spreadsheets, through the one
import framework (``compostela.importing``: the reader, the line-numbered report, all or nothing, the command,
the upload screen).

One file, one row per plan version or per monitoring, told apart by the ``kind`` column (種別: 計画 or
モニタリング; without the column every row is a plan).  A plan row carries the plan's contents, its step dates
and up to five goals in numbered columns (``goal1_goal`` … ``goal5_support``: 目標1 … 目標5支援内容), as the
plan's goals table is laid out on paper; a monitoring row names its plan by client, service and version and
carries the date, the summary, the person's view, whether the plan changes and the progress per numbered
goal.  The README ("Importing support plans") lists every column.

The client is found by certificate number (any service), else by name and date of birth — as the other
imports find them.  A plan is found again by client, service and version, a monitoring by its plan and date:
re-importing the same file changes nothing.  A plan already agreed is not rewritten (its contents change by a
new version, as on the screens); only the steps after the agreement may be filled in.

Every row is checked by the same rules as the screens: the model's fields, the step order (the database
constraints: assessment ≤ draft ≤ meeting ≤ agreement ≤ handed over, copy sent after the agreement), a
monitoring on or after the agreement, and ``clients.plan_guard.refuse_closed_month_change`` (no entry may
change the missing-plan facts of a month billing has closed).

Fast: the office's clients, certificates, staff and the plans of the file's clients are read once; rows are
checked in Python and saved with ``bulk_create``.  The database constraints guard the write; when one refuses
it, every new or changed row is checked again by ``full_clean`` (one query per constraint), which names the
row, the column and the rule, and the good groups are written again.  A client's plans of one service are
written together or not at all (with ``--partial`` a bad row leaves out the other rows of its client and
service, each reported).

Until the screens' services for writing plans land, the rows are written here with the models' ``full_clean``
and the plan guard (the lead points the import at those services when they do).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clients.errors import ClientError
from clients.extensions import closed_months
from clients.importing import MSG_REQUIRED, SERVICE_WORDS, _choice, _date, _int, certificate_number
from clients.models import (
    Certificate,
    CertificateService,
    Client,
    GoalProgress,
    GoalProgressStatus,
    PlanGoal,
    SupportPlan,
    SupportPlanReview,
)
from clients.plan_guard import PlanFacts, months_a_change_touches, plan_facts, refuse_closed_month_change
from clients.plans import refuse_future_steps, refuse_monitoring_day
from compostela.audit import audited
from compostela.dates import refuse_future_date
from compostela.importing import CellError, Importer, ImportReport, register
from compostela.models import Membership, Office, Role, User
from compostela.tabular import Row, Table

PLAN, MONITORING = "plan", "monitoring"
# key: (Japanese header, required).  "Required" for plan rows (and, in a file without the kind column, as a
# column of the file); monitoring rows need monitored_on and summary.
COLUMNS: dict[str, tuple[str, bool]] = {
    "kind": ("種別", False),
    "certificate_number": ("受給者証番号", False),
    "family_name": ("姓", False),
    "given_name": ("名", False),
    "birth_date": ("生年月日", False),
    "service": ("サービス種類", False),
    "version": ("版", True),
    "supervisor": ("サービス管理責任者", False),
    # plan rows: the period, the steps, the contents
    "period_start": ("計画期間開始", True),
    "period_end": ("計画期間終了", True),
    "assessed_on": ("アセスメント日", False),
    "assessment": ("アセスメント", False),
    "draft_on": ("原案作成日", True),
    "meeting_on": ("個別支援会議日", False),
    "meeting_attendees": ("会議出席者", False),
    "agreed_on": ("同意日", False),
    "delivered_on": ("交付日", False),
    "consultation_office": ("相談支援事業所", False),
    "consultation_sent_on": ("相談支援事業所送付日", False),
    "person_wishes": ("本人の意向", False),
    "family_wishes": ("家族の意向", False),
    "overall_policy": ("総合的な支援の方針", True),
    "issues": ("解決すべき課題", False),
    "long_term_goal": ("長期目標", True),
    "long_term_goal_by": ("長期目標達成時期", False),
    "short_term_goal": ("短期目標", False),
    "short_term_goal_by": ("短期目標達成時期", False),
    "care_points": ("留意事項", False),
    # monitoring rows
    "monitored_on": ("モニタリング日", False),
    "summary": ("モニタリング結果", False),
    "person_view": ("本人の意見", False),
    "changes_plan": ("計画変更", False),
}
GOALS = 5  # numbered goal columns goal1_… to goal5_…
# goal{n}_key: Japanese header with the goal's number
GOAL_COLUMNS: dict[str, str] = {
    "goal": "目標{n}",
    "target_on": "目標{n}達成時期",
    "person_role": "目標{n}本人の役割",
    "support": "目標{n}支援内容",
    "provider": "目標{n}担当",
    "frequency": "目標{n}頻度",
    "support_until": "目標{n}支援期間",
    "employment": "目標{n}就労",
}
PROGRESS_COLUMNS: dict[str, str] = {"progress": "目標{n}進捗", "progress_note": "目標{n}進捗メモ"}
WIDE_DIGITS = str.maketrans("12345", "１２３４５")  # 目標１: Japanese spreadsheets often type full-width numbers


def _goal_aliases() -> dict[str, str]:
    aliases = {}
    for n in range(1, GOALS + 1):
        for key, japanese in {**GOAL_COLUMNS, **PROGRESS_COLUMNS}.items():
            canonical = f"goal{n}_{key}"
            aliases[canonical] = canonical
            aliases[japanese.format(n=n)] = canonical
            aliases[japanese.format(n=n).translate(WIDE_DIGITS)] = canonical
    return aliases


ALIASES = {
    **{key: key for key in COLUMNS},
    **{japanese: key for key, (japanese, _required) in COLUMNS.items()},
    **_goal_aliases(),
}
PLAN_REQUIRED = tuple(key for key, (_ja, required) in COLUMNS.items() if required and key != "version")
MONITORING_REQUIRED = ("monitored_on", "summary")
PLAN_TEXTS = (
    "assessment",
    "meeting_attendees",
    "consultation_office",
    "person_wishes",
    "family_wishes",
    "overall_policy",
    "issues",
    "long_term_goal",
    "short_term_goal",
    "care_points",
)
PLAN_DATES = (
    "period_start",
    "period_end",
    "assessed_on",
    "draft_on",
    "meeting_on",
    "agreed_on",
    "delivered_on",
    "consultation_sent_on",
    "long_term_goal_by",
    "short_term_goal_by",
)
PLAN_ONLY = {*PLAN_TEXTS, *PLAN_DATES} | {f"goal{n}_{key}" for n in range(1, GOALS + 1) for key in GOAL_COLUMNS}
MONITORING_ONLY = {"monitored_on", "summary", "person_view", "changes_plan"} | {
    f"goal{n}_{key}" for n in range(1, GOALS + 1) for key in PROGRESS_COLUMNS
}
PLAN_FIELD = {"draft_on": "created_on"}  # the file's column → the model's field, where they differ
COLUMN_OF_FIELD = {"created_on": "draft_on", "reviewed_on": "monitored_on"}
# an agreed plan is changed by a new version; only the steps after the agreement may still be filled in
AFTER_AGREEMENT = ("delivered_on", "consultation_office", "consultation_sent_on")
GOAL_FIELDS = ("goal", "target_on", "person_role", "support", "provider", "frequency", "support_until", "is_employment")
KIND_WORDS = {"計画": PLAN, "個別支援計画": PLAN, "モニタリング": MONITORING}
PROGRESS_WORDS = {
    "達成": GoalProgressStatus.ACHIEVED,
    "継続": GoalProgressStatus.PROGRESSING,
    "一部達成": GoalProgressStatus.PROGRESSING,
    "未達成": GoalProgressStatus.NOT_YET,
}
YES = {"1", "yes", "y", "true", "○", "◯", "有", "あり", "要", "はい"}
NO = {"", "0", "no", "n", "false", "×", "無", "なし", "不要", "いいえ"}

MSG_KIND = gettext_noop("“%(value)s” is not a kind of row (plan or monitoring, 計画 or モニタリング).")
MSG_YES_NO = gettext_noop("“%(value)s” is not yes or no (1/0, あり/なし).")
MSG_VERSION = gettext_noop("The version is a whole number from 1.")
MSG_NO_CLIENT = gettext_noop("Give the certificate number, or the family name, given name and date of birth.")
MSG_UNKNOWN_NUMBER = gettext_noop("No client of this office has the certificate number %(number)s.")
MSG_UNKNOWN_NAME = gettext_noop("No client of this office has this name and date of birth.")
MSG_TWO_CLIENTS = gettext_noop(
    "Two clients of this office have this name and date of birth: give the certificate number."
)
MSG_NAME_MISMATCH = gettext_noop("The certificate number %(number)s belongs to another client than the name given.")
MSG_UNKNOWN_STAFF = gettext_noop(
    "“%(value)s” is not a supervisor or manager of this office (give the user name or the name as registered)."
)
MSG_NO_AUTHOR = gettext_noop("Name the supervisor (サービス管理責任者), or import as a supervisor or manager.")
MSG_PLAN_COLUMN = gettext_noop("This column is for plan rows (計画); leave it empty on a monitoring row.")
MSG_MONITORING_COLUMN = gettext_noop("This column is for monitoring rows (モニタリング); leave it empty on a plan row.")
MSG_VERSION_TWICE = gettext_noop("Version %(version)s of this client's plan is on line %(line)s already.")
MSG_MONITORING_TWICE = gettext_noop("This monitoring is on line %(line)s already.")
MSG_PLAN_NOT_FOUND = gettext_noop(
    "The client has no plan of this service with version %(version)s (neither recorded nor in this file)."
)
MSG_PLAN_AGREED = gettext_noop(
    "Version %(version)s of this plan is agreed: it is not rewritten. Give a new version for the changed plan."
)
MSG_NO_SUCH_GOAL = gettext_noop("The plan has no goal %(number)s.")
MSG_LEFT_OUT = gettext_noop(
    "Left out: the client's plans of this service are written together, and line %(line)s has a problem."
)
MSG_PLAN_REFUSED = gettext_noop("The plan of this monitoring (line %(line)s) has a problem.")
MSG_SUMMARY = gettext_noop(
    "Support plans imported: created %(created)s, updated %(updated)s, unchanged %(unchanged)s (plan and "
    "monitoring rows)."
)
MSG_COLUMNS_HELP = gettext_noop(
    "One row per plan version (kind 計画) or monitoring (kind モニタリング): the client (certificate_number, or "
    "family_name, given_name, birth_date), service, version; a plan's period, step dates, contents and goals "
    "goal1_… to goal5_…; a monitoring's date, summary and progress per goal (see README)."
)


# -- reading a row ------------------------------------------------------------------------------------------
def _yes(row: Row, key: str) -> bool:
    value = row[key].lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise CellError(key, _(MSG_YES_NO) % {"value": row[key]}, ClientError.IMPORT_BAD_CHOICE)


def _required(row: Row, keys) -> list[CellError]:
    return [CellError(key, _(MSG_REQUIRED), ClientError.IMPORT_REQUIRED) for key in keys if not row[key]]


def _kind(row: Row) -> str:
    value = row["kind"]
    if not value or value.lower() == PLAN:
        return PLAN
    if value.lower() == MONITORING:
        return MONITORING
    if value in KIND_WORDS:
        return KIND_WORDS[value]
    raise CellError("kind", _(MSG_KIND) % {"value": value}, ClientError.IMPORT_BAD_CHOICE)


def _version(row: Row) -> int:
    version = _int(row, "version")
    if version is None:
        raise CellError("version", _(MSG_REQUIRED), ClientError.IMPORT_REQUIRED)
    if not 1 <= version <= 32767:
        raise CellError("version", _(MSG_VERSION), ClientError.IMPORT_BAD_NUMBER)
    return version


def _collect(*readers) -> list:
    """Run each reader; the cell errors of all of them, or their values."""
    values, problems = [], []
    for read in readers:
        try:
            values.append(read())
        except CellError as error:
            problems.append(error)
            values.append(None)
    if problems:
        raise ExceptionGroup("row", problems)
    return values


def _plan_fields(row: Row) -> dict[str, Any]:
    problems = _required(row, PLAN_REQUIRED)
    fields: dict[str, Any] = {PLAN_FIELD.get(key, key): row[key] for key in PLAN_TEXTS}
    for key in PLAN_DATES:
        try:
            fields[PLAN_FIELD.get(key, key)] = _date(row, key)
        except CellError as error:
            problems.append(error)
    if problems:
        raise ExceptionGroup("row", problems)
    return fields


def _goals(row: Row) -> list[dict[str, Any]]:
    goals, problems = [], []
    for n in range(1, GOALS + 1):
        columns = {key: f"goal{n}_{key}" for key in GOAL_COLUMNS}
        if not any(row[column] for column in columns.values()):
            continue
        problems += _required(row, (columns["goal"], columns["support"]))
        goal: dict[str, Any] = {
            "order": n,
            **{key: row[columns[key]] for key in ("goal", "person_role", "support", "provider", "frequency")},
        }
        for key, read in (("target_on", _date), ("support_until", _date), ("employment", _yes)):
            try:
                goal["is_employment" if key == "employment" else key] = read(row, columns[key])
            except CellError as error:
                problems.append(error)
        goals.append(goal)
    if problems:
        raise ExceptionGroup("row", problems)
    return goals


def _progress(row: Row) -> dict[int, tuple[str, str]]:
    progress, problems = {}, []
    for n in range(1, GOALS + 1):
        status_column, note_column = f"goal{n}_progress", f"goal{n}_progress_note"
        if not row[status_column] and not row[note_column]:
            continue
        if not row[status_column]:
            problems.append(CellError(status_column, _(MSG_REQUIRED), ClientError.IMPORT_REQUIRED))
            continue
        try:
            progress[n] = (_choice(row, status_column, GoalProgressStatus, PROGRESS_WORDS), row[note_column])
        except CellError as error:
            problems.append(error)
    if problems:
        raise ExceptionGroup("row", problems)
    return progress


def _other_kind_cells(row: Row, kind: str) -> list[CellError]:
    foreign, message = (MONITORING_ONLY, MSG_MONITORING_COLUMN) if kind == PLAN else (PLAN_ONLY, MSG_PLAN_COLUMN)
    return [CellError(key, _(message), ClientError.IMPORT_WRONG_KIND) for key in sorted(foreign) if row[key]]


# -- who the row is about, and who wrote it -----------------------------------------------------------------
class OfficeLookups:
    """The office's clients, certificate numbers and supervisors, read once (three queries)."""

    def __init__(self, office: Office):
        self.clients = {client.pk: client for client in Client.objects.filter(office=office)}
        for client in self.clients.values():
            client.office = office  # the guard reads it: no query per client
        self.by_name: dict[tuple[str, str, date], list[Client]] = defaultdict(list)
        for client in self.clients.values():
            self.by_name[(client.family_name, client.given_name, client.birth_date)].append(client)
        self.by_number = dict(Certificate.objects.filter(office=office).values_list("number", "client_id"))
        self.writers: dict[str, User] = {}  # user name or "姓 名" → a supervisor or manager of the office
        memberships = Membership.objects.filter(office=office).select_related("user").order_by("pk")
        for membership in memberships:
            if membership.has_role(Role.SUPERVISOR):
                user = membership.user
                for name in (user.username, str(user), f"{user.last_name}{user.first_name}"):
                    self.writers.setdefault(name, user)
        self.writer_ids = {user.pk for user in self.writers.values()}

    def client(self, row: Row) -> Client:
        number = certificate_number(row["certificate_number"]) if row["certificate_number"] else ""
        named = row["family_name"] or row["given_name"] or row["birth_date"]
        if number:
            if number not in self.by_number:
                raise CellError(
                    "certificate_number", _(MSG_UNKNOWN_NUMBER) % {"number": number}, ClientError.IMPORT_UNKNOWN_CLIENT
                )
            client = self.clients[self.by_number[number]]
            if named and (row["family_name"], row["given_name"], _date(row, "birth_date")) != (
                client.family_name,
                client.given_name,
                client.birth_date,
            ):
                raise CellError(
                    "certificate_number", _(MSG_NAME_MISMATCH) % {"number": number}, ClientError.IMPORT_UNKNOWN_CLIENT
                )
            return client
        if not (row["family_name"] and row["given_name"] and row["birth_date"]):
            raise CellError("certificate_number", _(MSG_NO_CLIENT), ClientError.IMPORT_REQUIRED)
        found = self.by_name.get((row["family_name"], row["given_name"], _date(row, "birth_date")), [])
        if len(found) != 1:
            raise CellError(
                "family_name", _(MSG_TWO_CLIENTS if found else MSG_UNKNOWN_NAME), ClientError.IMPORT_UNKNOWN_CLIENT
            )
        return found[0]

    def writer(self, row: Row, by: User | None) -> User | None:
        """The supervisor the row names (``None``: not named, the plan keeps or takes the importer)."""
        name = row["supervisor"]
        if not name:
            return None
        user = self.writers.get(name) or self.writers.get(name.replace("\u3000", " "))
        if user is None:
            raise CellError("supervisor", _(MSG_UNKNOWN_STAFF) % {"value": name}, ClientError.IMPORT_UNKNOWN_STAFF)
        return user


# -- the rows, parsed --------------------------------------------------------------------------------------
@dataclass
class PlanRow:
    line: int
    client: Client
    service: str
    version: int
    fields: dict[str, Any]
    goals: list[dict[str, Any]]
    writer: User | None


@dataclass
class MonitoringRow:
    line: int
    client: Client
    service: str
    version: int
    reviewed_on: date
    summary: str
    person_view: str
    changes_plan: bool
    progress: dict[int, tuple[str, str]]
    writer: User | None


def _parse(row: Row, lookups: OfficeLookups, by: User | None) -> PlanRow | MonitoringRow:
    kind = _kind(row)
    problems = _other_kind_cells(row, kind)
    client, service, version, writer = None, None, None, None
    try:
        client, service, version, writer = _collect(
            lambda: lookups.client(row),
            lambda: _choice(row, "service", CertificateService, SERVICE_WORDS, default=CertificateService.TRANSITION),
            lambda: _version(row),
            lambda: lookups.writer(row, by),
        )
    except ExceptionGroup as group:
        problems += group.exceptions
    if writer is None and (by is None or by.pk not in lookups.writer_ids) and not problems:
        problems.append(CellError("supervisor", _(MSG_NO_AUTHOR), ClientError.IMPORT_UNKNOWN_STAFF))
    if kind == PLAN:
        readers = (lambda: _plan_fields(row), lambda: _goals(row))
    else:
        readers = (lambda: _monitoring_fields(row), lambda: _progress(row))
    first = second = None
    for index, read in enumerate(readers):
        try:
            value = read()
        except ExceptionGroup as group:
            problems += group.exceptions
            continue
        first, second = (value, second) if index == 0 else (first, value)
    if problems:
        raise ExceptionGroup("row", problems)
    if kind == PLAN:
        return PlanRow(
            line=row.line, client=client, service=service, version=version, fields=first, goals=second, writer=writer
        )
    return MonitoringRow(
        line=row.line, client=client, service=service, version=version, progress=second, writer=writer, **first
    )


def _monitoring_fields(row: Row) -> dict[str, Any]:
    problems = _required(row, MONITORING_REQUIRED)
    values = {"summary": row["summary"], "person_view": row["person_view"]}
    for key, name, read in (("monitored_on", "reviewed_on", _date), ("changes_plan", "changes_plan", _yes)):
        try:
            values[name] = read(row, key)
        except CellError as error:
            problems.append(error)
    if problems:
        raise ExceptionGroup("row", problems)
    return values


# -- one client's plans of one service: what the file changes ------------------------------------------------
@dataclass
class PlanState:
    """A plan of the group as it will be: the saved one (``plan.pk``) or a new one, its goals and reviews."""

    plan: SupportPlan
    goals: dict[int, PlanGoal]  # order → goal (saved or new)
    reviews: dict[date, SupportPlanReview]
    line: int | None = None  # the plan row of the file
    new: bool = False
    changed_fields: list[str] = field(default_factory=list)
    goals_replaced: bool = False

    def facts(self) -> PlanFacts:
        return plan_facts(self.plan, self.reviews.values())


@dataclass
class Group:
    client: Client
    service: str
    plans: dict[int, PlanState]  # version → plan
    before: list[PlanFacts]
    lines: list[int] = field(default_factory=list)
    steps: list[tuple[int, str, list[PlanFacts]]] = field(default_factory=list)  # (line, column, facts after)
    outcome: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})
    new_reviews: list[tuple[int, PlanState, SupportPlanReview]] = field(default_factory=list)
    changed_reviews: list[tuple[int, SupportPlanReview]] = field(default_factory=list)
    new_progress: list[tuple[int, GoalProgress]] = field(default_factory=list)
    changed_progress: list[tuple[int, GoalProgress]] = field(default_factory=list)
    failed: bool = False
    unread_line: int | None = None  # a row of the client's plans of this service that could not be read

    def facts(self) -> list[PlanFacts]:
        return [state.facts() for state in self.plans.values()]


def _existing_groups(client_ids: set[int]) -> dict[tuple[int, str], dict[int, PlanState]]:
    """The saved plans of the file's clients with their goals, reviews and progress (four queries)."""
    plans = SupportPlan.objects.filter(client_id__in=client_ids).prefetch_related("goals", "reviews__progress")
    groups: dict[tuple[int, str], dict[int, PlanState]] = defaultdict(dict)
    for plan in plans:
        groups[(plan.client_id, plan.service)][plan.version] = PlanState(
            plan=plan,
            goals={goal.order: goal for goal in plan.goals.all()},
            reviews={review.reviewed_on: review for review in plan.reviews.all()},
        )
    return groups


Refusal = tuple[ValidationError, dict[str, str]]  # a model's refusal, and its fields as the file's columns


def _report(report: ImportReport, line: int, refusals: list[Refusal]) -> bool:
    """Report each refusal on ``line``; whether there was any."""
    for error, columns in refusals:
        report.add_validation_error(line, error, columns)
    return bool(refusals)


def _apply_plan(group: Group, row: PlanRow, by: User | None, seen: dict, report: ImportReport) -> bool:
    key = (row.client.pk, row.service, row.version)
    if key in seen:
        report.add(
            row.line,
            "version",
            _(MSG_VERSION_TWICE) % {"version": row.version, "line": seen[key]},
            ClientError.IMPORT_TWICE,
        )
        return False
    seen[key] = row.line
    state = group.plans.get(row.version)
    if state is None:
        plan = SupportPlan(
            client=row.client, service=row.service, version=row.version, created_by=row.writer or by, **row.fields
        )
        goals = {g["order"]: PlanGoal(**g) for g in row.goals}
        if _report(report, row.line, _check_fields(plan, goals)):
            return False
        group.plans[row.version] = PlanState(plan=plan, goals=goals, reviews={}, line=row.line, new=True)
        group.outcome["created"] += 1
        return True
    state.line = row.line
    plan = state.plan
    changed = [name for name, value in row.fields.items() if getattr(plan, name) != value]
    if row.writer is not None and plan.created_by_id != row.writer.pk:
        changed.append("created_by")
    goals_differ = _goal_values(state.goals) != {g["order"]: g for g in row.goals}
    if not changed and not goals_differ:
        group.outcome["unchanged"] += 1
        return True
    if plan.agreed_on is not None or state.reviews:  # agreed (or monitored): changed by a new version
        refused = [name for name in changed if name not in AFTER_AGREEMENT or getattr(plan, name)]
        if refused or goals_differ:
            column = (
                COLUMN_OF_FIELD.get(refused[0], refused[0]) if refused else f"goal{_first_goal_change(state, row)}_goal"
            )
            column = "supervisor" if column == "created_by" else column
            report.add(row.line, column, _(MSG_PLAN_AGREED) % {"version": row.version}, ClientError.PLAN_AGREED)
            return False
    for name in changed:
        setattr(plan, name, row.writer if name == "created_by" else row.fields[name])
    state.changed_fields = changed
    if goals_differ:
        state.goals = {g["order"]: PlanGoal(**g) for g in row.goals}
        state.goals_replaced = True
    if _report(report, row.line, _check_fields(plan, state.goals)):
        return False
    group.outcome["updated"] += 1
    return True


def _goal_values(goals: dict[int, PlanGoal]) -> dict[int, dict[str, Any]]:
    return {
        order: {"order": order, **{name: getattr(goal, name) for name in GOAL_FIELDS}} for order, goal in goals.items()
    }


def _first_goal_change(state: PlanState, row: PlanRow) -> int:
    now, given = _goal_values(state.goals), {g["order"]: g for g in row.goals}
    return min(order for order in now.keys() | given.keys() if now.get(order) != given.get(order))


def _check_fields(plan: SupportPlan, goals: dict[int, PlanGoal]) -> list[Refusal]:
    """The fields' own rules, no query (the constraints are the database's, checked on writing)."""
    quick = {"validate_unique": False, "validate_constraints": False}
    refusals = _full_clean(plan, exclude=["client", "created_by", "revises"], **quick)
    try:
        refuse_future_steps(plan)  # what happened is never dated after today, as on the screens
    except ValidationError as error:
        refusals.append((error, COLUMN_OF_FIELD))
    for order, goal in goals.items():
        refusals += _full_clean(goal, exclude=["plan", "staff"], columns=_goal_columns(order), **quick)
    return refusals


def _goal_columns(order: int) -> dict[str, str]:
    return {name: f"goal{order}_{'employment' if name == 'is_employment' else name}" for name in GOAL_FIELDS}


def _apply_monitoring(
    group: Group, row: MonitoringRow, by: User | None, seen: dict, plan_lines: dict, report: ImportReport
) -> bool:
    state = group.plans.get(row.version)
    if state is None:
        refused_line = plan_lines.get((row.client.pk, row.service, row.version))
        if refused_line is not None:
            report.add(row.line, "version", _(MSG_PLAN_REFUSED) % {"line": refused_line}, ClientError.IMPORT_LEFT_OUT)
        else:
            report.add(
                row.line, "version", _(MSG_PLAN_NOT_FOUND) % {"version": row.version}, ClientError.IMPORT_PLAN_NOT_FOUND
            )
        return False
    key = (row.client.pk, row.service, row.version, row.reviewed_on)
    if key in seen:
        report.add(row.line, "monitored_on", _(MSG_MONITORING_TWICE) % {"line": seen[key]}, ClientError.IMPORT_TWICE)
        return False
    seen[key] = row.line
    plan = state.plan
    try:
        refuse_future_date(row.reviewed_on, field="reviewed_on")
        refuse_monitoring_day(plan=plan, reviewed_on=row.reviewed_on)
    except ValidationError as refusal:
        for error in refusal.error_dict["reviewed_on"]:
            report.add(row.line, "monitored_on", error.messages[0], error.code)
        return False
    missing = [n for n in row.progress if n not in state.goals]
    if missing:
        for n in missing:
            report.add(
                row.line, f"goal{n}_progress", _(MSG_NO_SUCH_GOAL) % {"number": n}, ClientError.IMPORT_NO_SUCH_GOAL
            )
        return False
    values = {"summary": row.summary, "person_view": row.person_view, "changes_plan": row.changes_plan}
    review = state.reviews.get(row.reviewed_on)
    if review is None:
        review = SupportPlanReview(reviewed_on=row.reviewed_on, reviewed_by=row.writer or by, **values)
        quick = {"validate_unique": False, "validate_constraints": False}
        if _report(report, row.line, _full_clean(review, exclude=["plan", "reviewed_by"], **quick)):
            return False
        state.reviews[row.reviewed_on] = review
        group.new_reviews.append((row.line, state, review))
        for n, (status, note) in row.progress.items():
            group.new_progress.append(
                (row.line, GoalProgress(review=review, goal=state.goals[n], status=status, note=note))
            )
        group.outcome["created"] += 1
        return True
    changed = [name for name, value in values.items() if getattr(review, name) != value]
    if row.writer is not None and review.reviewed_by_id != row.writer.pk:
        review.reviewed_by = row.writer
        changed.append("reviewed_by")
    for name in changed:
        if name != "reviewed_by":
            setattr(review, name, values[name])
    if changed:
        group.changed_reviews.append((row.line, review))
    kept = {progress.goal_id: progress for progress in review.progress.all()} if review.pk else {}
    progress_changed = False
    for n, (status, note) in row.progress.items():
        goal = state.goals[n]
        progress = kept.get(goal.pk)
        if progress is None:
            group.new_progress.append((row.line, GoalProgress(review=review, goal=goal, status=status, note=note)))
            progress_changed = True
        elif (progress.status, progress.note) != (status, note):
            progress.status, progress.note = status, note
            group.changed_progress.append((row.line, progress))
            progress_changed = True
    group.outcome["updated" if changed or progress_changed else "unchanged"] += 1
    return True


# -- the guard on closed months ----------------------------------------------------------------------------
def _guard(groups: list[Group], office: Office, report: ImportReport) -> None:
    """``refuse_closed_month_change`` for each client's plans of a service the file changes — only when the
    office has closed a month the changes could touch (one query for the whole file to know)."""
    changing = [
        (group, months)
        for group in groups
        if not group.failed and (months := months_a_change_touches(group.before, group.facts()))
    ]
    if not changing:
        return
    if not closed_months(office=office, months=sorted({m for _group, months in changing for m in months})):
        return
    for group, _months in changing:
        try:
            refuse_closed_month_change(
                client=group.client, service=group.service, before=group.before, after=group.facts()
            )
        except ValidationError as error:
            group.failed = True
            _name_the_rows(group, error, report)


def _name_the_rows(group: Group, error: ValidationError, report: ImportReport) -> None:
    """The rows whose own change touches a closed month (else the group's first row, for the whole)."""
    named = False
    facts = group.before
    for line, column, after in group.steps:
        try:
            refuse_closed_month_change(client=group.client, service=group.service, before=facts, after=after)
        except ValidationError as step_error:
            report.add_validation_error(line, step_error, column=column)
            named = True
        facts = after
    if not named:
        report.add_validation_error(min(group.lines), error)


# -- writing -----------------------------------------------------------------------------------------------
def _write_groups(groups: list[Group]) -> None:
    """Save the groups' new and changed rows: new plans a version at a time (each revises the one before),
    goals, monitoring and progress with ``bulk_create``; changed rows one by one.  Raises ``IntegrityError``
    when a database constraint refuses a row."""
    new_plans: dict[int, list[tuple[Group, PlanState]]] = defaultdict(list)
    new_goals: list[PlanGoal] = []
    for group in groups:
        for state in group.plans.values():
            if state.new:
                new_plans[state.plan.version].append((group, state))
            elif state.changed_fields or state.goals_replaced:
                state.plan.save(update_fields=state.changed_fields)
                if state.goals_replaced:
                    PlanGoal.objects.filter(plan=state.plan).delete()
                    for goal in state.goals.values():
                        goal.pk, goal.plan = None, state.plan
                    new_goals += state.goals.values()
    for version in sorted(new_plans):
        wave = new_plans[version]
        for group, state in wave:
            state.plan.revises = _revised(group, version)
        SupportPlan.objects.bulk_create([state.plan for _group, state in wave])
        for _group, state in wave:
            for goal in state.goals.values():
                goal.plan = state.plan
            new_goals += state.goals.values()
    PlanGoal.objects.bulk_create(new_goals)
    reviews = []
    for group in groups:
        for _line, state, review in group.new_reviews:
            review.plan = state.plan
            reviews.append(review)
    SupportPlanReview.objects.bulk_create(reviews)
    for group in groups:
        for _line, review in group.changed_reviews:
            review.save(update_fields=["summary", "person_view", "changes_plan", "reviewed_by"])
        for _line, progress in group.changed_progress:
            progress.save(update_fields=["status", "note"])
    progress = [progress for group in groups for _line, progress in group.new_progress]
    for each in progress:
        each.review_id, each.goal_id = each.review.pk, each.goal.pk
    GoalProgress.objects.bulk_create(progress)


def _revised(group: Group, version: int) -> SupportPlan | None:
    """The plan a new version revises: the client's highest lower version of the service."""
    lower = [v for v in group.plans if v < version]
    return group.plans[max(lower)].plan if lower else None


def _find_refusals(groups: list[Group], report: ImportReport) -> None:
    """A constraint refused the write: check every new or changed row with ``full_clean`` (its constraints,
    with their messages and codes), report each refusal on its line and column, and mark its group."""
    for group in groups:
        for state in group.plans.values():
            if not (state.new or state.changed_fields or state.goals_replaced):
                continue
            refusals = _full_clean(state.plan, exclude=["revises"])
            for order, goal in state.goals.items():
                refusals += _full_clean(goal, exclude=["plan"], columns=_goal_columns(order))
            group.failed |= _report(report, state.line, refusals)
        for line, _state, review in group.new_reviews:
            group.failed |= _report(report, line, _full_clean(review, exclude=["plan"]))
        for line, review in group.changed_reviews:
            group.failed |= _report(report, line, _full_clean(review))
        for line, progress in group.new_progress + group.changed_progress:
            group.failed |= _report(report, line, _full_clean(progress, exclude=["review", "goal"]))


def _full_clean(instance, exclude=None, columns=None, **checks) -> list[Refusal]:
    """``instance.full_clean`` as refusals (its fields named as the file's columns)."""
    try:
        instance.full_clean(exclude=exclude, **checks)
    except ValidationError as error:
        return [(error, {**COLUMN_OF_FIELD, **(columns or {})})]
    return []


# -- the importer ------------------------------------------------------------------------------------------
def _write(*, office: Office, table: Table, by: User | None, partial: bool, report: ImportReport) -> None:
    lookups = OfficeLookups(office)
    parsed: list[PlanRow | MonitoringRow] = []
    plan_lines: dict[tuple[int, str, int], int] = {}  # client, service, version → the line of its refused plan
    refused_rows: dict[tuple[int, str], int] = {}  # client and service → the first of their rows not read
    for row in table:
        report.rows += 1
        try:
            parsed.append(_parse(row, lookups, by))
            continue
        except CellError as error:
            report.add(row.line, error.column, str(error), error.code)
        except ExceptionGroup as group:
            for error in group.exceptions:
                report.add(row.line, error.column, str(error), error.code)
        for client_id, service, version in _whose(row, lookups):
            refused_rows.setdefault((client_id, service), row.line)
            if version is not None:
                plan_lines.setdefault((client_id, service, version), row.line)
    existing = _existing_groups({row.client.pk for row in parsed})
    groups: dict[tuple[int, str], Group] = {}
    for row in parsed:
        key = (row.client.pk, row.service)
        if key not in groups:
            plans = existing.get(key, {})
            groups[key] = Group(
                client=row.client, service=row.service, plans=plans, before=[state.facts() for state in plans.values()]
            )
        groups[key].lines.append(row.line)
    seen_plans: dict = {}
    seen_reviews: dict = {}
    # plans first (a monitoring row may come before its plan's row), in the order of their versions
    for row in sorted((r for r in parsed if isinstance(r, PlanRow)), key=lambda r: (r.version, r.line)):
        group = groups[(row.client.pk, row.service)]
        if _apply_plan(group, row, by, seen_plans, report):
            group.steps.append((row.line, "agreed_on", group.facts()))
        else:
            group.failed = True
            plan_lines.setdefault((row.client.pk, row.service, row.version), row.line)
    for row in (r for r in parsed if isinstance(r, MonitoringRow)):
        group = groups[(row.client.pk, row.service)]
        if _apply_monitoring(group, row, by, seen_reviews, plan_lines, report):
            group.steps.append((row.line, "monitored_on", group.facts()))
        else:
            group.failed = True
    for key, line in refused_rows.items():
        if key in groups:
            groups[key].failed = True
            groups[key].unread_line = line
    _guard(list(groups.values()), office, report)
    # a bad group is not written; its rows still hear of the database's rules they break
    _find_refusals([group for group in groups.values() if group.failed], report)
    good = [group for group in groups.values() if not group.failed]
    try:
        with transaction.atomic():
            _write_groups(good)
    except IntegrityError:
        _find_refusals(good, report)
        good = [group for group in good if not group.failed]
        _forget_keys(good)
        with transaction.atomic():
            _write_groups(good)
    for group in groups.values():
        if group.failed:
            if partial:  # what --partial (and the dry run) leaves out; all or nothing writes nothing anyway
                _report_left_out(group, report)
            continue
        report.created += group.outcome["created"]
        report.updated += group.outcome["updated"]
        report.unchanged += group.outcome["unchanged"]


def _whose(row: Row, lookups: OfficeLookups) -> set[tuple[int, str, int | None]]:
    """The client and service of a row that cannot be read, when those cells can (and the version of a plan
    row, whose monitoring rows then name it)."""
    try:
        service = _choice(row, "service", CertificateService, SERVICE_WORDS, default=CertificateService.TRANSITION)
        client = lookups.client(row)
    except CellError:
        return set()
    try:
        version = _version(row) if _kind(row) == PLAN else None
    except CellError:
        version = None
    return {(client.pk, service, version)}


def _forget_keys(groups: list[Group]) -> None:
    """The refused write's savepoint is rolled back, but ``bulk_create`` numbered the rows: forget the numbers."""
    for group in groups:
        for state in group.plans.values():
            if state.new:
                state.plan.pk = None
                state.plan._state.adding = True
            if state.new or state.goals_replaced:
                for goal in state.goals.values():
                    goal.pk = None
                    goal._state.adding = True
        for _line, _state, review in group.new_reviews:
            review.pk = None
            review._state.adding = True
        for _line, progress in group.new_progress:
            progress.pk = None
            progress._state.adding = True


def _report_left_out(group: Group, report: ImportReport) -> None:
    failed = report.failed_lines
    bad = [line for line in group.lines if line in failed] + ([group.unread_line] if group.unread_line else [])
    first_bad = min(bad, default=None)
    if first_bad is None:
        return
    for line in group.lines:
        if line not in failed:
            report.add(line, "", _(MSG_LEFT_OUT) % {"line": first_bad}, ClientError.IMPORT_LEFT_OUT)


def _summary(report: ImportReport) -> str:
    return _(MSG_SUMMARY) % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}


def _check_columns(columns: list[str]) -> list[str]:
    """The client's columns; without the kind column every row is a plan, so the plan's columns too."""
    missing = []
    if "certificate_number" not in columns and not {"family_name", "given_name", "birth_date"} <= set(columns):
        missing.append("certificate_number or family_name+given_name+birth_date")
    if "kind" not in columns:
        missing += [key for key in PLAN_REQUIRED if key not in columns]
    return missing


PLANS = register(
    Importer(
        key="plans",
        label=gettext_noop("Support plans (history)"),
        aliases=ALIASES,
        required=("version",),
        write=_write,
        summary=_summary,
        check_columns=_check_columns,
        refuse_unknown=True,
        columns_help=MSG_COLUMNS_HELP,
    )
)


@audited(by="by")
def import_plans(
    *,
    office: Office,
    path: str | Path,
    by: User | None = None,
    partial: bool = False,
    dry_run: bool = False,
    name: str | None = None,
) -> ImportReport:
    """Import the support-plan history in ``path`` into ``office``.  All or nothing unless ``partial``."""
    return PLANS.run(office=office, path=path, by=by, partial=partial, dry_run=dry_run, name=name)

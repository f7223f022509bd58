"""National scale, simulated (issue 22): a second data set of 300 offices beside the benchmark's 50, and the
comparison of every page between the two (``python manage.py bench_national``, ``make bench-national``).

Japan has about 3,000 就労移行支援 offices; one installation serving a tenth of them holds 300.  The 300-office
data set is built from the benchmark's own (``seed_demo --offices 50 … --years 3``) in two steps:

1. ``CREATE DATABASE <name>_national TEMPLATE <name>`` — PostgreSQL copies the 50-office database's files.
2. ``clone_offices`` copies the 50 demo offices' rows five times inside it (offices 51–300), streaming with
   ``COPY``: each chunk of a table's rows is read with ``COPY (SELECT …) TO STDOUT``, its keys are moved to the
   copy's ids, and it is written with ``COPY … FROM STDIN`` (psycopg 3 ``cursor.copy`` / ``write_row``).

Which tables are an office's is read from the models: a model that says how it reaches its office
(``office_path``, as ``compostela.scoping`` uses it), or that reaches such a model through a required foreign key
(a membership, a through table).  Every row of those tables that belongs to a template office is copied.  The
copy's ids are the template's plus ``copy × stride``, the stride of a table being its largest id, so the ids of
one copy never meet another's or the originals'; a foreign key to an office table moves by the target table's
stride.  Offices and staff logins are copied only in part: the template offices, and the users who are members
of them (foreign keys to anyone else — a shared user — stay as they are).  The copies get new office numbers and
usernames in the demo's numbering (office 51 is ``0110000051``, its manager ``o51-manager``), so the benchmark's
helpers (``devtools.bench.staff_client``, ``demo_offices``) find them.  Shared tables (fee schedules, diagnoses,
regulations) are not copied, nor are ids held inside arrays or JSON (a sensitive export's list of clients —
the demo has none).  The whole clone is one transaction: a clone that stops half-way leaves nothing.

The audit trail is off for the copy's writes, as for the demo seeders: these are invented people, copied
(``_switch_triggers`` says how).

The comparison runs two worker processes, one per database (``bench_national --serve-worker`` with
``DATABASE_URL`` naming it), that each time "GET this page once" on request (JSON lines on stdin/stdout), so the
two data sets are measured by the same code, interleaved run by run (A B, B A, A B …) to share the machine's
noise.  The same office (demo office 1, untouched by the clone) is asked for the same URLs in both.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Count, Exists, F, Max, OuterRef
from django.test import Client as HttpClient
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Event
from psycopg import sql

from compostela.models import Membership, Office, User
from devtools.bench import QueryCounter, dataset_counts, demo_offices, last_attendance_day
from devtools.demo.offices import DEMO_STAFF, demo_office_number, demo_username

COPIES = 5  # 50 offices × (1 + 5) = 300
TEMPLATE_OFFICES = 50  # the benchmark's data set (devtools/management/commands/bench.py ISSUE_DATASET)
DATABASE_SUFFIX = "_national"
CHUNK_ROWS = 20_000  # template rows read per COPY; each is written COPIES times
RUNS = 5  # timed runs per page and database (median), after one warm-up run each
TIME_RATIO = 1.5  # a page at 300 offices may take at most 1.5× its time at 50
EXPLAIN_RUNS = 5  # a failing page's queries are timed over this many runs to find its slowest


# -- which tables are an office's ------------------------------------------------------------------------------
def office_path(model: type[models.Model], _seen: frozenset = frozenset()) -> str | None:
    """How ``model`` reaches its office, as a lookup path (``"office"``, ``"plan__client__office"``; ``"pk"`` for
    the office itself): the model's own ``office_path``, else a required foreign key to a model that has one.
    None for shared tables (and for users, who reach offices only through their memberships)."""
    declared = getattr(model, "office_path", None)
    if declared is not None:
        return declared
    if model is User or model in _seen:
        return None
    for fk in sorted(_foreign_keys(model), key=lambda f: f.related_model is not Office):
        if fk.null:
            continue
        target = office_path(fk.related_model, _seen | {model})
        if target is not None:
            return fk.name if target == "pk" else f"{fk.name}__{target}"
    return None


def office_models() -> list[type[models.Model]]:
    """Every table holding an office's rows, with ``Office`` and ``User`` first and each table after the tables
    its foreign keys point to (the copy checks foreign keys statement by statement)."""
    found = [
        model for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not issubclass(model, Event)
        and model is not Office and office_path(model) is not None
    ]
    ordered: list[type[models.Model]] = [Office, User]
    pending = sorted(found, key=lambda m: m._meta.label)
    while pending:
        ready = [m for m in pending
                 if all(fk.related_model in ordered or fk.related_model is m or fk.related_model not in pending
                        for fk in _foreign_keys(m))]
        if not ready:
            raise RuntimeError("office tables with a cycle of foreign keys: "
                               + ", ".join(m._meta.label for m in pending))
        ordered.extend(ready)
        pending = [m for m in pending if m not in ready]
    return ordered


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]


# -- the clone ---------------------------------------------------------------------------------------------------
@dataclass
class TableCopy:
    table: str
    template_rows: int = 0
    written_rows: int = 0
    seconds: float = 0.0


@dataclass
class CloneReport:
    templates: int
    copies: int
    offices_added: int
    users_added: int
    seconds: float = 0.0
    tables: list[TableCopy] = field(default_factory=list)

    @property
    def written_rows(self) -> int:
        return sum(t.written_rows for t in self.tables)


def demo_index(office: Office) -> int:
    """The demo numbering's index of an office (``0110000007`` → 7); the clone names its copies after it."""
    index = int(office.number[-5:])
    if office.number != demo_office_number(index):
        raise ValueError(f"office {office.number} is not numbered as a demo office; it cannot be a template")
    return index


def clone_offices(*, templates: list[Office], copies: int, progress=None, analyze: bool = True) -> CloneReport:
    """Copy every row of the ``templates`` offices ``copies`` times (see the module's docstring): copy ``k`` of
    demo office ``i`` is demo office ``i + k × n``, ``n`` the largest template index.  One transaction."""
    progress = progress if progress is not None else Progress(sys.stderr)
    started = time.monotonic()
    step = max(demo_index(o) for o in templates)
    office_ids = sorted(o.pk for o in templates)
    logins = _logins(Membership.objects.filter(office__in=templates).select_related("office", "user"),
                     copies=copies, step=step)
    user_ids = set(User.objects.filter(username__in=logins).values_list("pk", flat=True))
    tables = office_models()
    report = CloneReport(templates=len(templates), copies=copies, offices_added=len(templates) * copies,
                         users_added=len(user_ids) * copies)
    selection = {Office: Office._base_manager.filter(pk__in=office_ids),
                 User: User._base_manager.filter(pk__in=user_ids)}
    rewrite = {
        Office: {"number": lambda value, k: demo_office_number(int(value[-5:]) + k * step),
                 "name": lambda value, k: _numbered_name(value, k * step)},
        User: {"username": lambda value, k: logins[value][k]},
    }
    with transaction.atomic():
        with connection.cursor() as cursor:
            # foreign keys checked at each COPY's end, not at commit: no queue of millions of deferred checks
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            _switch_triggers(cursor, tables, "DISABLE")
            strides = {m: _largest_id(m) for m in tables}
        remap = _Remap(strides=strides, offices=set(office_ids), users=user_ids)
        for model in tables:
            queryset = selection.get(model)
            if queryset is None:
                queryset = model._base_manager.filter(**{f"{office_path(model)}__in": office_ids})
            report.tables.append(_copy_table(model, queryset, copies=copies, remap=remap,
                                             rewrite=rewrite.get(model, {}), progress=progress))
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), tables):
                cursor.execute(statement)
            if analyze:
                progress.line("clone: ANALYZE …")
                cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables))
            _switch_triggers(cursor, tables, "ENABLE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default, for the rest of a caller's block
    report.seconds = time.monotonic() - started
    progress.line(f"clone: {report.written_rows:,} rows written in {report.seconds:.1f}s "
                  f"({report.written_rows / max(report.seconds, 1e-9):,.0f} rows/s)")
    return report


def _switch_triggers(cursor, tables, action: str) -> None:
    """The tables' own row triggers (not the foreign keys' and constraints', which stay on) are off for the copy,
    inside its transaction, and on again before it commits.  They are the audit trail — off for invented people
    copied, as for the demo seeders — and two checks the copy keeps by construction (each copy is the template
    with its keys moved): a certificate number's one owner in an office, a goal progress's plan.  The trail's
    own switch (pgtrigger's ignore list, the seeders' way) still runs each trigger to read the list, row by row
    (~2,000 rows/s), and the certificate check takes an advisory lock a row, more than one transaction may hold
    for 300 offices."""
    quote = connection.ops.quote_name
    for model in tables:
        cursor.execute(f"ALTER TABLE {quote(model._meta.db_table)} {action} TRIGGER USER")


def _logins(memberships: Iterable[Membership], *, copies: int, step: int) -> dict[str, dict[int, str]]:
    """The template offices' members: username → {copy: username of the copy}; ``o<j>-<suffix>`` for a demo
    login of office ``i`` (``j = i + k × step``), else ``<username>-c<k>``."""
    suffixes = [suffix for suffix, *_ in DEMO_STAFF]
    names: dict[str, dict[int, str]] = {}
    for membership in memberships:
        username, index = membership.user.username, demo_index(membership.office)
        if username in names:
            continue
        suffix = next((s for s in suffixes if username == demo_username(index, s)), None)
        names[username] = {k: demo_username(index + k * step, suffix) if suffix else f"{username}-c{k}"
                           for k in range(1, copies + 1)}
    return names


def _numbered_name(name: str, shift: int) -> str:
    """``…第7`` → ``…第57`` (shift 50); a name without a number is office 1's (the demo numbers the others)."""
    match = re.search(r"第(\d+)$", name)
    index = int(match.group(1)) if match else 1
    return f"{name[:match.start()] if match else name}第{index + shift}"


def _largest_id(model) -> int:
    return model._base_manager.aggregate(largest=Max("pk"))["largest"] or 0


class _Remap:
    """New ids for copy ``k``: a table's own key and keys into office tables move by the table's stride; keys
    into offices and users move only when they name a template office or one of its members."""

    def __init__(self, *, strides: dict, offices: set[int], users: set[int]):
        self.strides, self.partial = strides, {Office: offices, User: users}

    def columns(self, model) -> list[tuple[int, int, set | None]]:
        """(column position, stride, ids that move or None for all) for the key columns of ``model``'s rows."""
        out = []
        for position, f in enumerate(model._meta.concrete_fields):
            target = model if f.primary_key else (f.related_model if f.is_relation else None)
            if target is None or target not in self.strides:
                continue
            if f.primary_key and f.is_relation:  # a one-to-one primary key moves with its target
                target = f.related_model
            out.append((position, self.strides[target], None if f.primary_key else self.partial.get(target)))
        return out


def _copy_table(model, queryset, *, copies: int, remap: _Remap, rewrite: dict, progress) -> TableCopy:
    fields = model._meta.concrete_fields
    keys = remap.columns(model)
    rewrites = [(i, rewrite[f.name]) for i, f in enumerate(fields) if f.name in rewrite]
    target = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields))
    done = TableCopy(table=model._meta.db_table)
    started = time.monotonic()
    raw = connection.connection  # psycopg: Django's connection, in the clone's transaction
    for rows in _chunks(queryset, fields):
        with raw.cursor() as cursor, cursor.copy(target) as copy:
            for template in rows:
                row = list(template)
                moved = [(i, int(row[i]), stride, moving) for i, stride, moving in keys if row[i] is not None]
                for k in range(1, copies + 1):
                    for i, old, stride, moving in moved:
                        row[i] = old + k * stride if moving is None or old in moving else old
                    for i, change in rewrites:
                        row[i] = change(template[i], k)
                    copy.write_row(row)
        done.template_rows += len(rows)
        done.written_rows = done.template_rows * copies
        progress.table(done, time.monotonic() - started)
    done.seconds = time.monotonic() - started
    progress.table(done, done.seconds, final=True)
    return done


def _chunks(queryset, fields) -> Iterator[list[tuple]]:
    """The queryset's rows, as text (``COPY … TO STDOUT``), CHUNK_ROWS at a time in key order."""
    pk = next(i for i, f in enumerate(fields) if f.primary_key)
    connection.ensure_connection()
    raw = connection.connection
    page = queryset
    while True:
        select, params = page.order_by("pk").values_list(*[f.attname for f in fields])[:CHUNK_ROWS].query \
            .sql_with_params()
        with raw.cursor() as cursor, cursor.copy(f"COPY ({connection.ops.compose_sql(select, params)}) TO STDOUT") \
                as copy:
            rows = list(copy.rows())
        if rows:
            yield rows
        if len(rows) < CHUNK_ROWS:
            return
        page = queryset.filter(pk__gt=int(rows[-1][pk]))


def office_rows(model: type[models.Model], offices: Iterable[Office]) -> int:
    """How many rows of an office table belong to ``offices`` (for users: how many are members of them)."""
    ids = [office.pk for office in offices]
    if model is User:
        return User.objects.filter(pk__in=Membership.objects.filter(office__in=ids).values("user")).count()
    return model._base_manager.filter(**{f"{office_path(model)}__in": ids}).count()


def crossing_references(offices: Iterable[Office]) -> dict[str, int]:
    """The references that leave their office, from the rows of ``offices``: per table and foreign key, the rows
    whose target belongs to another office, or that name a staff member (someone with a membership) who is not
    a member of the row's office.  Empty for a consistent data set."""
    offices = list(offices)
    found = {}
    for model in office_models():
        if model in (Office, User):
            continue
        path = office_path(model)
        rows = model._base_manager.filter(**{f"{path}__in": offices})
        for fk in _foreign_keys(model):
            target, target_path = fk.related_model, office_path(fk.related_model)
            if target is User:
                staff = Membership.objects.filter(user=OuterRef(fk.attname))
                crossing = rows.filter(Exists(staff)).exclude(Exists(staff.filter(office=OuterRef(path))))
            elif target_path is None:
                continue  # a shared table (fee schedules, diagnoses)
            else:
                key = fk.name if target_path == "pk" else f"{fk.name}__{target_path}"
                crossing = rows.filter(**{f"{fk.name}__isnull": False}).exclude(**{key: F(path)})
            count = crossing.count()
            if count:
                found[f"{model._meta.label}.{fk.name}"] = count
    return found


class Progress:
    """The clone's progress on stderr: per table, rows read and written and the rate, on one line that is
    rewritten until the table is done."""

    def __init__(self, stream):
        self.stream = stream

    def table(self, done: TableCopy, seconds: float, *, final: bool = False) -> None:
        rate = done.written_rows / max(seconds, 1e-9)
        self.stream.write(f"clone: {done.table:<40} {done.template_rows:>9,} template rows → "
                          f"{done.written_rows:>10,} written  {seconds:6.1f}s  {rate:>9,.0f} rows/s"
                          + ("\n" if final else "\r"))
        self.stream.flush()

    def line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


# -- the two databases -------------------------------------------------------------------------------------------
def base_database() -> str:
    """The configured database: the benchmark's 50 offices."""
    return connection.settings_dict["NAME"]


def national_database(base: str | None = None) -> str:
    return (base or base_database()) + DATABASE_SUFFIX


def database_url(name: str) -> str:
    """A ``DATABASE_URL`` for database ``name`` on the configured server (user, password, host or socket)."""
    s = connection.settings_dict
    host, port = s["HOST"] or s["OPTIONS"].get("host", ""), s["PORT"] or ""
    login = quote(s["USER"] or "", safe="") + (f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else "")
    if host.startswith("/"):  # a Unix socket directory (the embedded server's)
        return f"postgres://{login}@/{quote(name)}?host={quote(host, safe='/')}"
    return f"postgres://{login}@{host}{':' + str(port) if port else ''}/{quote(name)}"


def _server() -> psycopg.Connection:
    """A connection to the server's maintenance database, for CREATE and DROP DATABASE."""
    s = connection.settings_dict
    params = {"dbname": "postgres", "user": s["USER"], "password": s["PASSWORD"],
              "host": s["HOST"] or s["OPTIONS"].get("host"), "port": s["PORT"]}
    return psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v})


def database_exists(name: str) -> bool:
    with _server() as server:
        return server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def copy_database(*, template: str, name: str) -> float:
    """Drop ``name`` and create it as a file copy of ``template``; the seconds it took.  PostgreSQL refuses the
    copy while anyone else is connected to the template, so Django's own connection is closed first."""
    connection.close()
    started = time.monotonic()
    with _server() as server:
        others = server.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                                [template]).fetchone()[0]
        if others:
            raise RuntimeError(f"{others} other session(s) are connected to {template}; CREATE DATABASE … TEMPLATE "
                               "needs none (stop make run, make serve or a worker using it).")
        # the national database is the benchmark's own copy: sessions left in it are dropped with it
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        server.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
            sql.Identifier(name), sql.Identifier(template)))
    return time.monotonic() - started


def run_command(*args: str, database: str, **popen) -> subprocess.Popen:
    """``manage.py <args>`` in a child process whose database is ``database``."""
    env = {**os.environ, "DATABASE_URL": database_url(database),
           "CONN_MAX_AGE": "60"}  # one connection for all requests, as ``make serve`` runs
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]
    return subprocess.Popen(command, env=env, **popen)  # noqa: S603 - this project's manage.py


# -- building the 300 offices ------------------------------------------------------------------------------------
def grow(*, copies: int = COPIES, offices: int = TEMPLATE_OFFICES, progress=None) -> dict:
    """In the national database (a fresh copy of the 50-office one): clone its demo offices ``copies`` times,
    check that no copied row points outside its office, and count the result."""
    progress = progress if progress is not None else Progress(sys.stderr)
    templates = demo_offices()
    if [demo_index(o) for o in templates] != list(range(1, offices + 1)):
        raise RuntimeError(f"expected demo offices 1–{offices} and no others (a fresh copy of the benchmark's data "
                           f"set), found {len(templates)}; rebuild with --rebuild")
    report = clone_offices(templates=templates, copies=copies, progress=progress)
    progress.line("clone: checking that no copied row refers to another office …")
    started = time.monotonic()
    added = Office.objects.filter(number__in=[demo_office_number(i) for i in range(offices + 1,
                                                                                    offices * (copies + 1) + 1)])
    crossing = crossing_references(added)
    return {"clone": asdict(report) | {"written_rows": report.written_rows}, "crossing_references": crossing,
            "check_s": round(time.monotonic() - started, 1), "counts": dataset_counts()}


# -- the comparison ------------------------------------------------------------------------------------------------
def manager_client(office: Office) -> HttpClient:
    """Logged in as the office's manager, in the office (``devtools.bench.staff_client`` logs in its supervisor,
    to whom the billing pages are closed)."""
    from compostela.scoping import SESSION_OFFICE_KEY

    http = HttpClient()
    http.force_login(User.objects.get(username=demo_username(demo_index(office), "manager")))
    session = http.session
    session[SESSION_OFFICE_KEY] = office.pk
    session.save()
    return http


def page_urls(office: Office, today: date) -> dict[str, str]:
    """The pages staff open, for ``office``: where a page needs a day, a month or a person, the office's own
    (its last day with attendance, its latest closed month, its client with the longest history)."""
    from billing.models import MonthClosing
    from clients.models import Client

    day = last_attendance_day(office, today)
    client = Client.objects.filter(office=office).annotate(n=Count("attendance")).order_by("-n", "pk").first()
    closed = MonthClosing.objects.filter(office=office, reopened_at__isnull=True).order_by("-month").first()
    billing = reverse("billing:index")
    pages = {
        "home": reverse("home"),
        "roster (one day)": f"{reverse('attendance:day')}?day={day:%Y-%m-%d}",
        "attendance month": reverse("attendance:month"),
        "client list": reverse("clients:list"),
        "client page": reverse("clients:detail", args=[client.pk]) if client else None,
        "case review": reverse("review:board"),
        "billing (last month)": billing,
        "billing (closed month)": f"{billing}?month={closed.month:%Y-%m}" if closed else None,
        "billing outstanding": reverse("billing:outstanding"),
        "retention tier": reverse("billing:tier"),
        "follow-up cost": reverse("billing:followup_cost"),
        "placements": reverse("placements:index"),
        "hires": reverse("placements:hire_list"),
        "employers": reverse("placements:employer_list"),
        "employer contacts": reverse("placements:contact_log"),
        "outreach": reverse("placements:outreach_list"),
        "placement figures": reverse("placements:figures"),
    }
    return {name: url for name, url in pages.items() if url is not None}


def serve_worker(requests=None, answers=None) -> None:
    """Answer the comparison's requests, one JSON object a line: ``pages`` (the URLs and the data set's
    counts), ``get`` (one timed request of a URL, with its queries), ``explain`` (the page's slowest query and
    its plan), ``quit``.  Anything else written to stdout goes to stderr, so the answers stay parseable."""
    requests = requests or sys.stdin
    answers = answers or sys.stdout
    office = demo_offices()[0]
    http = manager_client(office)
    with contextlib.redirect_stdout(sys.stderr), override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], SECURE_SSL_REDIRECT=False,
            DEBUG=False):  # as in production (no query log, no debug pages)
        for line in requests:
            request = json.loads(line)
            try:
                answer = _answer(request, http=http, office=office)
            except Exception as error:  # noqa: BLE001 - reported to the parent, which stops
                answer = {"error": f"{type(error).__name__}: {error}"}
            answers.write(json.dumps(answer, default=str) + "\n")
            answers.flush()
            if request["op"] == "quit":
                return


def _answer(request: dict, *, http: HttpClient, office: Office) -> dict:
    from django.test.utils import CaptureQueriesContext

    op = request["op"]
    if op == "pages":
        return {"database": base_database(), "office": office.number, "counts": dataset_counts(),
                "pages": page_urls(office, timezone.localdate())}
    if op == "get":
        with QueryCounter() as counted:
            started = time.perf_counter()
            response = http.get(request["url"])
            ms = (time.perf_counter() - started) * 1000
        return {"ms": ms, "queries": counted.count, "status": response.status_code, "bytes": len(response.content)}
    if op == "explain":
        runs = []
        for _ in range(EXPLAIN_RUNS):
            with CaptureQueriesContext(connection) as captured:
                http.get(request["url"])
            runs.append(captured.captured_queries)
        # the same statements in the same order on every run: the slowest by its median time over the runs
        times = [statistics.median(float(run[i]["time"]) for run in runs) for i in range(len(runs[0]))]
        reads = [i for i, q in enumerate(runs[-1]) if q["sql"].lstrip().upper().startswith("SELECT")]
        slowest = max(reads, key=lambda i: times[i])  # EXPLAIN ANALYZE runs the statement: reads only
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + runs[-1][slowest]["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        return {"sql": runs[-1][slowest]["sql"], "ms": times[slowest] * 1000, "plan": plan,
                "queries_ms": [round(t * 1000, 2) for t in times]}
    if op == "quit":
        return {"bye": True}
    raise ValueError(f"unknown request {op!r}")


class Worker:
    """One ``bench_national --serve-worker`` child for one database."""

    def __init__(self, database: str):
        self.database = database
        self.process = run_command("bench_national", "--serve-worker", database=database, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)

    def ask(self, **request) -> dict:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the worker for {self.database} stopped (see its messages above)")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"the worker for {self.database}: {answer['error']}")
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.ask(op="quit")
            except (RuntimeError, BrokenPipeError):
                pass
        self.process.wait(timeout=60)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is not None and self.process.poll() is None:
            self.process.kill()
        self.close()


@dataclass
class PageLine:
    name: str
    url: str
    queries_base: list[int] = field(default_factory=list)  # every run's count (they should all be the same)
    queries_national: list[int] = field(default_factory=list)
    ms_base: list[float] = field(default_factory=list)
    ms_national: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    explain: dict = field(default_factory=dict)

    @property
    def median_base(self) -> float:
        return statistics.median(self.ms_base)

    @property
    def median_national(self) -> float:
        return statistics.median(self.ms_national)

    @property
    def ratio(self) -> float:
        return self.median_national / self.median_base

    @property
    def same_queries(self) -> bool:
        return len(set(self.queries_base) | set(self.queries_national)) == 1

    @property
    def passed(self) -> bool:
        return self.same_queries and self.ratio <= TIME_RATIO and set(self.statuses) == {200}


def compare(*, base: str, national: str, runs: int = RUNS, only: list[str] | None = None,
            log=None) -> tuple[list[PageLine], dict]:
    """Every page of ``page_urls`` in both databases: one warm-up request each, then ``runs`` timed requests
    each, interleaved (A B, B A, A B …).  For a page that fails, the slowest query's plan in both."""
    log = log or (lambda text: print(text, file=sys.stderr, flush=True))
    with Worker(base) as a, Worker(national) as b:
        info_a, info_b = a.ask(op="pages"), b.ask(op="pages")
        if info_a["pages"] != info_b["pages"]:
            raise RuntimeError("the two databases give demo office 1 different pages (is the 300-office database "
                               f"a copy of this one?): {info_a['pages']} / {info_b['pages']}")
        lines = []
        for name, url in info_a["pages"].items():
            if only and name not in only:
                continue
            log(f"bench_national: {name} ({url}) …")
            line = PageLine(name=name, url=url)
            a.ask(op="get", url=url)
            b.ask(op="get", url=url)
            for run in range(runs):
                for worker in (a, b) if run % 2 == 0 else (b, a):
                    answer = worker.ask(op="get", url=url)
                    line.statuses.append(answer["status"])
                    if worker is a:
                        line.ms_base.append(answer["ms"])
                        line.queries_base.append(answer["queries"])
                    else:
                        line.ms_national.append(answer["ms"])
                        line.queries_national.append(answer["queries"])
            if not line.passed and set(line.statuses) == {200}:
                line.explain = {"300": b.ask(op="explain", url=url), "50": a.ask(op="explain", url=url)}
            lines.append(line)
    return lines, {"50": info_a["counts"], "300": info_b["counts"], "office": info_a["office"]}


def render_comparison(lines: list[PageLine]) -> str:
    header = ["page", "queries 50", "queries 300", "median ms 50", "median ms 300", "ratio", "result"]
    body = []
    for line in lines:
        def queries(counts):
            return str(counts[0]) if len(set(counts)) == 1 else f"{min(counts)}–{max(counts)}"
        result = "PASS" if line.passed else "FAIL"
        if set(line.statuses) != {200}:
            result += f" (HTTP {sorted(set(line.statuses))})"
        body.append([line.name, queries(line.queries_base), queries(line.queries_national),
                     f"{line.median_base:.1f}", f"{line.median_national:.1f}", f"{line.ratio:.2f}×", result])
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    out = []
    for row in [header, *body]:
        cells = [cell.ljust(w) if i == 0 else cell.rjust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        out.append(" | ".join(cells))
        if row is header:
            out.append("-+-".join("-" * w for w in widths))
    return "\n".join(out)


def write_json(path: Path, *, section: str, content: dict) -> None:
    """Write ``section`` of the JSON report, keeping the other (the build's numbers survive a later comparison)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    document[section] = {"generated_at": timezone.now().isoformat(), **content}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def lines_json(lines: list[PageLine]) -> list[dict]:
    return [{**asdict(line), "median_ms_50": round(line.median_base, 2),
             "median_ms_300": round(line.median_national, 2), "ratio": round(line.ratio, 3),
             "same_queries": line.same_queries, "status": "PASS" if line.passed else "FAIL"} for line in lines]

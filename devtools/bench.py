"""The benchmark behind ``python manage.py bench`` (``make bench``): the screens and computations of issue 11
timed on the large demo data set, each with its budget.

For every operation: median and p95 wall time over ``runs`` repetitions (after one warm-up run), the
queries of one run (``CaptureQueriesContext``), the peak of Python allocations during one run
(``tracemalloc``, a separate run so that tracing does not slow the timed ones) and, where one exists, a
floor with the ratio between the two: the same result computed by ONE hand-written SQL query (roster, client
list), or for billing the time to read its inputs with plain SELECTs (``BILLING_INPUT_SELECTS``), or for the
case review the same page with its rows written by the frozen HTML-in-Python renderer that the row templates
replaced (``devtools/bench_reference.py``; issue 16 §5: the templates may cost at most 1.5× its page time).

Pages are requested in-process through Django's test ``Client`` with a logged-in staff member of the office
(the whole middleware stack, templates included; no network).  "Query counts constant in the number of
rows" is checked by running the same operation on a small office (a handful of clients) and on a large one
(300 clients; the case-review line uses it as "a 300-person office") and comparing the counts.  The two
offices are built by the benchmark itself, next to the 50 demo offices, with the demo seeders.

Nothing here asserts or hard-codes a result: the budgets are printed PASS/FAIL and written to the JSON.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef
from django.test import Client as HttpClient
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from compostela.audit import audit_context
from compostela.models import AreaGrade, Membership, Office, User
from devtools.demo.offices import DEMO_PASSWORD, DEMO_STAFF, demo_office_number, demo_username
from devtools.kana import kana_number
from regulations import rules as regulations

# -- budgets (issue 11) ---------------------------------------------------------------------------------------
PAGE_MEDIAN_MS = 150
BILLING_FLOOR_RATIO = 5  # billing month ≤ 5× the time of reading its inputs with plain SELECTs
ALL_OFFICES_S = 5
PDF_S = 10
PDF_FLOOR_RATIO = 4  # one office's month, cold, ≤ 4× WeasyPrint's time for as many pages of a minimal template
PEAK_MB = 500
REVIEW_REFERENCE_RATIO = 1.5  # case review (300 people) ≤ 1.5× the page with the HTML-in-Python rows (issue 16)
REFERENCE_BLOCKS = 4  # … timed in alternating blocks of runs / 4 each
CLAIM_FILE_RATIO = 2  # one office-month's claim file ≤ 2× the month's billing computation, same run (issue 21)
IMPORT_ROWS = 10_000  # "importing 10,000 client rows"
IMPORT_COPY_RATIO = 10  # … takes at most 10× the time of COPYing the same rows into the same tables

# The two offices the benchmark adds to compare query counts at two sizes (demo numbering, far past 50).
SMALL_INDEX, LARGE_INDEX = 901, 903
IMPORT_INDEX = 905  # the office the client import line imports into (each run rolled back)
DAY_ROWS = 30  # "saving a whole day (30 rows)"
APP_SEEDERS = ["devtools.demo.clients", "devtools.demo.placements", "devtools.demo.attendance"]
BILLABLE = regulations.BILLABLE_STATUSES


@dataclass
class Check:
    name: str
    limit: str
    value: str
    ok: bool


@dataclass
class Line:
    name: str
    available: bool = True
    runs: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    queries_small: int | None = None  # same operation on the small comparison office
    queries_large: int | None = None  # … and on the large one (300 clients)
    peak_mb: float | None = None
    sql_ms: float | None = None  # the floor: one hand-written query, or billing's inputs read with plain SELECTs
    ratio: float | None = None
    extra: dict = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    note: str = ""

    @property
    def status(self) -> str:
        if not self.available:
            return "N/A"
        return "PASS" if all(c.ok for c in self.checks) else "FAIL"


@dataclass
class Measured:
    times_ms: list[float]
    queries: int
    peak_mb: float

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]


def measure(operation: Callable[[], object], *, runs: int, prepare: Callable[[], None] | None = None) -> Measured:
    """Warm up once, time ``runs`` runs, then count the queries of one run and trace the memory of another.
    ``prepare`` (not timed) runs before each run."""
    def once():
        if prepare is not None:
            prepare()
        started = time.perf_counter()
        operation()
        return (time.perf_counter() - started) * 1000

    once()
    times = [once() for _ in range(runs)]
    if prepare is not None:
        prepare()
    with QueryCounter() as counted:
        operation()
    if prepare is not None:
        prepare()
    tracemalloc.start()
    try:
        operation()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Measured(times_ms=times, queries=counted.count, peak_mb=peak / 2**20)


def measure_times(operation: Callable[[], object], *, runs: int) -> list[float]:
    """Milliseconds of ``runs`` runs after one warm-up run."""
    operation()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        operation()
        times.append((time.perf_counter() - started) * 1000)
    return times


class QueryCounter:
    """Counts the statements sent to the database (an execute wrapper: unlike the debug query log it is not
    reset when a request starts, and has no length limit)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)


def time_sql(sql: str, params, *, runs: int) -> tuple[float, list[tuple]]:
    """Median milliseconds of one query (fetching every row), and its rows."""
    rows: list[tuple] = []
    times = []
    with connection.cursor() as cursor:
        for _ in range(runs + 1):
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[1:]), rows


# -- the data set ---------------------------------------------------------------------------------------------
@dataclass
class DataSet:
    offices: list[Office]  # the demo offices (seed_demo)
    office: Office  # the one the single-office lines use (the first demo office)
    small: Office
    large: Office


def demo_offices() -> list[Office]:
    numbers = [demo_office_number(i) for i in range(1, SMALL_INDEX)]
    return list(Office.objects.filter(number__in=numbers).order_by("number"))


def ensure_size_office(*, index: int, clients: int, capacity: int, years: int, seed: int = 1) -> Office:
    """An office with ``clients`` demo clients and ``years`` of history (demo seeders; idempotent)."""
    from billing.models import OfficeFeeSettings, QualifiedStaff, TransportLevel

    office, _ = Office.objects.get_or_create(
        number=demo_office_number(index),
        defaults={"name": f"ベンチマーク事業所{index}", "capacity": capacity, "area_grade": AreaGrade.GRADE_7,
                  "opened_on": date(2012, 4, 1)},
    )
    password = make_password(DEMO_PASSWORD)
    for suffix, last_name, first_name, role in DEMO_STAFF:
        user, created = User.objects.get_or_create(username=demo_username(index, suffix),
                                                   defaults={"last_name": last_name, "first_name": first_name,
                                                             "password": password})
        Membership.objects.get_or_create(user=user, office=office, defaults={"role": role})
    OfficeFeeSettings.objects.get_or_create(
        office=office, valid_from=date(2018, 4, 1),
        defaults={"qualified_staff": QualifiedStaff.II, "trained_staff": True, "transport": TransportLevel.NONE,
                  "meals": False, "runs_retention_support": True},
    )
    for module_name in APP_SEEDERS:
        module = importlib.import_module(module_name)
        with audit_context(reason="bench: size office", bulk_seed=True):
            module.seed(offices=[office], clients_per_office=clients, years=years,
                        rng=random.Random(f"{seed}:{module_name}:{index}"),  # noqa: S311 - demo data
                        stdout=_Null())
    return office


class _Null:
    def write(self, *_args, **_kwargs):
        pass


def dataset_ready(*, min_offices: int) -> bool:
    from attendance.models import Attendance

    offices = demo_offices()
    # every office needs its attendance: a seed that stopped half-way is not a data set
    return len(offices) >= min_offices and all(
        Attendance.objects.filter(office=office).exists() for office in offices[:min_offices]
    )


def dataset_counts() -> dict:
    from attendance.models import Attendance
    from clients.models import Client
    from placements.models import FollowUpContact, Hire

    offices = demo_offices()
    return {
        "offices": len(offices),
        "clients": Client.objects.filter(office__in=offices).count(),
        "attendance_rows": Attendance.objects.filter(office__in=offices).count(),
        "hires": Hire.objects.filter(office__in=offices).count(),
        "followups": FollowUpContact.objects.filter(office__in=offices).count(),
    }


# -- helpers for pages ------------------------------------------------------------------------------------------
def staff_client(office: Office) -> HttpClient:
    index = int(office.number[-5:])
    user = User.objects.get(username=demo_username(index, "supervisor"))
    http = HttpClient()
    http.force_login(user)
    session = http.session
    from compostela.scoping import SESSION_OFFICE_KEY

    session[SESSION_OFFICE_KEY] = office.pk
    session.save()
    return http


def html_in_python_templates() -> list[dict]:
    """``settings.TEMPLATES`` with the case-review board's row fragment (``review/rows.html``) answered by the
    frozen HTML-in-Python renderer (``devtools/bench_reference.py``): the benchmark's reference for the rows."""
    return [
        {**engine, "OPTIONS": {**engine.get("OPTIONS", {}), "environment": "devtools.bench_reference.environment"}}
        if engine["BACKEND"].endswith(".Jinja2") else engine
        for engine in settings.TEMPLATES
    ]


def get_ok(http: HttpClient, url: str) -> Callable[[], None]:
    def run():
        response = http.get(url)
        if response.status_code != 200:
            raise BenchError(f"GET {url} answered {response.status_code}")
    return run


class BenchError(RuntimeError):
    pass


def last_attendance_day(office: Office, today: date) -> date:
    from attendance.models import Attendance

    day = Attendance.objects.filter(office=office, day__lt=today).aggregate(d=Max("day"))["d"]
    return day or today - timedelta(days=1)


# -- the benchmark ------------------------------------------------------------------------------------------------
class Bench:
    def __init__(self, data: DataSet, *, runs: int, heavy_runs: int, out=sys.stdout, only: list[str] | None = None):
        self.data, self.runs, self.heavy_runs, self.out = data, runs, heavy_runs, out
        self.only = only  # step names (``case_review``); None: every step
        self.today = timezone.localdate()
        self.lines: list[Line] = []

    def log(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def run(self) -> list[Line]:
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], SECURE_SSL_REDIRECT=False,
                               DEBUG=False):  # as in production (no query log, no debug pages)
            for step in (self.roster_page, self.save_day, self.case_review, self.client_list, self.client_page,
                         self.billing_month, self.billing_all_offices, self.tier, self.followup_cost, self.pdfs,
                         self.client_import, self.claim_file):
                if self.only and step.__name__ not in self.only:
                    continue
                self.log(f"bench: {step.__name__} …")
                try:
                    step()
                except BenchError as error:
                    self.lines.append(Line(name=step.__name__, available=True,
                                           checks=[Check("runs", "no error", str(error), False)], note=str(error)))
        return self.lines

    # checks shared by the lines
    def _common(self, line: Line, m: Measured, *, sizes: tuple[int, int] | None, page: bool) -> None:
        line.runs, line.median_ms, line.p95_ms = len(m.times_ms), m.median, m.p95
        line.queries, line.peak_mb = m.queries, m.peak_mb
        if page:
            line.checks.append(Check("median", f"≤ {PAGE_MEDIAN_MS} ms", f"{m.median:.1f} ms",
                                     m.median <= PAGE_MEDIAN_MS))
        if sizes is not None:
            small, large = line.queries_small, line.queries_large = sizes
            line.checks.append(Check("queries constant", "small = large", f"{small} / {large}", small == large))
        line.checks.append(Check("peak memory", f"≤ {PEAK_MB} MB", f"{m.peak_mb:.1f} MB", m.peak_mb <= PEAK_MB))

    def _sizes(self, make: Callable[[Office], Callable[[], object]]) -> tuple[int, int]:
        """Queries of the same operation on the small and on the large comparison office."""
        return self._queries_of(make(self.data.small)), self._queries_of(make(self.data.large))

    def _queries_of(self, operation: Callable[[], object], prepare: Callable[[], None] | None = None) -> int:
        if prepare is not None:
            prepare()
        operation()  # warm (first-request caches)
        if prepare is not None:
            prepare()
        with QueryCounter() as counted:
            operation()
        return counted.count

    # -- roster ----------------------------------------------------------------------------------------------
    def roster_page(self) -> None:
        office = self.data.office
        day = last_attendance_day(office, self.today)
        url = f"{reverse('attendance:day')}?day={day:%Y-%m-%d}"
        sizes = self._sizes(lambda o: get_ok(staff_client(o), url))
        m = measure(get_ok(staff_client(office), url), runs=self.runs)
        line = Line(name="roster page (1 office, 1 day)")
        self._common(line, m, sizes=sizes, page=True)
        line.sql_ms, rows = time_sql(ROSTER_SQL, {"office": office.pk, "day": day}, runs=self.runs)
        line.ratio = m.median / line.sql_ms if line.sql_ms else None
        line.extra = {"day": day.isoformat(), "roster_rows_sql": len(rows)}
        self.lines.append(line)

    def save_day(self) -> None:
        from attendance.selectors import attendance_roster
        from attendance.services import attendance_fingerprint

        office = self.data.large
        day = last_attendance_day(office, self.today)
        url = reverse("attendance:day")
        counter = [0]
        payload: dict = {}

        def prepare_for(target: Office, limit: int):
            def prepare():
                counter[0] += 1
                roster = attendance_roster(office=target, day=day, today=self.today)
                data = {"day": f"{day:%Y-%m-%d}"}
                for row in roster.rows[:limit]:
                    prefix = f"c{row.client.pk}-"
                    record = row.record
                    status = record.status if record else "absent"
                    data[prefix + "status"] = status
                    if status in BILLABLE:
                        for name in ("start_time", "end_time"):
                            value = getattr(record, name) or getattr(row.client, f"usual_{name.split('_')[0]}")
                            data[prefix + name] = value.strftime("%H:%M") if value else ""
                        for name in ("transport_to", "transport_from", "meal"):
                            if getattr(record, name):
                                data[prefix + name] = "on"
                    data[prefix + "note"] = f"bench {counter[0]}"
                    data[prefix + "version"] = str(record.version if record else 0)
                    data[prefix + "fingerprint"] = attendance_fingerprint(record)
                payload.clear()
                payload.update(data)
                payload["_rows"] = min(limit, len(roster.rows))
            return prepare

        def post(http):
            def run():
                data = {k: v for k, v in payload.items() if k != "_rows"}
                response = http.post(url, data)
                if response.status_code != 302:
                    raise BenchError(f"POST {url} answered {response.status_code}")
            return run

        small_office = self.data.small
        small = self._queries_of(post(staff_client(small_office)), prepare_for(small_office, 1_000))
        small_rows = payload["_rows"]
        prepare = prepare_for(office, DAY_ROWS)
        m = measure(post(staff_client(office)), runs=self.runs, prepare=prepare)
        line = Line(name=f"save a whole day ({payload['_rows']} rows)")
        self._common(line, m, sizes=(small, m.queries), page=True)
        line.extra = {"day": day.isoformat(), "rows": payload["_rows"], "rows_small": small_rows}
        line.note = f"timed on the large office; queries compared with the small office saving {small_rows} row(s)"
        self.lines.append(line)

    # -- case review -----------------------------------------------------------------------------------------
    def case_review(self) -> None:
        try:
            selectors = importlib.import_module("review.selectors")
            board = selectors.review_board
        except (ModuleNotFoundError, AttributeError):
            self.lines.append(Line(name="case review (1 office)", available=False,
                                   note="review.selectors.review_board not available"))
            self.lines.append(Line(name="case review (300-person office)", available=False,
                                   note="review.selectors.review_board not available"))
            return
        url = reverse("review:board")
        sizes = self._sizes(lambda o: get_ok(staff_client(o), url))
        for name, office in (("case review (1 office)", self.data.office),
                             ("case review (300-person office)", self.data.large)):
            m = measure(get_ok(staff_client(office), url), runs=self.runs)
            line = Line(name=name)
            self._common(line, m, sizes=sizes, page=True)
            user = User.objects.get(username=demo_username(int(office.number[-5:]), "supervisor"))
            selector = measure(lambda o=office, u=user: board(office=o, day=self.today, user=u, filters=None),
                               runs=max(1, self.runs // 2))
            line.extra = {"selector_median_ms": round(selector.median, 2), "selector_queries": selector.queries}
            self._against_html_in_python(line, get_ok(staff_client(office), url), budget=office is self.data.large)
            self.lines.append(line)

    def _against_html_in_python(self, line: Line, page: Callable[[], None], *, budget: bool) -> None:
        """The floor of a case-review line: the same page with the rows written by the frozen HTML-in-Python
        renderer (everything else as in production).  The two are timed in alternating blocks, so that both
        see the same load of the machine; the ratio is of their medians."""
        ours: list[float] = []
        reference: list[float] = []
        blocks = REFERENCE_BLOCKS if self.runs >= REFERENCE_BLOCKS else 1
        for _ in range(blocks):
            ours += measure_times(page, runs=max(1, self.runs // blocks))
            with override_settings(TEMPLATES=html_in_python_templates()):
                reference += measure_times(page, runs=max(1, self.runs // blocks))
        with override_settings(TEMPLATES=html_in_python_templates()):
            line.extra["html_in_python_queries"] = self._queries_of(page)
        line.sql_ms = statistics.median(reference)
        line.ratio = statistics.median(ours) / line.sql_ms
        line.extra["templates_alternating_median_ms"] = round(statistics.median(ours), 2)
        if budget:
            line.checks.append(Check("vs HTML-in-Python reference", f"≤ {REVIEW_REFERENCE_RATIO}×",
                                     f"{line.ratio:.2f}×", line.ratio <= REVIEW_REFERENCE_RATIO))

    # -- clients ---------------------------------------------------------------------------------------------
    def client_list(self) -> None:
        url = reverse("clients:list")
        sizes = self._sizes(lambda o: get_ok(staff_client(o), url))
        office = self.data.office
        m = measure(get_ok(staff_client(office), url), runs=self.runs)
        line = Line(name="client list (1 office)")
        self._common(line, m, sizes=sizes, page=True)
        first = self.today.replace(day=1)
        line.sql_ms, rows = time_sql(CLIENT_LIST_SQL, {"office": office.pk, "first": first, "today": self.today},
                                     runs=self.runs)
        line.ratio = m.median / line.sql_ms if line.sql_ms else None
        line.extra = {"clients": len(rows)}
        self.lines.append(line)

    def client_page(self) -> None:
        from clients.models import Client, HealthRecord, SupportPlanReview

        def with_branches(queryset):
            # the page reads some records only when they exist (a health record's diagnoses, an open plan's
            # reviews): compare clients that take the same branches, so only the number of rows differs
            return queryset.annotate(
                n=Count("attendance"),
                has_health=Exists(HealthRecord.objects.filter(client=OuterRef("pk"))),
                has_open_plan_reviews=Exists(SupportPlanReview.objects.filter(
                    plan__client=OuterRef("pk"), plan__closed_on__isnull=True)),
            )

        def richest(office):
            return with_branches(Client.objects.filter(office=office)).order_by("-n", "pk").first()

        def poorest(office, like):
            # the same kind of client (status, branches), with the least history
            return (with_branches(Client.objects.filter(office=office, status=like.status))
                    .filter(n__gt=0, has_health=like.has_health, has_open_plan_reviews=like.has_open_plan_reviews)
                    .order_by("n", "pk").first())

        office = self.data.office
        rich = richest(office)
        poor = poorest(office, rich)
        http = staff_client(office)
        small = self._queries_of(get_ok(http, reverse("clients:detail", args=[poor.pk])))
        m = measure(get_ok(http, reverse("clients:detail", args=[rich.pk])), runs=self.runs)
        line = Line(name="client page (longest history)")
        self._common(line, m, sizes=(small, m.queries), page=True)
        line.note = "queries compared with the office's client with the shortest history"
        line.extra = {"client_attendance_rows": rich.n, "small_client_attendance_rows": poor.n}
        self.lines.append(line)

    # -- billing ---------------------------------------------------------------------------------------------
    def _billing_month(self) -> date:
        return (self.today.replace(day=1) - timedelta(days=1)).replace(day=1)

    def billing_month(self) -> None:
        from billing.services.claims import billing_month_compute

        month = self._billing_month()
        office = self.data.office
        sizes = self._sizes(lambda o: lambda: billing_month_compute(office=o, month=month))
        claims = []
        m = measure(lambda: claims.append(billing_month_compute(office=office, month=month)), runs=self.runs)
        line = Line(name="billing month (1 office)")
        self._common(line, m, sizes=sizes, page=False)
        line.sql_ms, input_rows = time_billing_inputs(office_ids=[office.pk], month=month, runs=self.runs)
        line.ratio = m.median / line.sql_ms if line.sql_ms else None
        line.checks.append(Check("vs plain SELECTs of its inputs", f"≤ {BILLING_FLOOR_RATIO}×",
                                 f"{fmt(line.ratio)}×", line.ratio is not None and line.ratio <= BILLING_FLOOR_RATIO))
        line.extra = {"month": month.isoformat()[:7], "lines": len(claims[-1].lines), "input_rows": input_rows}
        self.lines.append(line)

    def billing_all_offices(self) -> None:
        from billing.services.claims import billing_month_compute

        month = self._billing_month()
        offices = self.data.offices
        claims = []
        m = measure(lambda: claims.append([billing_month_compute(office=o, month=month) for o in offices]),
                    runs=self.heavy_runs)
        line = Line(name=f"billing month (all {len(offices)} offices)")
        line.runs, line.median_ms, line.p95_ms = len(m.times_ms), m.median, m.p95
        line.queries, line.peak_mb = m.queries, m.peak_mb
        line.checks.append(Check("median", f"≤ {ALL_OFFICES_S} s", f"{m.median / 1000:.2f} s",
                                 m.median <= ALL_OFFICES_S * 1000))
        line.checks.append(Check("peak memory", f"≤ {PEAK_MB} MB", f"{m.peak_mb:.1f} MB", m.peak_mb <= PEAK_MB))
        line.sql_ms, input_rows = time_billing_inputs(office_ids=[o.pk for o in offices], month=month,
                                                      runs=self.heavy_runs)
        line.ratio = m.median / line.sql_ms if line.sql_ms else None
        line.extra = {"month": month.isoformat()[:7], "lines": sum(len(c.lines) for c in claims[-1]),
                      "input_rows": input_rows}
        line.note = f"{m.queries // max(len(offices), 1)} queries per office"
        self.lines.append(line)

    def tier(self) -> None:
        from billing.services.tier import retention_tier
        from regulations.rules import fiscal_year_of

        year = fiscal_year_of(self.today)
        sizes = self._sizes(lambda o: lambda: retention_tier(office=o, fiscal_year=year))
        m = measure(lambda: retention_tier(office=self.data.office, fiscal_year=year), runs=self.runs)
        line = Line(name="retention tier (1 office, 1 fiscal year)")
        self._common(line, m, sizes=sizes, page=False)
        line.extra = {"fiscal_year": year}
        self.lines.append(line)

    def followup_cost(self) -> None:
        from billing.services.followup_cost import followup_cost_year

        year = self.today.year - 1
        sizes = self._sizes(lambda o: lambda: followup_cost_year(office=o, year=year))
        m = measure(lambda: followup_cost_year(office=self.data.office, year=year), runs=self.runs)
        line = Line(name="follow-up cost (1 office, 1 year)")
        self._common(line, m, sizes=sizes, page=False)
        line.extra = {"year": year}
        self.lines.append(line)

    # -- the client import (issue 16) ----------------------------------------------------------------------
    def client_import(self) -> None:
        """import_clients of a 10,000-row CSV (the whole import: reading, every rule, writing) against the
        same rows written with COPY, in the same run; each run rolled back."""
        import csv

        from clients.importing import import_clients

        office, user = import_office()
        rows = import_rows(IMPORT_ROWS)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "clients.csv"
            with path.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(IMPORT_HEADER)
                writer.writerows(rows)
            reports = []

            def run_import():
                reports.append(import_clients(office=office, path=path, by=user))

            runs = max(1, self.heavy_runs)
            m = measure(rolled_back(run_import), runs=runs)
            floor = measure(rolled_back(lambda: copy_import_rows(office, rows)), runs=runs)
        report = reports[-1]
        line = Line(name=f"client import ({IMPORT_ROWS:,} rows, CSV)")
        line.runs, line.median_ms, line.p95_ms = len(m.times_ms), m.median, m.p95
        line.queries, line.peak_mb = m.queries, m.peak_mb
        line.sql_ms = floor.median
        line.ratio = m.median / floor.median if floor.median else None
        if report.errors or report.created != IMPORT_ROWS:
            line.checks.append(Check("imports every row", f"{IMPORT_ROWS} created",
                                     f"{report.created} created, {len(report.errors)} errors", False))
        line.checks.append(Check("vs COPY of the same rows", f"≤ {IMPORT_COPY_RATIO}×", f"{fmt(line.ratio)}×",
                                 line.ratio is not None and line.ratio <= IMPORT_COPY_RATIO))
        line.checks.append(Check("peak memory", f"≤ {PEAK_MB} MB", f"{m.peak_mb:.1f} MB", m.peak_mb <= PEAK_MB))
        rows_per_s = round(IMPORT_ROWS / (m.median / 1000)) if m.median else None
        copy_rows_per_s = round(IMPORT_ROWS / (floor.median / 1000)) if floor.median else None
        line.extra = {"rows": IMPORT_ROWS, "rows_per_second": rows_per_s, "copy_rows_per_second": copy_rows_per_s,
                      "queries_per_row": round(m.queries / IMPORT_ROWS, 3)}
        line.note = f"{rows_per_s} rows/s (COPY {copy_rows_per_s} rows/s)"
        self.lines.append(line)

    # -- PDFs ----------------------------------------------------------------------------------------------
    def pdfs(self) -> None:
        """One office's month as one PDF.  Cold: the first document of a thread, which builds the font setup
        (``compostela.pdf`` keeps one per thread), against the floor laid out cold in another fresh thread —
        the same number of pages of a minimal template (``devtools/pdf_floor.html``: the same page layout and
        font, one line a page).  Then the usual warm runs, and the floor's warm runs for the warm ratio."""
        line = Line(name="PDFs (1 office, 1 month)")
        try:
            from billing.documents.pdfs import billing_month_pdf_file
        except ImportError:
            line.available = False
            line.note = "billing.documents.pdfs not available"
            self.lines.append(line)
            return
        month = self._billing_month()
        office = self.data.office
        pages: list[int] = []

        def run():
            pages.append(billing_month_pdf_file(office=office, month=month).pages)

        try:
            with TreeMemory() as memory:  # the cold run only: the measured runs include a tracemalloc one
                cold_s = in_fresh_thread(run)
            m = measure(run, runs=max(1, self.heavy_runs))
            floor = pdf_floor(pages[-1])
            floor_cold_s = in_fresh_thread(floor)
            floor_m = measure(floor, runs=max(1, self.heavy_runs))
        except Exception as error:  # noqa: BLE001 - the documents code is another engineer's; report, don't crash
            line.available = False
            line.note = f"PDF generation failed: {type(error).__name__}: {error}"[:300]
            self.lines.append(line)
            return
        line.runs, line.median_ms, line.p95_ms = len(m.times_ms), m.median, m.p95
        line.queries, line.peak_mb = m.queries, m.peak_mb
        line.sql_ms = floor_m.median
        line.ratio = m.median / floor_m.median if floor_m.median else None
        cold_ratio = cold_s / floor_cold_s if floor_cold_s else None
        line.checks.append(Check("cold vs WeasyPrint floor", f"≤ {PDF_FLOOR_RATIO}×", f"{fmt(cold_ratio)}×",
                                 cold_ratio is not None and cold_ratio <= PDF_FLOOR_RATIO))
        line.checks.append(Check("median", f"≤ {PDF_S} s", f"{m.median / 1000:.2f} s", m.median <= PDF_S * 1000))
        line.checks.append(Check("peak memory", f"≤ {PEAK_MB} MB", f"{m.peak_mb:.1f} MB", m.peak_mb <= PEAK_MB))
        line.extra = {"pages": pages[-1], "pages_per_second": round(pages[-1] / (m.median / 1000), 1),
                      "cold_s": round(cold_s, 2), "cold_pages_per_second": round(pages[-1] / cold_s, 1),
                      "floor_cold_s": round(floor_cold_s, 2), "cold_ratio": round(cold_ratio, 1),
                      "process_tree_peak_rss_mb": round(memory.peak_mb, 1)}
        line.note = "floor: WeasyPrint, the same pages of a minimal template; ratio = warm median / floor's"
        self.lines.append(line)


    # -- the electronic claim file (issue 21) ---------------------------------------------------------------
    def claim_file(self) -> None:
        """The claim file of the demo office's last closed month (``claim_file_build``: the snapshot read, the
        records built, every one checked against the layout, CP932 written) against the billing computation of
        the same month (``billing_month_compute``), timed in alternating blocks of the same run so both see the
        same load of the machine; the ratio is of their medians."""
        from billing.claimfile import ClaimFileRefused, claim_file_build
        from billing.models import MonthClosing
        from billing.services.claims import billing_month_compute

        office = self.data.office
        line = Line(name="claim file (1 office, 1 month)")
        closing = (MonthClosing.objects.filter(office=office, reopened_at__isnull=True).order_by("-month")
                   .first())
        if closing is None:
            line.available = False
            line.note = "the office has no closed month"
            self.lines.append(line)
            return
        month = closing.month
        try:
            claim = claim_file_build(office=office, month=month)
        except ClaimFileRefused as refused:
            raise BenchError(f"the claim file of {month:%Y-%m} is refused: {len(refused.problems)} problem(s), "
                             f"first: {refused.problems[0].text()}") from refused
        blocks = max(1, min(REFERENCE_BLOCKS, self.runs))
        per_block = max(1, self.runs // blocks)
        files: list[Measured] = []
        computed: list[Measured] = []
        for _block in range(blocks):
            files.append(measure(lambda: claim_file_build(office=office, month=month), runs=per_block))
            computed.append(measure(lambda: billing_month_compute(office=office, month=month), runs=per_block))
        m = Measured(times_ms=[t for b in files for t in b.times_ms], queries=files[-1].queries,
                     peak_mb=max(b.peak_mb for b in files))
        compute_ms = statistics.median([t for b in computed for t in b.times_ms])
        self._common(line, m, sizes=None, page=False)
        line.sql_ms = compute_ms
        line.ratio = m.median / compute_ms if compute_ms else None
        line.checks.append(Check("vs the month's billing computation", f"≤ {CLAIM_FILE_RATIO}×",
                                 f"{fmt(line.ratio)}×", line.ratio is not None and line.ratio <= CLAIM_FILE_RATIO))
        line.extra = {"month": f"{month:%Y-%m}", "records": claim.records, "bytes": len(claim.content),
                      "billing_computation_ms": round(compute_ms, 1), "file": claim.name}
        line.note = "floor: billing_month_compute of the same month, timed in alternating blocks"
        self.lines.append(line)


class _Rollback(Exception):
    pass


def rolled_back(operation: Callable[[], object]) -> Callable[[], None]:
    """``operation`` in a transaction that is always rolled back: every run starts from the same database."""
    from django.db import transaction

    def run():
        try:
            with transaction.atomic():
                operation()
                raise _Rollback
        except _Rollback:
            pass
    return run


def import_office() -> tuple[Office, User]:
    office, _ = Office.objects.get_or_create(
        number=demo_office_number(IMPORT_INDEX),
        defaults={"name": f"ベンチマーク事業所{IMPORT_INDEX}", "capacity": 20, "area_grade": AreaGrade.GRADE_7,
                  "opened_on": date(2012, 4, 1)},
    )
    user, _ = User.objects.get_or_create(username=demo_username(IMPORT_INDEX, "manager"))
    Membership.objects.get_or_create(user=user, office=office, defaults={"role": "manager"})
    return office, user


IMPORT_HEADER = ["family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "status",
                 "first_visit_on", "enrolled_on", "referral_source", "service", "certificate_number", "municipality",
                 "certificate_start", "certificate_end", "income_category"]


def import_rows(count: int) -> list[list[str]]:
    """``count`` enrolled clients, each with a transition certificate (what an office's client list holds)."""
    return [["山田", f"太郎{n}", "ヤマダ", f"タロウ{kana_number(n)}",
             f"{1960 + n % 40}-{1 + n % 12:02d}-{1 + n % 28:02d}", "enrolled", "2025-04-01", "2025-04-15",
             "hello_work", "transition", f"{n:010d}", "札幌市", "2025-04-15", "2027-04-14", "general_1"]
            for n in range(count)]


def copy_import_rows(office: Office, rows: list[list[str]]) -> None:
    """The floor: the same clients, periods of use and certificates written with PostgreSQL COPY (psycopg's
    ``cursor.copy``), no checks at all — what the database alone needs to store the rows."""
    from clients.models import Certificate, ServicePeriod
    from clients.models import Client as ClientModel

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [ClientModel._meta.db_table, len(rows)])
        ids = [pk for (pk,) in cursor.fetchall()]
        raw = cursor.cursor  # psycopg's own cursor: COPY is not part of the DB-API
        columns = ("id, office_id, family_name, given_name, family_name_kana, given_name_kana, birth_date, phone, "
                   "email, address, emergency_contact_name, emergency_contact_phone, referral_source, referral_note, "
                   "first_visit_on, enrolled_on, status, end_reason, created_at, updated_at")
        with raw.copy(f"COPY {ClientModel._meta.db_table} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, office.pk, row[0], row[1], row[2], row[3], row[4], "", "", "", "", "", row[8], "",
                                row[6], row[7], row[5], "", now, now])
        with raw.copy(f"COPY {ServicePeriod._meta.db_table} (client_id, started_on, enrolled_on, end_reason, "
                      "is_return) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, row[6], row[7], "", False])
        with raw.copy(f"COPY {Certificate._meta.db_table} (office_id, client_id, service, number, municipality, "
                      "period_start, period_end, is_extension, income_category, copay_cap, created_at, "
                      "municipality_number, decision_service_code, cap_management, cap_manager_number, "
                      "cap_manager_name) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([office.pk, pk, row[9], row[10], row[11], row[12], row[13], False, row[14], 9300, now,
                                "", "", "none", "", ""])


def in_fresh_thread(operation: Callable[[], object]) -> float:
    """Seconds ``operation`` takes in a new thread (so nothing a thread keeps — the PDF font setup — is warm)."""
    elapsed: list[float] = []
    errors: list[BaseException] = []

    def target():
        started = time.perf_counter()
        try:
            operation()
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(error)
        finally:
            elapsed.append(time.perf_counter() - started)
            connection.close()  # this thread's database connection

    thread = threading.Thread(target=target, name="bench-cold")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return elapsed[0]


def pdf_floor(pages: int) -> Callable[[], object]:
    """WeasyPrint's floor for ``pages`` pages: a minimal template on the PDFs' page layout, laid out and written
    the way the documents are."""
    from django.template.loader import render_to_string

    from compostela.pdf import layout_html, write_pdf

    html = render_to_string("devtools/pdf_floor.html", {"pages": range(1, pages + 1)})

    def run():
        written = write_pdf(layout_html(html))
        if written.pages != pages:
            raise BenchError(f"the floor has {written.pages} pages, not {pages}")
    return run


class TreeMemory:
    """Peak resident memory of this process and all its descendants (Linux ``/proc``), sampled every 20 ms while
    the block runs — the whole process tree, so work handed to child processes counts too."""

    def __init__(self):
        self.peak_mb = 0.0
        self._stop = threading.Event()

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, name="bench-memory", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self):
        while True:
            self.peak_mb = max(self.peak_mb, tree_rss_mb(os.getpid()))
            if self._stop.wait(0.02):
                return


def tree_rss_mb(pid: int) -> float:
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(row.split()[1]) for row in status.splitlines() if row.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):  # gone meanwhile, or not Linux
            continue
    return total / 1024


# -- the hand-written queries ---------------------------------------------------------------------------------
# The roster: the clients with a transition certificate valid on the day (or a record that day), with the day's record,
# the previous record of the week before, and the month's counts — one query.
ROSTER_SQL = """
SELECT c.id, c.family_name_kana, c.given_name_kana, a.status, a.version, prev.day, prev.status,
       mc.attended, mc.offsite, mc.absent, mc.absent_supported
FROM clients_client c
LEFT JOIN clients_attendance a ON a.client_id = c.id AND a.day = %(day)s
LEFT JOIN LATERAL (
    SELECT p.day, p.status FROM clients_attendance p
    WHERE p.client_id = c.id AND p.day >= %(day)s::date - 7 AND p.day < %(day)s
    ORDER BY p.day DESC LIMIT 1) prev ON true
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE m.status = 'attended') AS attended,
           count(*) FILTER (WHERE m.status = 'offsite') AS offsite,
           count(*) FILTER (WHERE m.status = 'absent') AS absent,
           count(*) FILTER (WHERE m.status = 'absent_supported') AS absent_supported
    FROM clients_attendance m
    WHERE m.client_id = c.id AND m.day >= date_trunc('month', %(day)s::date)::date AND m.day <= %(day)s) mc ON true
WHERE c.office_id = %(office)s
  AND (a.id IS NOT NULL OR EXISTS (SELECT 1 FROM clients_certificate cert WHERE cert.client_id = c.id
                                   AND cert.service = 'transition'
                                   AND cert.period_start <= %(day)s AND cert.period_end >= %(day)s))
ORDER BY c.family_name_kana, c.given_name_kana, c.id
"""

# The client list: every client of the office with this month's billable days and the latest transition
# certificate's end.
CLIENT_LIST_SQL = """
SELECT c.id, c.family_name, c.given_name, c.status, s.username, m.username,
       (SELECT count(*) FROM clients_attendance a WHERE a.client_id = c.id AND a.day BETWEEN %(first)s AND %(today)s
        AND a.status IN ('attended', 'offsite')) AS days,
       (SELECT cert.period_end FROM clients_certificate cert WHERE cert.client_id = c.id
        AND cert.service = 'transition' ORDER BY cert.period_start DESC LIMIT 1) AS certificate_end
FROM clients_client c
LEFT JOIN compostela_user s ON s.id = c.specialist_id
LEFT JOIN compostela_user m ON m.id = c.case_manager_id
WHERE c.office_id = %(office)s
ORDER BY c.family_name_kana, c.given_name_kana, c.id
"""


# -- the billing floor ------------------------------------------------------------------------------------------
# What the claims of a month are computed from — the tables, filters and rows that ``billing.services.month_inputs``
# reads — read with plain SELECTs through a cursor and nothing else: no ORM, no model instances and no rule of
# billing (no tier, reduction, add-on, cap or follow-up phase; the rows are fetched and dropped).  The offices are
# an array, so the same statements read one office or all of them.  ``%(clients)s`` is every person with
# attendance or a contact in the month and ``%(support_clients)s`` every person with a face-to-face contact in
# the rate's window, both taken from the rows read before them.
BILLING_INPUT_SELECTS = {
    # the fee book
    "fee schedules": "SELECT * FROM billing_feeschedule",
    "basic fees": "SELECT * FROM billing_basicfee",
    "add-on rates": "SELECT * FROM billing_addonrate",
    "unit prices": "SELECT * FROM billing_areaunitprice",
    "office settings": "SELECT * FROM billing_officefeesettings WHERE office_id = ANY(%(offices)s)",
    "capacities": "SELECT * FROM billing_officecapacity WHERE office_id = ANY(%(offices)s)",
    "tier overrides": "SELECT * FROM billing_retentiontieroverride WHERE office_id = ANY(%(offices)s)",
    # billable users a day in the two months before the month
    "users a day before": """
        SELECT office_id, day, count(*) FROM clients_attendance
        WHERE office_id = ANY(%(offices)s) AND day BETWEEN %(window_first)s AND %(before_first)s
          AND status = ANY(%(billable)s)
        GROUP BY office_id, day""",
    # the month's attendance, and its contacts with their jobs
    "attendance": """
        SELECT client_id, day, status, transport_to, transport_from, meal FROM clients_attendance
        WHERE office_id = ANY(%(offices)s) AND day BETWEEN %(first)s AND %(last)s""",
    "contacts": """
        SELECT h.client_id, f.day, f.kind, h.start_date, h.ended_on
        FROM placements_followupcontact f JOIN placements_hire h ON h.id = f.hire_id AND h.office_id = f.office_id
        WHERE f.office_id = ANY(%(offices)s) AND f.day BETWEEN %(first)s AND %(last)s
          AND f.kind = ANY(%(contact_kinds)s)""",
    # the month's people, their certificates of both services and their agreed plans
    "clients": "SELECT * FROM clients_client WHERE id = ANY(%(clients)s)",
    "certificates": """
        SELECT * FROM clients_certificate
        WHERE client_id = ANY(%(clients)s) AND period_start <= %(last)s
          AND ((service = %(transition)s AND period_end >= %(window_first)s)
               OR (service = %(retention_support)s AND period_end >= %(first)s))""",
    "plans": """
        SELECT client_id, period_start, period_end, agreed_on FROM clients_supportplan
        WHERE client_id = ANY(%(clients)s) AND agreed_on IS NOT NULL
          AND period_start <= %(last)s AND period_end >= %(window_first)s""",
    # the hires of the retention tier's two fiscal years
    "tier hires": """
        SELECT start_date, ended_on, fixed_term_end FROM placements_hire
        WHERE office_id = ANY(%(offices)s) AND start_date BETWEEN %(hires_first)s AND %(hires_last)s""",
    # face-to-face contacts of the 就労定着支援 rate's three fiscal years, and those people's jobs on its last day
    "rate contacts": """
        SELECT h.client_id, h.start_date, f.day
        FROM placements_followupcontact f JOIN placements_hire h ON h.id = f.hire_id AND h.office_id = f.office_id
        WHERE f.office_id = ANY(%(offices)s) AND f.kind = %(face_to_face)s
          AND f.day BETWEEN %(support_from)s AND %(support_as_of)s""",
    "rate jobs": """
        SELECT DISTINCT client_id FROM placements_hire
        WHERE client_id = ANY(%(support_clients)s) AND start_date <= %(support_as_of)s
          AND (ended_on IS NULL OR ended_on >= %(support_as_of)s)""",
}
# the statements whose first column names the people that later statements read
_PEOPLE_FROM = {"attendance": "clients", "contacts": "clients", "rate contacts": "support_clients"}


def billing_input_params(*, office_ids: list[int], month: date) -> dict:
    """The parameters of ``BILLING_INPUT_SELECTS`` for ``month`` (any day of it): offices and dates only."""
    from billing.services.month_inputs import MONTH_CONTACT_KINDS
    from billing.services.tier import retention_support_window, retention_tier_window
    from placements.models import FollowUpKind
    from regulations.rules import fiscal_year_of

    first = month.replace(day=1)
    _window, hires_first, hires_last, _as_of = retention_tier_window(fiscal_year_of(first))
    support_from, support_as_of = retention_support_window(fiscal_year_of(first))
    return {
        "offices": list(office_ids), "first": first, "last": first + relativedelta(months=1) - timedelta(days=1),
        "window_first": first - relativedelta(months=2), "before_first": first - timedelta(days=1),
        "billable": list(BILLABLE), "contact_kinds": list(MONTH_CONTACT_KINDS),
        "transition": "transition", "retention_support": "retention_support",
        "hires_first": hires_first, "hires_last": hires_last, "face_to_face": FollowUpKind.FACE_TO_FACE.value,
        "support_from": support_from, "support_as_of": support_as_of,
    }


def read_billing_inputs(cursor, params: dict) -> int:
    """Run ``BILLING_INPUT_SELECTS`` in order, fetching every row; the number of rows read."""
    params = {**params, "clients": [], "support_clients": []}
    read = 0
    for name, sql in BILLING_INPUT_SELECTS.items():
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        read += len(rows)
        if name in _PEOPLE_FROM:
            key = _PEOPLE_FROM[name]
            params[key] = sorted({*params[key], *(row[0] for row in rows)})
    return read


def time_billing_inputs(*, office_ids: list[int], month: date, runs: int) -> tuple[float, int]:
    """Median milliseconds of reading the billing inputs of ``office_ids``' month (after one warm-up read), and
    the rows read."""
    params = billing_input_params(office_ids=office_ids, month=month)
    times = []
    read = 0
    with connection.cursor() as cursor:
        for _ in range(runs + 1):
            started = time.perf_counter()
            read = read_billing_inputs(cursor, params)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[1:]), read


# -- output ---------------------------------------------------------------------------------------------------------
def fmt(value, spec: str = ".1f", empty: str = "—") -> str:
    return empty if value is None else format(value, spec)


def render_table(lines: list[Line]) -> str:
    header = ["operation", "median ms", "p95 ms", "queries S/L", "peak MB", "floor ms", "ratio", "result",
              "budgets"]
    body = []
    for line in lines:
        queries = "—" if line.queries is None else (
            str(line.queries) if line.queries_small is None else f"{line.queries_small}/{line.queries_large}")
        budgets = "; ".join(f"{c.name} {c.value} ({c.limit}){'' if c.ok else ' ✗'}" for c in line.checks)
        if not line.available:
            budgets = line.note
        elif "cold_s" in line.extra:
            x = line.extra
            budgets += (f"; {x['pages']} pages: cold {x['cold_s']} s ({x['cold_pages_per_second']} pages/s, floor "
                        f"{x['floor_cold_s']} s), warm {x['pages_per_second']} pages/s; process tree peak "
                        f"{x['process_tree_peak_rss_mb']} MB")
        elif "rows_per_second" in line.extra:
            budgets += f"; {line.note}"
        body.append([line.name, fmt(line.median_ms), fmt(line.p95_ms), queries, fmt(line.peak_mb),
                     fmt(line.sql_ms, ".2f"), fmt(line.ratio, ".1f") + ("×" if line.ratio is not None else ""),
                     line.status, budgets])
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(len(header) - 1)]
    out = []
    for row in [header, *body]:
        cells = [str(row[i]).ljust(widths[i]) if i == 0 else str(row[i]).rjust(widths[i]) for i in range(len(widths))]
        out.append(" | ".join(cells) + " | " + row[-1])
        if row is header:
            out.append("-+-".join("-" * w for w in widths) + "-+-" + "-" * 7)
    return "\n".join(out)


def write_json(path: Path, *, lines: list[Line], counts: dict, started: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "generated_at": timezone.now().isoformat(),
        "duration_s": round(time.monotonic() - started, 1),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": __import__("os").cpu_count()},
        "budgets": {"page_median_ms": PAGE_MEDIAN_MS, "billing_floor_ratio": BILLING_FLOOR_RATIO,
                    "all_offices_s": ALL_OFFICES_S, "pdf_s": PDF_S, "pdf_floor_ratio": PDF_FLOOR_RATIO,
                    "peak_mb": PEAK_MB, "import_copy_ratio": IMPORT_COPY_RATIO},
        "dataset": counts,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "lines": [{**{k: v for k, v in asdict(line).items() if k != "checks"},
                   "status": line.status, "checks": [asdict(c) for c in line.checks]} for line in lines],
        "passed": all(line.status != "FAIL" for line in lines),
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")

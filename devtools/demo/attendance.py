"""Demo attendance for ``seed_demo``: ``years`` of daily attendance shaped like the seed office.

About 64 % of capacity attends on an open day (12.8 people a day for a capacity of 20, as in the office's
2018 figures); weekends, Japanese public holidays (jpholiday) and the year-end break are closed; a few
absences with support each month.  Only days on which a client may attend (``attendance_rules.
enrolment_problem``: certificate, enrolment, end) get rows, and attended + off-site days stay within the
granted days of each month.  Months that billing has closed are left alone.

Deterministic for the ``rng`` it is given (each client's habits and each day's draw come from seeds derived
from it and the client / office ids, not from iteration order) and idempotent: rows that exist are kept
(``INSERT … ON CONFLICT DO NOTHING``).  Fast: a few queries per office to read, then COPY in batches —
no query per row, so 50 offices × 30 clients × 3 years (about a million rows) takes a minute or two.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, time, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from attendance import rules
from attendance.models import Attendance, AttendanceStatus
from attendance.selectors import attendance_candidate_clients, attendance_closed_months
from compostela.audit import audit_context
from compostela.models import Membership, Office

DAILY_SHARE_OF_CAPACITY = 0.64  # 12.8 people a day for a capacity of 20
OFFSITE_SHARE = 0.06  # of attended days, spent in off-site support
RECORDED_ABSENCE_SHARE = 0.30  # of the days a client does not come, recorded as an absence
SUPPORTED_ABSENCE_SHARE = 0.06  # of recorded absences, with a support call or visit (a few a month)
BATCH_SIZE = 5000
SUPPORT_NOTES = ["電話で体調を確認", "自宅を訪問し様子を確認", "電話で次回の通所日を相談",
                 "メールで連絡があり電話で状況を確認"]
DEFAULT_START, DEFAULT_END = time(10, 0), time(15, 0)


@lru_cache(maxsize=4096)
def _closed(day: date) -> bool:
    return rules.office_closed_day(day)


class _Habits:
    """One client's demo habits, drawn from a seed of their own."""

    def __init__(self, seed: str, client):
        rng = random.Random(seed)  # noqa: S311 - demo data
        self.propensity = rng.uniform(0.45, 1.0)
        self.transport = rng.random() < 0.15
        self.meal = rng.random() < 0.4
        self.start = client.usual_start or DEFAULT_START
        self.end = client.usual_end or DEFAULT_END
        if self.end <= self.start:
            self.start, self.end = DEFAULT_START, DEFAULT_END


def seed(*, offices: list[Office], clients_per_office: int, years: int, rng: random.Random, stdout,
         progress=None) -> None:
    base = rng.getrandbits(64)
    today = timezone.localdate()
    end = today - timedelta(days=1)
    start = (today - relativedelta(years=years)).replace(day=1)
    total = 0
    # invented people: the audit trail is switched off for these rows (compostela.audit, demo seeder only)
    with audit_context(reason="seed_demo: attendance", bulk_seed=True):
        for done, office in enumerate(offices, start=1):
            total += _seed_office(office=office, start=start, end=end, base=base)
            if progress is not None:
                progress(done, len(offices))
    stdout.write(f"Attendance: {total} new rows for {len(offices)} office(s), {start} to {end}.")


@transaction.atomic
def _seed_office(*, office: Office, start: date, end: date, base: int) -> int:
    membership = Membership.objects.filter(office=office).select_related("user").order_by("pk").first()
    if membership is None or end < start:
        return 0
    clients = attendance_candidate_clients(office=office, start=start, end=end)
    if not clients:
        return 0
    months = sorted({rules.month_start(start + timedelta(days=n)) for n in range((end - start).days + 1)})
    closed_months = attendance_closed_months(office=office, months=months)
    existing = set(
        Attendance.objects.filter(office=office, day__range=(start, end)).values_list("client_id", "day")
    )
    billable = defaultdict(int)  # (client id, month) → attended + off-site days already there
    for row in (
        Attendance.objects.filter(office=office, day__range=(start, end), status__in=rules.BILLABLE)
        .values("client_id", "day__year", "day__month").annotate(n=Count("pk")).order_by()
    ):
        billable[(row["client_id"], date(row["day__year"], row["day__month"], 1))] = row["n"]
    habits = {c.pk: _Habits(f"{base}:{c.pk}", c) for c in clients}
    granted: dict[tuple[int, date], int | None] = {}
    target = office.capacity * DAILY_SHARE_OF_CAPACITY
    rows: list[tuple] = []
    now = timezone.now()
    created = 0
    day = start
    while day <= end:
        month = rules.month_start(day)
        if _closed(day) or month in closed_months:
            day += timedelta(days=1)
            continue
        eligible = [c for c in clients if c.enrolment.problem_on(day) is None]
        if eligible:
            scale = target / sum(habits[c.pk].propensity for c in eligible)
            draw = random.Random(f"{base}:{office.pk}:{day.toordinal()}")  # noqa: S311 - demo data
            for client in eligible:
                draws = (draw.random(), draw.random(), draw.random(), draw.random())  # always four: stable runs
                if (client.pk, day) in existing:
                    continue
                row = _row(habits[client.pk], draws, scale)
                if row is None:
                    continue
                key = (client.pk, month)
                if row[0] in rules.BILLABLE:
                    if key not in granted:
                        granted[key] = client.enrolment.granted_days(month, [day])
                    if granted[key] is not None and billable[key] >= granted[key]:
                        continue
                    billable[key] += 1
                rows.append((office.pk, client.pk, day, *row, 1, now, membership.user_id))
        if len(rows) >= BATCH_SIZE:
            created += _insert(rows)
            rows = []
        day += timedelta(days=1)
    return created + _insert(rows)


def _row(habits: _Habits, draws: tuple[float, float, float, float], scale: float) -> tuple | None:
    """(status, start, end, transport there, transport back, meal, note) of one client's day, or None."""
    roll, extra, support, note = draws
    if roll < min(0.97, habits.propensity * scale):
        if extra < OFFSITE_SHARE:
            return (AttendanceStatus.OFFSITE.value, time(9, 0), time(16, 0), False, False, False, "企業実習")
        return (AttendanceStatus.ATTENDED.value, habits.start, habits.end, habits.transport, habits.transport,
                habits.meal, "")
    if extra < RECORDED_ABSENCE_SHARE:
        if support < SUPPORTED_ABSENCE_SHARE:
            return (AttendanceStatus.ABSENT_SUPPORTED.value, None, None, False, False, False,
                    SUPPORT_NOTES[int(note * len(SUPPORT_NOTES))])
        return (AttendanceStatus.ABSENT.value, None, None, False, False, False, "")
    return None


COLUMNS = ["office", "client", "day", "status", "start_time", "end_time", "transport_to", "transport_from", "meal",
           "note", "version", "updated_at", "updated_by"]


def _insert(rows: list[tuple]) -> int:
    """COPY the rows into a temporary table, then insert those whose (client, day) is free — the fast
    equivalent of ``bulk_create(ignore_conflicts=True)`` for a million rows (no per-row query either way).
    The database checks every constraint of ``Attendance`` on the way in."""
    if not rows:
        return 0
    table = connection.ops.quote_name(Attendance._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(Attendance._meta.get_field(name).column) for name in COLUMNS)
    with connection.cursor() as cursor:
        # identifiers come from the model's metadata, never from input
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS demo_attendance ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY demo_attendance ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM demo_attendance "  # noqa: S608
            "ON CONFLICT (client_id, day) DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute("TRUNCATE demo_attendance")
    return inserted

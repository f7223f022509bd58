"""Rule: the demo attendance is shaped like the seed office (about 64 % of capacity a day on open days,
no weekends or public holidays, a few absences with support a month), respects certificates, enrolment
and granted days, and is deterministic and idempotent."""

import random
from collections import Counter
from datetime import timedelta
from io import StringIO

import jpholiday
from django.utils import timezone

from attendance.models import Attendance, AttendanceStatus
from attendance.rules import BILLABLE, month_start
from devtools.demo import attendance as attendance_demo
from tests.factories import enrolled_client


def seed_once(world, seed=7):
    attendance_demo.seed(offices=[world.office], clients_per_office=25, years=1, rng=random.Random(seed),
                         stdout=StringIO())


def office_of_25(world):
    today = timezone.localdate()
    start = today - timedelta(days=500)
    clients = [enrolled_client(world.office, kana=f"デモ{n:02d}", enrolled_on=start,
                               period=(start, today + timedelta(days=300))) for n in range(24)]
    late = enrolled_client(world.office, kana="オソイ", enrolled_on=today - timedelta(days=60),
                           period=(today - timedelta(days=60), today + timedelta(days=300)), granted_days=5)
    return clients, late


def test_demo_attendance_looks_like_the_seed_office(world):
    clients, late = office_of_25(world)
    seed_once(world)
    rows = list(Attendance.objects.filter(office=world.office))
    days = {r.day for r in rows}
    assert all(d.weekday() < 5 and not jpholiday.is_holiday(d) for d in days)
    per_day = Counter(r.day for r in rows if r.status in BILLABLE)
    average = sum(per_day.values()) / len(per_day)
    assert 11.5 <= average <= 14.0  # 12.8 for a capacity of 20
    supported = Counter(month_start(r.day) for r in rows if r.status == AttendanceStatus.ABSENT_SUPPORTED)
    assert 1 <= sum(supported.values()) / len(per_day) * 21 <= 8  # a few a month
    assert all(r.note for r in rows if r.status == AttendanceStatus.ABSENT_SUPPORTED)
    # only while enrolled, and within the granted days
    late_rows = [r for r in rows if r.client_id == late.pk]
    assert late_rows and min(r.day for r in late_rows) >= late.enrolled_on
    per_month = Counter(month_start(r.day) for r in late_rows if r.status in BILLABLE)
    assert max(per_month.values()) <= 5
    assert max(r.day for r in rows) < timezone.localdate()


def test_demo_attendance_is_idempotent_and_deterministic(world):
    office_of_25(world)
    seed_once(world)
    first = set(Attendance.objects.values_list("client_id", "day", "status"))
    seed_once(world)
    assert set(Attendance.objects.values_list("client_id", "day", "status")) == first
    Attendance.objects.all().delete()
    seed_once(world)
    assert set(Attendance.objects.values_list("client_id", "day", "status")) == first


def test_demo_attendance_keeps_rows_that_exist(world):
    clients, _ = office_of_25(world)
    day = timezone.localdate() - timedelta(days=30)
    while day.weekday() >= 5 or jpholiday.is_holiday(day):
        day -= timedelta(days=1)
    Attendance.objects.create(office=world.office, client=clients[0], day=day, status=AttendanceStatus.ABSENT,
                              updated_by=world.staff, note="本物の記録")
    seed_once(world)
    assert Attendance.objects.get(client=clients[0], day=day).note == "本物の記録"


def test_demo_without_clients_does_nothing(world):
    seed_once(world)
    assert not Attendance.objects.exists()


def test_seed_demo_gives_the_seed_office_about_12_8_people_a_day(db):
    from django.core.management import call_command
    from django.db.models import Count

    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    per_day = (Attendance.objects.filter(office__number="0110000001", status__in=BILLABLE)
               .values("day").annotate(n=Count("pk")).values_list("n", flat=True))
    assert len(per_day) > 300  # two years of open days
    assert 11.0 <= sum(per_day) / len(per_day) <= 14.0

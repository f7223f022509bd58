"""Rules of concurrent work, each with two real database connections (threads, committed transactions):
no duplicate, no lost row, and a clear message to the one who must redo.

* two staff saving the same attendance day: tests/attendance/test_record_day_concurrency.py
  (``test_two_connections_saving_at_once_both_rows_survive``), not repeated here;
* a manager closing the month while staff save attendance, in both orders;
* two imports of the same clients file, of the same placements file;
* two staff recording the same hire of a client.
"""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from attendance.errors import AttendanceError
from attendance.models import Attendance, AttendanceStatus
from attendance.services import MSG_MONTH_CLOSED, AttendanceRow, DayRejected, attendance_record_day
from billing.fee_data import fee_data_load
from billing.models import ClaimLine, MonthClosing
from billing.services.closing import billing_month_close
from clients.importing import import_clients
from clients.models import Client
from placements import services as placement_services
from placements.errors import PlacementError
from placements.imports import import_placements
from placements.models import Hire
from tests.factories import EmployerFactory, enrolled_client
from tests.helpers import codes_of

pytestmark = pytest.mark.django_db(transaction=True)
HOLD = 0.6  # seconds the first writer keeps its transaction open while the second starts


def run_both(first, second) -> dict[str, object]:
    """Run two callables in two threads, each on its own connection; returns what each returned or raised."""
    outcomes: dict[str, object] = {}

    def run(name, function):
        try:
            outcomes[name] = function()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            outcomes[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=("first", first)),
               threading.Thread(target=run, args=("second", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def last_month(today: date) -> tuple[date, date]:
    """The month before ``today``'s (closable) and a weekday in it."""
    first = today.replace(day=1) - relativedelta(months=1)
    day = first + timedelta(days=9)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return first, day


@pytest.fixture
def fees():
    fee_data_load()  # a transactional test starts from a flushed database: the shipped fee tables again


def test_a_save_in_progress_when_the_month_is_closed_is_in_the_claim(world, fees, today):
    # given an enrolled client, and a staff member whose save of a day is not yet committed
    month, day = last_month(today)
    client = enrolled_client(world.office)
    saved = threading.Event()

    def staff_saves():
        with transaction.atomic():
            attendance_record_day(office=world.office, day=day, by=world.staff,
                                  rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED)])
            saved.set()
            time.sleep(HOLD)
        return "saved"

    def manager_closes():
        assert saved.wait(timeout=10)
        return billing_month_close(office=world.office, month=month, by=world.manager)

    # when the manager closes the month meanwhile
    outcomes = run_both(staff_saves, manager_closes)
    # then the save landed and the closing (which waited for it) counts it
    assert outcomes["first"] == "saved"
    assert isinstance(outcomes["second"], MonthClosing), outcomes["second"]
    line = ClaimLine.objects.get(closing=outcomes["second"], client=client)
    assert line.billable_days == Attendance.objects.filter(client=client).count() == 1


def test_a_save_while_the_month_is_being_closed_is_refused_with_the_read_only_message(world, fees, today):
    # given a manager whose closing is not yet committed
    month, day = last_month(today)
    client = enrolled_client(world.office)
    closing_started = threading.Event()

    def manager_closes():
        with transaction.atomic():
            closing = billing_month_close(office=world.office, month=month, by=world.manager)
            closing_started.set()
            time.sleep(HOLD)
        return closing

    def staff_saves():
        assert closing_started.wait(timeout=10)
        return attendance_record_day(office=world.office, day=day, by=world.staff,
                                     rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED)])

    # when staff save a day of that month meanwhile
    outcomes = run_both(manager_closes, staff_saves)
    # then the save waited for the closing and was refused with the read-only message: nothing saved, nothing
    # missing from the claim
    assert isinstance(outcomes["first"], MonthClosing), outcomes["first"]
    assert isinstance(outcomes["second"], DayRejected), outcomes["second"]
    assert codes_of(outcomes["second"]) == {AttendanceError.MONTH_CLOSED}
    assert outcomes["second"].errors == [_(MSG_MONTH_CLOSED)]
    assert not Attendance.objects.filter(client=client).exists()
    assert not ClaimLine.objects.filter(client=client).exists()


CLIENTS_CSV = (
    "姓,名,セイ,メイ,生年月日,状態,利用開始日,見学日,受給者証番号,支給市町村,支給決定期間開始,支給決定期間終了,所得区分\n"
    + "".join(
        f"山田,{name},ヤマダ,{kana},1990-05-0{n},利用中,2025-04-15,2025-04-01,012345678{n},札幌市,2025-04-01,"
        f"2026-03-31,一般1\n"
        for n, (name, kana) in enumerate([("一郎", "イチロウ"), ("二郎", "ジロウ"), ("三郎", "サブロウ"),
                                          ("四郎", "シロウ"), ("五郎", "ゴロウ")], start=1)
    )
)


def test_two_imports_of_the_same_clients_file_at_once_create_each_client_once(world, tmp_path):
    # given one file, imported by two people at the same moment
    path = tmp_path / "clients.csv"
    path.write_text(CLIENTS_CSV, encoding="utf-8")
    barrier = threading.Barrier(2)

    def importing(user):
        def run():
            barrier.wait(timeout=10)
            return import_clients(office=world.office, path=path, by=user)
        return run

    # when
    outcomes = run_both(importing(world.staff), importing(world.manager))
    # then one created the clients, the other (which waited) found them: no duplicate, no error
    results = sorted(outcomes.values(), key=lambda r: r.created)
    assert [(r.created, r.unchanged, r.errors, r.written) for r in results] == [(0, 5, [], True), (5, 0, [], True)]
    assert Client.objects.filter(office=world.office).count() == 5
    assert sorted(Client.objects.values_list("certificates__number", flat=True)) == [
        f"012345678{n}" for n in range(1, 6)]


def test_two_imports_of_the_same_placements_file_at_once_create_each_hire_once(world, tmp_path):
    # given clients with certificates, and one file of their hires
    clients = [enrolled_client(world.office, given_name=f"太郎{n}") for n in range(3)]
    header = "certificate_number,employer,job_title,job_field,recruitment_type,start_date,hours_per_week," \
             "hourly_wage,employment_form,disclosed\n"
    rows = "".join(f"{c.certificates.get().number},札幌物流{n},倉庫,倉庫作業,障がい者求人,2025-10-01,20,1100,"
                   "無期,はい\n" for n, c in enumerate(clients))
    path = tmp_path / "placements.csv"
    path.write_text(header + rows, encoding="utf-8")
    barrier = threading.Barrier(2)

    def importing(user):
        def run():
            barrier.wait(timeout=10)
            return import_placements(office=world.office, path=path, by=user)
        return run

    # when
    outcomes = run_both(importing(world.staff), importing(world.manager))
    # then
    reports = sorted(outcomes.values(), key=lambda r: r.created)
    assert [(r.created, r.unchanged, r.errors) for r in reports] == [(0, 3, []), (3, 0, [])], reports
    assert Hire.objects.count() == 3


def test_two_staff_recording_the_same_hire_at_once_get_one_hire_and_one_clear_message(world):
    # given a client and an employer
    client = enrolled_client(world.office)
    employer = EmployerFactory(office=world.office)
    barrier = threading.Barrier(2)

    def record(user):
        def run():
            barrier.wait(timeout=10)
            return placement_services.placement_record_hire(
                client=client, employer=employer, job_title="倉庫作業", job_field="warehouse",
                recruitment_type="quota", start_date=date(2025, 10, 1), hours_per_week=Decimal(20),
                hourly_wage=1100, employment_form="permanent", disclosed=True, by=user)
        return run

    # when both save at the same moment
    outcomes = run_both(record(world.staff), record(world.supervisor))
    # then one hire is recorded, and the other is told it already is
    hires = [o for o in outcomes.values() if isinstance(o, Hire)]
    refused = [o for o in outcomes.values() if isinstance(o, ValidationError)]
    assert len(hires) == 1 and len(refused) == 1, outcomes
    assert codes_of(refused[0]) == {PlacementError.HIRE_ALREADY_RECORDED}
    assert refused[0].messages == [_(placement_services.MSG_HIRE_ALREADY_RECORDED)]
    assert Hire.objects.filter(client=client).count() == 1
    assert Client.objects.get(pk=client.pk).status == "employed"

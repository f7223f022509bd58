"""Rule: two staff saving the same day lose neither's rows — last writer wins per row, and the later writer
is told which rows changed under them (optimistic check on the row version)."""

import threading
from datetime import date, time

import pytest
from django.db import connection

from attendance.models import Attendance, AttendanceStatus
from attendance.selectors import attendance_roster
from attendance.services import AttendanceRow, attendance_fingerprint, attendance_record_day
from tests.conftest import TODAY
from tests.factories import enrolled_client

DAY = date(2025, 6, 12)


def loaded_form(office, day):
    """What a roster form carries per client when it is opened: the version and digest of each row."""
    roster = attendance_roster(office=office, day=day, today=TODAY)
    return {r.client.pk: (r.version, attendance_fingerprint(r.record)) for r in roster.rows}


def entry(client, loaded, status, **extra) -> AttendanceRow:
    version, fingerprint = loaded[client.pk]
    return AttendanceRow(client_id=client.pk, status=status, loaded_version=version, loaded_fingerprint=fingerprint,
                         **extra)


def test_two_sessions_keep_each_others_rows_and_the_second_is_told_about_the_shared_row(world, today):
    # given two clients, and two staff who open the same (empty) day
    a, b, c = (enrolled_client(world.office, kana=k) for k in ("ア", "イ", "ウ"))
    form_1 = loaded_form(world.office, DAY)
    form_2 = loaded_form(world.office, DAY)
    # when the first marks everyone attended and saves
    attendance_record_day(office=world.office, day=DAY, by=world.staff, rows=[
        entry(x, form_1, AttendanceStatus.ATTENDED) for x in (a, b, c)])
    # and the second, on the stale form, marks only b absent and c absent with support, leaving a empty
    summary = attendance_record_day(office=world.office, day=DAY, by=world.supervisor, rows=[
        entry(a, form_2, ""),
        entry(b, form_2, AttendanceStatus.ABSENT),
        entry(c, form_2, AttendanceStatus.ABSENT_SUPPORTED, note="電話")])
    # then a keeps the first writer's row (the second never touched it) …
    rows = {r.client_id: r for r in Attendance.objects.filter(day=DAY)}
    assert rows[a.pk].status == AttendanceStatus.ATTENDED and rows[a.pk].updated_by == world.staff
    # … b and c carry the last writer's entries …
    assert rows[b.pk].status == AttendanceStatus.ABSENT and rows[b.pk].version == 2
    assert rows[c.pk].status == AttendanceStatus.ABSENT_SUPPORTED
    # … and the second writer is told about every row that changed under them
    assert {(x.client_id, x.replaced) for x in summary.conflicts} == {(a.pk, False), (b.pk, True), (c.pk, True)}
    assert str(world.staff) in summary.conflicts[0].message


def test_a_save_on_a_fresh_form_reports_no_conflict(world, today):
    a = enrolled_client(world.office)
    attendance_record_day(office=world.office, day=DAY, by=world.staff, rows=[
        entry(a, loaded_form(world.office, DAY), AttendanceStatus.ATTENDED)])
    summary = attendance_record_day(office=world.office, day=DAY, by=world.staff, rows=[
        entry(a, loaded_form(world.office, DAY), AttendanceStatus.ABSENT)])
    assert summary.conflicts == []


@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_at_once_both_rows_survive(world, today):
    a, b = enrolled_client(world.office, kana="ア"), enrolled_client(world.office, kana="イ")
    form = loaded_form(world.office, DAY)
    barrier = threading.Barrier(2)
    results, failures = {}, []

    def save(name, user, rows):
        try:
            barrier.wait(timeout=10)
            results[name] = attendance_record_day(office=world.office, day=DAY, by=user, rows=rows)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connection.close()  # each thread has its own database connection

    shared = [entry(a, form, AttendanceStatus.ATTENDED, start_time=time(9), end_time=time(12))]
    one = threading.Thread(target=save, args=("one", world.staff, shared + [entry(b, form, AttendanceStatus.ABSENT)]))
    two = threading.Thread(target=save, args=("two", world.supervisor, [
        entry(a, form, AttendanceStatus.OFFSITE, start_time=time(10), end_time=time(16))]))
    one.start(), two.start()
    one.join(), two.join()
    assert failures == []
    rows = {r.client_id: r for r in Attendance.objects.filter(day=DAY)}
    assert set(rows) == {a.pk, b.pk}  # nothing lost
    # exactly one of the two saves came second on row a: it won the row and was told
    told = [name for name, summary in results.items() if summary.conflicts]
    assert len(told) == 1
    winner = results[told[0]]
    assert [c.client_id for c in winner.conflicts] == [a.pk]
    assert rows[a.pk].status == (AttendanceStatus.ATTENDED if told == ["one"] else AttendanceStatus.OFFSITE)
    assert rows[a.pk].version == 2

"""Rule: saving a day is an upsert — one row per client per day, re-saving is safe and changes nothing."""

from datetime import date, time

from attendance.models import Attendance, AttendanceStatus
from attendance.services import AttendanceRow, attendance_record_day
from tests.factories import enrolled_client

DAY = date(2025, 6, 12)


def attended(client, **extra) -> AttendanceRow:
    return AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED, start_time=time(10),
                         end_time=time(15), **extra)


def test_saving_a_day_creates_one_row_per_client(world, today):
    a, b = enrolled_client(world.office), enrolled_client(world.office)
    summary = attendance_record_day(office=world.office, day=DAY, rows=[attended(a), attended(b)], by=world.staff)
    assert summary.created == 2
    assert Attendance.objects.filter(day=DAY).count() == 2
    row = Attendance.objects.get(client=a, day=DAY)
    assert (row.version, row.updated_by, row.office) == (1, world.staff, world.office)


def test_saving_the_same_day_again_keeps_one_row_and_does_not_bump_the_version(world, today):
    a = enrolled_client(world.office)
    attendance_record_day(office=world.office, day=DAY, rows=[attended(a)], by=world.staff)
    summary = attendance_record_day(office=world.office, day=DAY, rows=[attended(a)], by=world.staff)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    assert Attendance.objects.get(client=a, day=DAY).version == 1


def test_changing_a_row_updates_it_in_place_and_bumps_the_version(world, today):
    a = enrolled_client(world.office)
    attendance_record_day(office=world.office, day=DAY, rows=[attended(a)], by=world.staff)
    summary = attendance_record_day(office=world.office, day=DAY, by=world.supervisor, rows=[
        AttendanceRow(client_id=a.pk, status=AttendanceStatus.ABSENT, loaded_version=1)])
    assert summary.updated == 1
    row = Attendance.objects.get(client=a, day=DAY)
    assert (row.status, row.version, row.updated_by, row.start_time) == ("absent", 2, world.supervisor, None)


def test_clearing_the_status_removes_the_row(world, today):
    a = enrolled_client(world.office)
    attendance_record_day(office=world.office, day=DAY, rows=[attended(a)], by=world.staff)
    summary = attendance_record_day(office=world.office, day=DAY, rows=[AttendanceRow(client_id=a.pk, status="")],
                                    by=world.staff)
    assert summary.deleted == 1
    assert not Attendance.objects.filter(client=a).exists()


def test_a_row_without_status_and_without_record_is_ignored(world, today):
    a = enrolled_client(world.office)
    summary = attendance_record_day(office=world.office, day=DAY, rows=[AttendanceRow(client_id=a.pk)], by=world.staff)
    assert summary.written == 0
    assert not Attendance.objects.exists()


def test_note_and_flags_are_stored(world, today):
    a = enrolled_client(world.office)
    attendance_record_day(office=world.office, day=DAY, by=world.staff, rows=[
        attended(a, transport_to=True, transport_from=True, meal=True, note=" 午後から ")])
    row = Attendance.objects.get(client=a)
    assert (row.transport_to, row.transport_from, row.meal, row.note) == (True, True, True, "午後から")

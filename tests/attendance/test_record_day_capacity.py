"""Rule: a day above 150 % of capacity saves with a warning; the month's running average is shown against
125 % of capacity (定員超過)."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from attendance import services
from attendance.models import AttendanceStatus
from attendance.rules import capacity_average_exceeded, capacity_day_exceeded
from attendance.selectors import attendance_capacity_figures
from attendance.services import AttendanceRow, attendance_record_day
from tests.attendance.factories import AttendanceFactory, enrolled_client

DAY = date(2025, 6, 12)


def test_150_percent_is_the_day_limit():
    assert not capacity_day_exceeded(users=30, capacity=20)
    assert capacity_day_exceeded(users=31, capacity=20)
    assert capacity_day_exceeded(users=4, capacity=2)


def test_125_percent_is_the_average_limit():
    assert not capacity_average_exceeded(user_days=250, open_days=10, capacity=20)
    assert capacity_average_exceeded(user_days=251, open_days=10, capacity=20)


def test_a_day_above_150_percent_of_capacity_is_saved_with_a_warning(world, today):
    world.office.capacity = 2
    world.office.save()
    clients = [enrolled_client(world.office) for _ in range(4)]
    summary = attendance_record_day(office=world.office, day=DAY, by=world.staff, rows=[
        AttendanceRow(client_id=c.pk, status=AttendanceStatus.ATTENDED) for c in clients])
    assert summary.created == 4
    assert _(services.MSG_CAPACITY_DAY_EXCEEDED) % {"users": 4, "capacity": 2} in summary.warnings
    assert summary.capacity.day_exceeded


def test_absences_do_not_count_towards_capacity(world, today):
    world.office.capacity = 1
    world.office.save()
    clients = [enrolled_client(world.office) for _ in range(3)]
    summary = attendance_record_day(office=world.office, day=DAY, by=world.staff, rows=[
        AttendanceRow(client_id=c.pk, status=AttendanceStatus.ABSENT) for c in clients])
    assert summary.warnings == []
    assert summary.capacity.day_users == 0


def test_running_average_counts_the_days_the_office_had_users_up_to_the_day(world):
    clients = [enrolled_client(world.office) for _ in range(3)]
    for offset, users in enumerate([3, 2, 0, 1]):  # June 2–5
        for client in clients[:users]:
            AttendanceFactory(client=client, day=date(2025, 6, 2) + timedelta(days=offset))
    AttendanceFactory(client=clients[0], day=date(2025, 6, 9))  # after the day: not counted
    figures = attendance_capacity_figures(office=world.office, day=date(2025, 6, 5))
    assert (figures.day_users, figures.user_days, figures.open_days) == (1, 6, 3)
    assert figures.average == Decimal("2.0")
    assert figures.average_limit == Decimal("25.0")
    assert figures.day_limit == Decimal("30.0")
    assert not figures.average_exceeded

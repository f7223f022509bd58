"""Rule (定員超過利用減算, domain.md): a day is over capacity when its users exceed 150 % of capacity
(capacity 50 or less) or (capacity − 50) × 125 % + 75 (51 or more); the month is over when the three months
ending with it exceed the rolling limit.  ``regulations.rules`` decides both; the roster warns with them
while staff enter the day and billing reduces with them, so the two cannot disagree."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils.translation import gettext as _

from attendance import services
from attendance.models import AttendanceStatus
from attendance.selectors import attendance_capacity_figures
from attendance.services import AttendanceRow, attendance_record_day
from billing.services.claims import over_capacity_of
from billing.services.fees import fee_book_load
from tests.factories import AttendanceFactory, capacity, enrolled_client

DAY = date(2025, 6, 12)


def test_a_day_above_150_percent_of_capacity_is_saved_with_a_warning(world, today):
    world.office.capacity = 2
    world.office.save()
    clients = [enrolled_client(world.office) for _ in range(4)]
    summary = attendance_record_day(office=world.office, day=DAY, by=world.staff, rows=[
        AttendanceRow(client_id=c.pk, status=AttendanceStatus.ATTENDED) for c in clients])
    assert summary.created == 4
    warning = _(services.MSG_CAPACITY_DAY_EXCEEDED) % {"users": 4, "limit": Decimal("3"), "capacity": 2}
    assert warning in summary.warnings
    assert summary.capacity.day_exceeded


def test_absences_do_not_count_towards_capacity(world, today):
    world.office.capacity = 1
    world.office.save()
    clients = [enrolled_client(world.office) for _ in range(3)]
    summary = attendance_record_day(office=world.office, day=DAY, by=world.staff, rows=[
        AttendanceRow(client_id=c.pk, status=AttendanceStatus.ABSENT) for c in clients])
    assert summary.warnings == []
    assert summary.capacity.day_users == 0


def test_the_rolling_figures_count_the_open_days_of_three_months_up_to_the_day(world):
    clients = [enrolled_client(world.office) for _ in range(3)]
    AttendanceFactory(client=clients[0], day=date(2025, 4, 1))  # two months before: inside the window
    AttendanceFactory(client=clients[0], day=date(2025, 3, 31))  # three months before: outside
    for offset, users in enumerate([3, 2, 0, 1]):  # June 2–5
        for client in clients[:users]:
            AttendanceFactory(client=client, day=date(2025, 6, 2) + timedelta(days=offset))
    AttendanceFactory(client=clients[0], day=date(2025, 6, 9))  # after the day: not counted yet
    figures = attendance_capacity_figures(office=world.office, day=date(2025, 6, 5))
    assert (figures.day_users, figures.user_days, figures.open_days) == (1, 7, 4)
    assert figures.average == Decimal("1.8")
    assert figures.average_limit == Decimal("25.0")  # capacity 20 × 125 %
    assert figures.day_limit == Decimal("30.0")  # capacity 20 × 150 %
    assert not figures.average_exceeded


@pytest.mark.parametrize(("capacity", "users", "over"), [
    (60, 89, True),  # the first example: (60 − 50) × 125 % + 75 = 87.5; the old roster copy said no
    (60, 87, False),
    (50, 76, True),  # capacity 50: 150 % = 75
    (51, 76, False),  # capacity 51: 76.25
    (10, 13, False),  # the second example: 15 allowed a day; the old roster copy said over (125 %)
    (10, 15, False),
    (10, 16, True),
])
def test_the_roster_and_billing_give_one_answer_for_a_day_at_each_capacity_band_edge(world, capacity, users, over):
    # given one open day of the month with ``users`` attending (no other day in the three months)
    world.office.capacity = capacity
    world.office.save()
    for _n in range(users):
        AttendanceFactory(client=enrolled_client(world.office), day=DAY, status=AttendanceStatus.ATTENDED)
    # when the roster shows the day and billing works out the month's reduction (its fee tables above
    # capacity 20 are not shipped, so billing's over-capacity step is called on the day's count directly)
    roster = attendance_capacity_figures(office=world.office, day=DAY)
    billing = over_capacity_of(book=fee_book_load(office=world.office), month=DAY, daily_users={DAY: users})
    # then both say the same, the answer domain.md gives
    assert roster.day_exceeded is (DAY in billing.days_over) is over
    assert roster.average_exceeded is billing.rolling_over


def test_the_roster_judges_each_day_by_the_capacity_in_force_on_it_as_billing_does(world):
    # given an office whose capacity went from 20 to 10 on 1 June, and 16 users on 12 June
    world.office.capacity = 20
    world.office.save()
    capacity(world.office, date(2025, 6, 1), 10)
    for _n in range(16):
        AttendanceFactory(client=enrolled_client(world.office), day=DAY, status=AttendanceStatus.ATTENDED)
    # when the roster shows the day and billing works out the month
    roster = attendance_capacity_figures(office=world.office, day=DAY)
    billing = over_capacity_of(book=fee_book_load(office=world.office), month=DAY, daily_users={DAY: 16})
    # then both judge 12 June by capacity 10 (15 allowed): over, though 16 is within 150 % of 20
    assert roster.capacity == 10
    assert roster.day_exceeded is (DAY in billing.days_over) is True

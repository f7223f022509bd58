"""Rule: a month that billing has closed is read-only; after a reopening it can be changed again."""

from datetime import date

import pytest
from django.utils.translation import gettext as _

from attendance import services
from attendance.errors import AttendanceError
from attendance.models import Attendance, AttendanceStatus
from attendance.services import AttendanceRow, DayRejected, attendance_record_day
from billing.services.closing import billing_month_close, billing_month_reopen
from tests.factories import AttendanceFactory, enrolled_client
from tests.helpers import codes_of


def close(office, month, by):
    """Billing's own closing: it locks the month's attendance (``attendance.ClosedMonth``)."""
    return billing_month_close(office=office, month=month, by=by)


def test_saving_in_a_closed_month_is_refused_and_changes_nothing(world, today):
    client = enrolled_client(world.office)
    AttendanceFactory(client=client, day=date(2025, 5, 20), status=AttendanceStatus.ATTENDED)
    close(world.office, date(2025, 5, 1), world.manager)
    with pytest.raises(DayRejected) as caught:
        attendance_record_day(office=world.office, day=date(2025, 5, 20), by=world.manager,
                              rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ABSENT)])
    assert codes_of(caught.value) == {AttendanceError.MONTH_CLOSED}
    assert caught.value.errors == [_(services.MSG_MONTH_CLOSED)]
    assert Attendance.objects.get(client=client).status == AttendanceStatus.ATTENDED


def test_another_offices_closing_does_not_lock_this_office(world, today):
    client = enrolled_client(world.office)
    close(world.other_office, date(2025, 5, 1), world.outsider)
    attendance_record_day(office=world.office, day=date(2025, 5, 20), by=world.staff,
                          rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED)])


def test_a_reopened_month_can_be_changed(world, today):
    client = enrolled_client(world.office)
    close(world.office, date(2025, 5, 1), world.manager)
    billing_month_reopen(office=world.office, month=date(2025, 5, 1), by=world.manager, reason="訂正")
    attendance_record_day(office=world.office, day=date(2025, 5, 20), by=world.staff,
                          rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED)])
    assert Attendance.objects.filter(client=client).exists()

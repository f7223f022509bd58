"""Rules checked when saving a day: each broken rule gives its message on its row and nothing is saved."""

from datetime import date, time

import pytest
from django.utils.translation import gettext as _

from attendance import rules, services
from attendance.errors import AttendanceError
from attendance.models import Attendance, AttendanceStatus
from attendance.services import AttendanceRow, DayRejected, attendance_record_day
from clients.models import ServicePeriod
from tests.conftest import TODAY
from tests.factories import enrolled_client
from tests.helpers import codes_of

DAY = date(2025, 6, 12)


def row(client, status=AttendanceStatus.ATTENDED, **extra) -> AttendanceRow:
    return AttendanceRow(client_id=client.pk, status=status, **extra)


def rejected(office, rows, by, day=DAY, **kwargs) -> DayRejected:
    with pytest.raises(DayRejected) as caught:
        attendance_record_day(office=office, day=day, rows=rows, by=by, **kwargs)
    return caught.value


def test_no_attendance_outside_the_certificate_period(world, today):
    client = enrolled_client(world.office, period=(date(2025, 7, 1), date(2026, 6, 30)))
    error = rejected(world.office, [row(client)], world.staff)
    assert error.row_codes == {client.pk: [AttendanceError.OUTSIDE_CERTIFICATE]}
    assert error.row_errors == {client.pk: [_(rules.MSG_OUTSIDE_CERTIFICATE)]}
    assert not Attendance.objects.exists()


def test_no_attendance_before_enrolment(world, today):
    client = enrolled_client(world.office, enrolled_on=date(2025, 6, 13))
    error = rejected(world.office, [row(client)], world.staff)
    assert error.row_codes == {client.pk: [AttendanceError.BEFORE_ENROLMENT]}
    assert error.row_errors[client.pk] == [_(rules.MSG_BEFORE_ENROLMENT)]


def test_no_attendance_after_the_client_ended(world, today):
    client = enrolled_client(world.office, ended_on=date(2025, 6, 11))
    error = rejected(world.office, [row(client)], world.staff)
    assert error.row_codes == {client.pk: [AttendanceError.AFTER_END]}
    assert error.row_errors[client.pk] == [_(rules.MSG_AFTER_END)]


def test_the_last_day_of_use_still_counts(world, today):
    client = enrolled_client(world.office, ended_on=DAY)
    attendance_record_day(office=world.office, day=DAY, rows=[row(client)], by=world.staff)
    assert Attendance.objects.filter(client=client).exists()


def test_days_after_a_hire_closed_the_period_of_use_are_refused(world, today):
    client = enrolled_client(world.office, service_period=False)
    ServicePeriod.objects.create(client=client, started_on=date(2024, 3, 1), enrolled_on=date(2024, 4, 1),
                                 ended_on=date(2025, 5, 31), end_reason="就職")
    error = rejected(world.office, [row(client)], world.staff)
    assert error.row_codes == {client.pk: [AttendanceError.AFTER_END]}
    assert error.row_errors[client.pk] == [_(rules.MSG_AFTER_END)]


def test_one_bad_row_saves_nothing_and_good_rows_get_no_message(world, today):
    good, bad = enrolled_client(world.office), enrolled_client(world.office, enrolled_on=date(2025, 7, 1))
    error = rejected(world.office, [row(good), row(bad)], world.staff)
    assert error.row_codes == {bad.pk: [AttendanceError.BEFORE_ENROLMENT]}
    assert set(error.row_errors) == {bad.pk}
    assert not Attendance.objects.exists()


def test_end_time_must_be_after_start_time(world, today):
    client = enrolled_client(world.office)
    error = rejected(world.office, [row(client, start_time=time(15), end_time=time(10))], world.staff)
    assert error.row_codes == {client.pk: [AttendanceError.END_NOT_AFTER_START]}
    assert error.row_errors[client.pk] == [_(services.MSG_END_NOT_AFTER_START)]


def test_absence_with_support_needs_a_note(world, today):
    client = enrolled_client(world.office)
    error = rejected(world.office, [row(client, AttendanceStatus.ABSENT_SUPPORTED, note="  ")], world.staff)
    assert error.row_codes == {client.pk: [AttendanceError.SUPPORT_NEEDS_NOTE]}
    assert error.row_errors[client.pk] == [_(services.MSG_SUPPORT_NEEDS_NOTE)]
    attendance_record_day(office=world.office, day=DAY, by=world.staff,
                          rows=[row(client, AttendanceStatus.ABSENT_SUPPORTED, note="電話で体調確認")])
    assert Attendance.objects.get(client=client).status == AttendanceStatus.ABSENT_SUPPORTED


def test_an_absence_has_no_transport_meal_or_times(world, today):
    client = enrolled_client(world.office)
    error = rejected(world.office, [row(client, AttendanceStatus.ABSENT, meal=True, start_time=time(10))], world.staff)
    assert error.row_codes == {client.pk: [AttendanceError.ABSENCE_NO_TRANSPORT_OR_MEAL,
                                           AttendanceError.ABSENCE_NO_TIMES]}
    assert error.row_errors[client.pk] == [_(services.MSG_ABSENCE_NO_TRANSPORT_OR_MEAL),
                                           _(services.MSG_ABSENCE_NO_TIMES)]


def test_no_attendance_for_a_day_after_today(world, today):
    client = enrolled_client(world.office)
    error = rejected(world.office, [row(client)], world.staff, day=date(2025, 6, 14))
    assert codes_of(error) == {AttendanceError.FUTURE_DAY}
    assert error.errors == [_(services.MSG_FUTURE_DAY)]
    attendance_record_day(office=world.office, day=TODAY, rows=[row(client)], by=world.staff)


def test_another_offices_client_is_refused(world, today):
    stranger = enrolled_client(world.other_office)
    error = rejected(world.office, [row(stranger)], world.staff)
    assert error.row_codes == {stranger.pk: [AttendanceError.UNKNOWN_CLIENT]}
    assert error.row_errors[stranger.pk] == [_(services.MSG_UNKNOWN_CLIENT)]
    assert not Attendance.objects.exists()


def test_unknown_status_is_refused(world, today):
    client = enrolled_client(world.office)
    error = rejected(world.office, [row(client, "holiday")], world.staff)
    assert error.row_codes == {client.pk: [AttendanceError.UNKNOWN_STATUS]}

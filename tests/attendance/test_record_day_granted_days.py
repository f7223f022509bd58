"""Rule: attended + off-site days of a month stay within the granted days (支給量) — a warning at the limit,
refused beyond it unless a supervisor confirms with a reason, which is recorded."""

from datetime import date, time, timedelta

import pytest
from django.utils.translation import gettext as _

from attendance import services
from attendance.errors import AttendanceError
from attendance.models import Attendance, AttendanceStatus, GrantedDaysOverride
from attendance.selectors import attendance_roster
from attendance.services import AttendanceRow, DayRejected, attendance_record_day
from tests.factories import AttendanceFactory, CertificateFactory, enrolled_client
from tests.helpers import codes_of

DAY = date(2025, 6, 12)


def with_days_attended(client, days: int, status=AttendanceStatus.ATTENDED, first: int = 1):
    """``days`` rows from June ``first`` on (never on DAY, the 12th)."""
    for offset in range(days):
        assert first + offset != DAY.day
        AttendanceFactory(client=client, day=date(2025, 6, first) + timedelta(days=offset), status=status)


def test_reaching_the_granted_days_saves_with_a_warning(world, today):
    client = enrolled_client(world.office, granted_days=5)
    with_days_attended(client, 4)
    summary = attendance_record_day(office=world.office, day=DAY, by=world.staff,
                                    rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.OFFSITE,
                                                        start_time=time(10), end_time=time(15))])
    assert summary.warnings == [_(services.MSG_AT_GRANTED_DAYS) % {"name": client.full_name, "granted": 5}]
    assert Attendance.objects.filter(client=client).count() == 5


def test_going_beyond_the_granted_days_is_refused(world, today):
    client = enrolled_client(world.office, granted_days=5)
    with_days_attended(client, 3)
    with_days_attended(client, 2, status=AttendanceStatus.OFFSITE, first=4)  # off-site counts too
    with pytest.raises(DayRejected) as caught:
        attendance_record_day(office=world.office, day=DAY, by=world.staff,
                              rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED)])
    assert caught.value.row_codes == {client.pk: [AttendanceError.OVER_GRANTED_DAYS]}
    assert caught.value.row_errors[client.pk] == [_(services.MSG_OVER_GRANTED_DAYS) % {"count": 6, "granted": 5}]


def test_absences_do_not_count_against_granted_days(world, today):
    client = enrolled_client(world.office, granted_days=1)
    with_days_attended(client, 5, status=AttendanceStatus.ABSENT)
    attendance_record_day(office=world.office, day=DAY, by=world.staff,
                          rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED)])


def test_standard_granted_days_apply_when_the_certificate_has_none(world, today):
    client = enrolled_client(world.office, granted_days=None)
    with_days_attended(client, 11)  # June: 30 - 8 = 22 granted
    with_days_attended(client, 11, first=13)
    with pytest.raises(DayRejected) as caught:
        attendance_record_day(office=world.office, day=DAY, by=world.staff,
                              rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED)])
    assert caught.value.row_codes == {client.pk: [AttendanceError.OVER_GRANTED_DAYS]}
    assert caught.value.row_errors[client.pk] == [_(services.MSG_OVER_GRANTED_DAYS) % {"count": 23, "granted": 22}]


def test_a_supervisor_confirms_beyond_the_granted_days_with_a_reason_which_is_recorded(world, today):
    client = enrolled_client(world.office, granted_days=2)
    with_days_attended(client, 2)
    summary = attendance_record_day(
        office=world.office, day=DAY, by=world.supervisor, override_reason="市の了承済み（面接準備）",
        rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED)])
    override = GrantedDaysOverride.objects.get(client=client)
    assert (override.month, override.reason, override.confirmed_by) == (date(2025, 6, 1), "市の了承済み（面接準備）",
                                                                         world.supervisor)
    assert summary.confirmed_overrides == [client.pk]
    assert Attendance.objects.filter(client=client).count() == 3


def test_staff_cannot_confirm_beyond_the_granted_days(world, today):
    client = enrolled_client(world.office, granted_days=2)
    with_days_attended(client, 2)
    with pytest.raises(DayRejected) as caught:
        attendance_record_day(office=world.office, day=DAY, by=world.staff, override_reason="お願い",
                              rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED)])
    # the day is refused for the confirmation, and the row stays beyond its granted days
    assert codes_of(caught.value) == {AttendanceError.OVERRIDE_SUPERVISOR_ONLY, AttendanceError.OVER_GRANTED_DAYS}
    assert caught.value.codes == [AttendanceError.OVERRIDE_SUPERVISOR_ONLY]
    assert caught.value.errors == [_(services.MSG_OVERRIDE_SUPERVISOR_ONLY)]
    assert not GrantedDaysOverride.objects.exists()
    assert Attendance.objects.filter(client=client).count() == 2


def test_an_earlier_confirmation_covers_the_rest_of_the_month(world, today):
    client = enrolled_client(world.office, granted_days=2)
    with_days_attended(client, 2)
    GrantedDaysOverride.objects.create(client=client, month=date(2025, 6, 1), reason="了承済み",
                                       confirmed_by=world.supervisor)
    attendance_record_day(office=world.office, day=DAY, by=world.staff,
                          rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED)])
    assert Attendance.objects.filter(client=client).count() == 3


def test_editing_a_day_already_counted_does_not_trip_the_limit(world, today):
    client = enrolled_client(world.office, granted_days=2)
    with_days_attended(client, 1)
    AttendanceFactory(client=client, day=DAY)
    attendance_record_day(office=world.office, day=DAY, by=world.staff, rows=[
        AttendanceRow(client_id=client.pk, status=AttendanceStatus.OFFSITE, note="企業実習")])
    assert Attendance.objects.get(client=client, day=DAY).status == AttendanceStatus.OFFSITE


def test_a_certificate_that_changes_mid_month_counts_granted_days_over_its_own_days(world, today):
    """Rule (as billing, ``regulations.rules.certificate_days``): each certificate's granted days count the
    days it covers.  A (to May 15th, 20 days) then B (from May 16th, 10 days): an 11th day under A is fine
    although B, which stands for the month, grants 10; an 11th day under B is beyond its granted days."""
    client = enrolled_client(world.office, period=(date(2024, 5, 16), date(2025, 5, 15)), granted_days=20)
    CertificateFactory(client=client, period_start=date(2025, 5, 16), period_end=date(2026, 5, 15), granted_days=10)
    for day in [*range(1, 11), *range(16, 26)]:  # 10 days under A, 10 under B
        AttendanceFactory(client=client, day=date(2025, 5, day), status=AttendanceStatus.ATTENDED)
    attendance_record_day(office=world.office, day=date(2025, 5, 12), by=world.staff,  # the 11th day under A
                          rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED)])
    with pytest.raises(DayRejected) as caught:  # the 11th day under B
        attendance_record_day(office=world.office, day=date(2025, 5, 26), by=world.staff,
                              rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED)])
    assert caught.value.row_codes == {client.pk: [AttendanceError.OVER_GRANTED_DAYS]}
    assert caught.value.row_errors[client.pk] == [_(services.MSG_OVER_GRANTED_DAYS) % {"count": 11, "granted": 10}]


def test_the_roster_shows_the_days_counted_against_the_days_own_certificate(world, today):
    """Rule (the roster says what recording the day checks): under A (20 granted days) 10 days are counted,
    not the month's 20 against B's 10."""
    client = enrolled_client(world.office, period=(date(2024, 5, 16), date(2025, 5, 15)), granted_days=20)
    CertificateFactory(client=client, period_start=date(2025, 5, 16), period_end=date(2026, 5, 15), granted_days=10)
    for day in [*range(1, 11), *range(16, 26)]:
        AttendanceFactory(client=client, day=date(2025, 5, day), status=AttendanceStatus.ATTENDED)
    (under_a,) = [r for r in attendance_roster(office=world.office, day=date(2025, 5, 12), today=today).rows
                  if r.client.pk == client.pk]
    (under_b,) = [r for r in attendance_roster(office=world.office, day=date(2025, 5, 26), today=today).rows
                  if r.client.pk == client.pk]
    assert (under_a.counted, under_a.granted_days) == (10, 20)
    assert (under_b.counted, under_b.granted_days) == (10, 10)

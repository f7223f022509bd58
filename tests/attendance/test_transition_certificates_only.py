"""Rule: attending is on a 就労移行支援 (transition) certificate.  A 就労定着支援 certificate is another decision:
it does not put a person on the roster or the month grid, does not let a day be saved, and its granted days
are not the month's."""

from datetime import date
from io import StringIO

from django.core.management import CommandError, call_command
from django.utils.translation import gettext as _

from attendance import rules
from attendance.errors import AttendanceError
from attendance.models import AttendanceStatus
from attendance.selectors import (
    attendance_granted_days,
    attendance_month_grid,
    attendance_roster,
    attendance_roster_clients,
)
from attendance.services import AttendanceRow, DayRejected, attendance_record_day
from clients.models import CertificateService
from tests.conftest import TODAY
from tests.factories import CertificateFactory, ClientFactory, enrolled_client

DAY = date(2025, 6, 12)


def support_only(office, **extra):
    """An enrolled person whose only certificate valid in June 2025 is a 就労定着支援 one."""
    client = ClientFactory(office=office, **extra)
    CertificateFactory(client=client, service=CertificateService.RETENTION_SUPPORT, period_start=date(2025, 1, 1),
                       period_end=date(2025, 12, 31), granted_days=5)
    return client


def test_the_roster_ignores_a_person_with_only_a_retention_support_certificate(world, today):
    attending = enrolled_client(world.office, kana="ア")
    support_only(world.office, family_name_kana="イ")
    roster = attendance_roster(office=world.office, day=DAY, today=TODAY)
    assert [row.client for row in roster.rows] == [attending]
    assert attendance_roster_clients(office=world.office, day=DAY) == [attending]


def test_the_month_grid_ignores_a_person_with_only_a_retention_support_certificate(world, today):
    attending = enrolled_client(world.office)
    support_only(world.office)
    grid = attendance_month_grid(office=world.office, month=DAY)
    assert grid.clients == [attending]


def test_a_day_cannot_be_saved_on_a_retention_support_certificate(world, today):
    client = support_only(world.office)
    try:
        attendance_record_day(office=world.office, day=DAY, by=world.staff,
                              rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.ATTENDED)])
    except DayRejected as rejected:
        assert rejected.row_codes == {client.pk: [AttendanceError.OUTSIDE_CERTIFICATE]}
        assert rejected.row_errors == {client.pk: [_(rules.MSG_OUTSIDE_CERTIFICATE)]}
    else:
        raise AssertionError("the day was saved without a transition certificate")


def test_the_granted_days_are_the_transition_certificates_beside_a_retention_support_one(world, today):
    client = enrolled_client(world.office, granted_days=12)
    CertificateFactory(client=client, service=CertificateService.RETENTION_SUPPORT, period_start=date(2025, 6, 1),
                       period_end=date(2026, 5, 31), granted_days=3)
    assert attendance_granted_days(client=client, month=DAY) == 12
    [row] = attendance_roster(office=world.office, day=DAY, today=TODAY).rows
    assert row.granted_days == 12


def test_import_finds_a_person_by_a_retention_support_number_and_refuses_the_day_on_its_line(world, today, tmp_path):
    client = support_only(world.office)
    path = tmp_path / "attendance.csv"
    number = client.certificates.get().number
    path.write_text(f"certificate_number,date,status\n{number},2025-06-12,通所\n", encoding="utf-8")
    err = StringIO()
    try:
        call_command("import_attendance", str(path), "--office", world.office.number, stdout=StringIO(), stderr=err)
    except CommandError:
        pass
    assert f"attendance.csv:2: {_(rules.MSG_OUTSIDE_CERTIFICATE)}" in err.getvalue()  # FILE:LINE: (row) reason
    assert not client.attendance.exists()

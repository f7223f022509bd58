"""Rule: a history page reads like the screens — choice labels, names of related rows, yes/no — not raw
codes and ids, and its queries do not grow with the number of events."""

from datetime import date, time

from django.urls import reverse

from attendance.models import AttendanceStatus
from attendance.services import AttendanceRow, attendance_record_day
from tests.factories import CertificateFactory, ClientFactory


def _client_with_days(world, days):
    client = ClientFactory(office=world.office, family_name="北村", given_name="一郎", enrolled_on=date(2026, 1, 5),
                           status="enrolled")
    CertificateFactory(client=client, period_start=date(2026, 1, 1), period_end=date(2027, 12, 31))
    for day in days:
        attendance_record_day(
            office=world.office, day=day, by=world.staff, today=date(2026, 11, 24),
            rows=[AttendanceRow(client_id=client.pk, status=AttendanceStatus.OFFSITE, start_time=time(10),
                                end_time=time(15), transport_to=True, transport_from=False, meal=False, note="")],
        )
    return client


def test_client_history_shows_labels_and_names_not_codes(world, supervisor_client):
    client = _client_with_days(world, [date(2026, 11, 2)])
    html = supervisor_client.get(reverse("clients:history", args=[client.pk])).content.decode()
    assert "施設外支援" in html  # the status label, not "offsite"
    assert "北村 一郎" in html  # the client's name, not its id
    assert "offsite" not in html


def test_client_page_links_to_its_history_for_supervisors_only(world, supervisor_client, staff_client):
    client = _client_with_days(world, [])
    url = reverse("clients:history", args=[client.pk])
    assert url in supervisor_client.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert url not in staff_client.get(reverse("clients:detail", args=[client.pk])).content.decode()


def test_history_queries_do_not_grow_with_the_events(world, supervisor_client, django_assert_max_num_queries):
    few = _client_with_days(world, [date(2026, 11, 2)])
    many = _client_with_days(world, [date(2026, 11, d) for d in (2, 4, 5, 6, 9, 10, 11, 12)])
    with django_assert_max_num_queries(14) as small:
        supervisor_client.get(reverse("clients:history", args=[few.pk]))
    with django_assert_max_num_queries(len(small.captured_queries)):
        supervisor_client.get(reverse("clients:history", args=[many.pk]))

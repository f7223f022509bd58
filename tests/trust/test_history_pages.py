"""Rules: a supervisor sees the history of a client (all the client's rows) and of an attendance day; a
manager sees the history of a billing month; only ever the current office's; staff get 403."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance, AttendanceStatus
from billing.models import MonthClosing
from clients.models import Client
from compostela.audit import audit_context
from tests.conftest import logged_in
from tests.trust.helpers import make_attendance, make_client

pytestmark = pytest.mark.django_db
DAY = date(2025, 4, 7)


def test_client_history_shows_the_clients_rows_with_who_and_what_changed(world):
    # given
    with audit_context(user=world.staff, reason="test"):
        client = make_client(world.office, phone="011-111-1111")
        Client.objects.filter(pk=client.pk).update(phone="011-222-2222")
        make_attendance(client, DAY, world.staff)
    make_client(world.office, family_name="佐藤")
    # when
    response = logged_in(world.supervisor).get(reverse("clients:history", kwargs={"pk": client.pk}))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "011-111-1111" in page and "011-222-2222" in page
    assert str(world.staff) in page
    assert "電話" in page or "phone" in page
    assert page.count("<tr>") == 1 + 3  # header + insert, update, attendance
    assert "佐藤" not in page


def test_client_history_of_another_office_answers_404(world):
    foreign = make_client(world.other_office)
    response = logged_in(world.supervisor).get(reverse("clients:history", kwargs={"pk": foreign.pk}))
    assert response.status_code == 404


def test_staff_may_not_see_histories(world):
    client = make_client(world.office)
    http = logged_in(world.staff)
    assert http.get(reverse("clients:history", kwargs={"pk": client.pk})).status_code == 403
    assert http.get(reverse("attendance:history", kwargs={"day": DAY.isoformat()})).status_code == 403


def test_attendance_day_history_shows_only_that_day_of_the_current_office(world):
    # given attendance on the day in both offices, and on another day
    mine = make_attendance(make_client(world.office), DAY, world.staff)
    Attendance.objects.filter(pk=mine.pk).update(status=AttendanceStatus.OFFSITE)
    make_attendance(make_client(world.office, family_name="別日"), date(2025, 4, 8), world.staff)
    make_attendance(make_client(world.other_office, family_name="他所"), DAY, world.outsider)
    # when
    response = logged_in(world.supervisor).get(reverse("attendance:history", kwargs={"day": DAY.isoformat()}))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<tr>") == 1 + 2
    assert "施設外支援" in page  # shown by its label (tests/trust/test_history_readable.py)


def test_an_invalid_day_answers_404(world):
    response = logged_in(world.supervisor).get(reverse("attendance:history", kwargs={"day": "2025-02-30"}))
    assert response.status_code == 404


def test_billing_month_history_shows_the_closings_of_the_month_to_the_manager(world):
    MonthClosing.objects.create(office=world.office, month=date(2025, 4, 1), version=1,
                                closed_at=timezone.make_aware(datetime(2025, 5, 2, 10)), closed_by=world.manager)
    MonthClosing.objects.create(office=world.other_office, month=date(2025, 4, 1), version=1,
                                closed_at=timezone.make_aware(datetime(2025, 5, 2, 10)), closed_by=world.outsider)
    response = logged_in(world.manager).get(reverse("billing:month_history", kwargs={"year": 2025, "month": 4}))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 1 + 1
    assert logged_in(world.supervisor).get(
        reverse("billing:month_history", kwargs={"year": 2025, "month": 4})).status_code == 403


def test_client_history_query_count_does_not_grow_with_the_events(world, django_assert_max_num_queries):
    client = make_client(world.office)
    http = logged_in(world.supervisor)
    url = reverse("clients:history", kwargs={"pk": client.pk})
    http.get(url)  # warm the session
    # one query per kind of related row named on the page (staff, client …), never per event
    with django_assert_max_num_queries(10):
        http.get(url)
    for n in range(30):
        Client.objects.filter(pk=client.pk).update(phone=f"011-000-{n:04d}")
    with django_assert_max_num_queries(10):
        assert http.get(url).content.decode().count("<tr>") == 32

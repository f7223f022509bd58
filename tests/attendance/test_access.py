"""Who may enter attendance: every role of the office; nobody from elsewhere — and a refused request
changes nothing."""

from datetime import date

from django.urls import reverse

from attendance.models import Attendance
from tests.attendance.test_roster_view import post_data
from tests.conftest import TODAY
from tests.factories import enrolled_client

URL = reverse("attendance:day")


def test_anonymous_is_sent_to_log_in_and_nothing_is_saved(world, today, client):
    mine = enrolled_client(world.office)
    response = client.post(URL, post_data(TODAY, {mine: {"status": "attended"}}))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Attendance.objects.exists()


def test_a_member_of_another_office_saves_only_into_their_own_office(world, today, outsider_client):
    mine = enrolled_client(world.office)
    response = outsider_client.post(URL, post_data(TODAY, {mine: {"status": "attended"}}))
    assert response.status_code in (200, 302)
    assert not Attendance.objects.exists()
    page = outsider_client.get(URL)
    assert mine.full_name not in page.content.decode()


def test_every_role_of_the_office_may_enter_attendance(world, today, staff_client, supervisor_client,
                                                        manager_client):
    for http in (staff_client, supervisor_client, manager_client):
        client = enrolled_client(world.office)
        assert http.post(URL, post_data(TODAY, {client: {"status": "attended"}})).status_code == 302
    assert Attendance.objects.count() == 3


def test_a_user_without_a_membership_is_refused(world, today, db):
    from tests.conftest import logged_in
    from tests.factories import UserFactory

    http = logged_in(UserFactory(username="nobody"))
    mine = enrolled_client(world.office)
    assert http.post(URL, post_data(TODAY, {mine: {"status": "attended"}})).status_code == 403
    assert http.get(reverse("attendance:month")).status_code == 403
    assert not Attendance.objects.exists()


def test_the_other_offices_month_grid_does_not_show_this_offices_clients(world, today, outsider_client):
    mine = enrolled_client(world.office, enrolled_on=date(2025, 6, 1))
    response = outsider_client.get(reverse("attendance:month"), {"month": "2025-06"})
    assert mine.full_name not in response.content.decode()

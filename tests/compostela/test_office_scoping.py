"""Rules: a user works only inside their own offices; another office's object answers 404."""

from django.urls import reverse

from compostela.models import Role
from compostela.scoping import SESSION_OFFICE_KEY
from tests.conftest import logged_in
from tests.factories import MembershipFactory, UserFactory


def test_member_of_another_office_gets_404_on_this_offices_page(world, outsider_client):
    response = outsider_client.get(reverse("office_detail", args=[world.office.pk]))
    assert response.status_code == 404


def test_member_sees_own_office_page_with_its_staff(world, staff_client):
    response = staff_client.get(reverse("office_detail", args=[world.office.pk]))
    assert response.status_code == 200
    assert world.manager.username in response.content.decode()


def test_staff_member_gets_403_on_manager_only_billing(world, staff_client, supervisor_client, manager_client):
    assert staff_client.get(reverse("billing:index")).status_code == 403
    assert supervisor_client.get(reverse("billing:index")).status_code == 403
    assert manager_client.get(reverse("billing:index")).status_code == 200


def test_billing_link_is_shown_to_managers_only(world, staff_client, manager_client):
    billing_url = reverse("billing:index")
    assert billing_url not in staff_client.get(reverse("home")).content.decode()
    assert billing_url in manager_client.get(reverse("home")).content.decode()


def test_user_without_any_office_gets_403(db, world):
    loner = UserFactory(username="loner")
    assert logged_in(loner).get(reverse("home")).status_code == 403


def test_switching_to_an_office_one_does_not_belong_to_is_refused(world, staff_client):
    response = staff_client.post(reverse("switch_office"), {"office": world.other_office.pk})
    assert response.status_code == 400
    assert SESSION_OFFICE_KEY not in staff_client.session


def test_member_of_two_offices_switches_and_sees_the_second_office(world):
    # given a user who is staff in the first office and manager in the second
    both = UserFactory(username="both")
    MembershipFactory(user=both, office=world.office, role=Role.STAFF)
    MembershipFactory(user=both, office=world.other_office, role=Role.MANAGER)
    http = logged_in(both)
    assert http.get(reverse("billing:index")).status_code in (403, 200)
    # when
    http.post(reverse("switch_office"), {"office": world.other_office.pk})
    # then the role of the second office applies, and the first office's page is now out of scope
    assert http.get(reverse("billing:index")).status_code == 200
    assert http.get(reverse("office_detail", args=[world.other_office.pk])).status_code == 200
    assert http.get(reverse("office_detail", args=[world.office.pk])).status_code == 404

"""Rule: another office's employers, clients and hires answer 404, and a refused write changes nothing."""

from datetime import date

from django.urls import reverse

from placements.models import EmployerContact, FollowUpContact
from tests.factories import EmployerFactory, HireFactory


def test_other_office_cannot_log_a_followup_on_our_hire(world, outsider_client):
    hire = HireFactory(office=world.office)
    response = outsider_client.post(reverse("placements:followup_create", kwargs={"pk": hire.pk}),
                                    {"day": "2024-06-02", "kind": "face_to_face", "minutes": "30",
                                     "staff": world.outsider.pk})
    assert response.status_code == 404
    assert not FollowUpContact.objects.exists()


def test_employer_of_another_office_is_not_offered_in_the_contact_form(world, staff_client):
    ours = EmployerFactory(office=world.office, name="うちの会社")
    theirs = EmployerFactory(office=world.other_office, name="よその会社")
    page = staff_client.get(reverse("placements:contact_create")).content.decode()
    assert ours.name in page and theirs.name not in page
    response = staff_client.post(reverse("placements:contact_create"), {
        "day": "2024-06-02", "employer": theirs.pk, "kind": "phone", "staff": world.staff.pk})
    assert response.status_code == 200  # the form answers with an error
    assert not EmployerContact.objects.exists()


def test_employer_search_lists_only_this_office(world, staff_client):
    EmployerFactory(office=world.office, name="札幌倉庫")
    EmployerFactory(office=world.other_office, name="札幌物流")
    page = staff_client.get(reverse("placements:employer_list"), {"q": "札幌"}).content.decode()
    assert "札幌倉庫" in page and "札幌物流" not in page


def test_staff_logs_a_contact_for_a_client(world, staff_client):
    employer = EmployerFactory(office=world.office)
    response = staff_client.post(reverse("placements:contact_create"), {
        "day": date(2024, 6, 2).isoformat(), "employer": employer.pk, "kind": "hiring_manager",
        "staff": world.staff.pk, "outcome": "求人票をもらった"})
    assert response.status_code == 302
    contact = EmployerContact.objects.get()
    assert contact.office == world.office and contact.staff == world.staff

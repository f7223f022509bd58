"""Rule: the job-development log shows, beside each client a contact was for, that client's preferences from
the career profile (issue 6: contacts are "linked to that client's career profile preferences")."""

from datetime import date

from django.urls import reverse

from clients.models import CareerProfile
from placements.models import EmployerContactKind, JobField, RecruitmentType
from placements.services import employer_contact_log
from tests.factories import ClientFactory, EmployerFactory


def test_contact_log_shows_the_clients_preferred_fields(world, staff_client):
    # given a contact for a client who wants office work in an ordinary job, disclosed
    client = ClientFactory(office=world.office, status="enrolled", enrolled_on=date(2026, 9, 1))
    CareerProfile.objects.create(client=client, job_fields=[JobField.OFFICE, JobField.DATA_ENTRY],
                                 recruitment_type=RecruitmentType.OPEN, updated_by=world.staff)
    employer = EmployerFactory(office=world.office, name="株式会社大通商事")
    employer_contact_log(office=world.office, day=date(2026, 10, 2), staff=world.staff, employer=employer,
                         kind=EmployerContactKind.values[0], clients=[client], outcome="事務の求人を確認",
                         minutes=30, by=world.staff)
    # when
    html = staff_client.get(reverse("placements:contact_log")).content.decode()
    # then
    assert "事務・入力業務" in html
    assert "一般・オープン" in html

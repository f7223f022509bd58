"""Rule: the client page shows the job-search funnel and one timeline with the case notes, outreach,
employer contacts and follow-ups (issue 4: "the client page shows them in the same timeline")."""

from datetime import date

from django.urls import reverse

from placements.models import EmployerContactKind, OutreachKind
from placements.services import employer_contact_log, outreach_record
from tests.factories import ClientFactory, EmployerFactory


def test_client_page_merges_outreach_and_employer_contacts_into_the_timeline(world, staff_client):
    # given
    client = ClientFactory(office=world.office, status="enrolled", enrolled_on=date(2026, 9, 1))
    employer = EmployerFactory(office=world.office, name="株式会社すすきの物流")
    employer_contact_log(office=world.office, day=date(2026, 10, 2), staff=world.staff, employer=employer,
                         kind=EmployerContactKind.values[0], clients=[client], outcome="求人の話を聞いた",
                         minutes=30, by=world.staff)
    outreach_record(client=client, day=date(2026, 10, 5), staff=world.staff, kind=OutreachKind.values[0],
                    place="自宅", minutes=40, note="再開の相談", by=world.staff)
    # when
    html = staff_client.get(reverse("clients:detail", args=[client.pk])).content.decode()
    # then
    assert "株式会社すすきの物流" in html and "求人の話を聞いた" in html
    assert "再開の相談" in html
    assert 'class="funnel"' in html

"""Rule: a client's funnel counts employer contacts → applications → interviews → offers → hire with
dates, and the client timeline merges outreach, employer contacts and follow-up."""

from datetime import date, timedelta

from placements.models import ApplicationResult, Interview, OutreachKind
from placements.selectors import placement_client_funnel, placement_client_timeline
from placements.services import outreach_record
from tests.factories import ApplicationFactory, ClientFactory, EmployerContactFactory, FollowUpFactory, HireFactory


def test_funnel_of_the_seed_case_40_20_6_1(world):
    client = ClientFactory(office=world.office)
    first = date(2024, 4, 1)
    for i in range(40):
        EmployerContactFactory(office=world.office, day=first + timedelta(days=i * 2), staff=world.staff,
                               clients=[client])
    applications = [ApplicationFactory(office=world.office, client=client, applied_on=first + timedelta(days=10 + i))
                    for i in range(20)]
    for application in applications[:6]:
        Interview.objects.create(office=world.office, application=application,
                                 day=application.applied_on + timedelta(days=7))
    offer = applications[5]
    offer.result, offer.result_on = ApplicationResult.OFFER, date(2024, 6, 20)
    offer.save()
    HireFactory(office=world.office, client=client, employer=offer.employer, start_date=date(2024, 7, 1))
    funnel = placement_client_funnel(client=client)
    assert [s.count for s in funnel.stages] == [40, 20, 6, 1, 1]
    assert funnel.stages[0].first == first
    assert funnel.days_to_hire == 91  # about three months


def test_client_timeline_merges_outreach_contacts_and_followups_newest_first(world):
    client = ClientFactory(office=world.office)
    EmployerContactFactory(office=world.office, day=date(2024, 5, 1), staff=world.staff, clients=[client])
    outreach_record(client=client, day=date(2024, 5, 3), staff=world.staff, kind=OutreachKind.HOME_VISIT,
                    minutes=60, place="自宅", by=world.staff)
    hire = HireFactory(office=world.office, client=client, start_date=date(2024, 6, 1))
    FollowUpFactory(hire=hire, day=date(2024, 6, 2), staff=world.staff)
    other = ClientFactory(office=world.office)
    EmployerContactFactory(office=world.office, day=date(2024, 5, 2), staff=world.staff, clients=[other])
    timeline = placement_client_timeline(client=client)
    assert [(e.day, e.category) for e in timeline] == [
        (date(2024, 6, 2), "followup"), (date(2024, 5, 3), "outreach"), (date(2024, 5, 1), "employer_contact")]

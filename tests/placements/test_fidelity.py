"""Rule: the IPS fidelity figures on a small hand-made office.

Period: 2024-04-01 … 2024-04-28 (4 weeks).  Specialist A has three clients enrolled on 4/1; their first
face-to-face employer contacts came on 4/11 (10 days), 5/20 (49 days, known later but counted) and 4/21
(20 days).  A met employers 28 times face to face (7 a week), phoned 10
times (not counted).  Specialist B met employers 8 times (2 a week) and has one client.
Hires in the period: two, one with follow-up on day 2 and weekly; one with the first follow-up on day 5.
"""

from datetime import date, timedelta

import pytest

from placements.fidelity import placement_fidelity
from placements.models import EmployerContactKind, JobField
from tests.factories import (
    ClientFactory,
    EmployerContactFactory,
    EmployerFactory,
    FollowUpFactory,
    HireFactory,
    MembershipFactory,
    ServicePeriodFactory,
    UserFactory,
)

START, END = date(2024, 4, 1), date(2024, 4, 28)


@pytest.fixture
def office(world):
    a = UserFactory(username="es-a", last_name="A")
    b = UserFactory(username="es-b", last_name="B")
    for user in (a, b):
        MembershipFactory(user=user, office=world.office)
    employer = EmployerFactory(office=world.office)
    clients = []
    for first_contact in [date(2024, 4, 11), date(2024, 5, 20), date(2024, 4, 21)]:
        client = ClientFactory(office=world.office, specialist=a, service_period=False)
        ServicePeriodFactory(client=client, started_on=date(2024, 3, 20), enrolled_on=START)
        EmployerContactFactory(office=world.office, employer=employer, staff=a, day=first_contact,
                               kind=EmployerContactKind.HIRING_MANAGER, clients=[client])
        clients.append(client)
    for i in range(26):  # 26 + the two first contacts inside the period = 28
        EmployerContactFactory(office=world.office, employer=employer, staff=a, day=START + timedelta(days=i))
    for i in range(10):
        EmployerContactFactory(office=world.office, employer=employer, staff=a, day=START + timedelta(days=i),
                               kind=EmployerContactKind.PHONE)
    for i in range(8):
        EmployerContactFactory(office=world.office, employer=employer, staff=b, day=START + timedelta(days=i))
    b_client = ClientFactory(office=world.office, specialist=b, service_period=False)
    ServicePeriodFactory(client=b_client, started_on=date(2024, 1, 1), enrolled_on=date(2024, 1, 5))
    weekly = HireFactory(office=world.office, start_date=START, job_field=JobField.OFFICE,
                         client=ClientFactory(office=world.office, specialist=a, service_period=False))
    for day in [1, 8, 15, 22]:
        FollowUpFactory(hire=weekly, day=START + timedelta(days=day), staff=a)
    late = HireFactory(office=world.office, start_date=START, job_field=JobField.WAREHOUSE, competitive=False,
                       client=ClientFactory(office=world.office, specialist=b, service_period=False))
    FollowUpFactory(hire=late, day=START + timedelta(days=5), staff=b)
    return a, b


def test_fidelity_indicators_of_the_hand_made_office(office, world):
    a, b = office
    fidelity = placement_fidelity(office=world.office, start=START, end=END)
    figures = {i.key: i for i in fidelity.indicators}
    # 10, 49 and 20 days: median 20, two of three within 30 days
    assert figures["days_to_first_contact"].value == 20
    assert figures["days_to_first_contact"].met
    # (28 + 8) face-to-face contacts / 4 weeks / 2 specialists = 4.5 a week
    assert figures["employer_contacts_per_week"].value == pytest.approx(4.5)
    assert not figures["employer_contacts_per_week"].met
    # caseload on 4/28: A has 3 enrolled + 1 employed, B has 1 enrolled + 1 employed
    assert figures["caseload"].value == pytest.approx(3)
    assert figures["competitive_share"].value == 0.5
    assert figures["field_diversity"].value == 1.0  # two hires, two fields
    assert figures["employer_diversity"].value == 1.0  # two hires, two employers (factory)
    assert figures["followup_within_3_days"].value == 0.5
    assert figures["followup_weekly_first_month"].value == 0.5
    per = {s.user_id: s for s in fidelity.specialists}
    assert (per[a.pk].caseload, per[a.pk].employer_contacts, per[a.pk].per_week) == (4, 28, 7)
    assert per[a.pk].per_week_met and not per[b.pk].per_week_met
    assert per[a.pk].days_to_first_contact == [10, 49, 20]
    assert per[a.pk].first_contact_within_target == 2
    assert (per[b.pk].caseload, per[b.pk].hires) == (2, 1)

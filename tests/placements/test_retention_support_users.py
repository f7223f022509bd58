"""Rule: the database's reading of "used 就労定着支援" (a face-to-face contact in months 7–42 after a job's start,
worked out in SQL for speed) is exactly ``placements.rules.followup_phase`` — month ends included, where
``start + n months`` is clamped (31 Aug + 6 months = 28/29 Feb)."""

from datetime import date, timedelta

import pytest

from placements.models import FollowUpKind, JobEndReason
from placements.retention import retention_support_users
from placements.rules import FollowUpPhase, followup_phase
from tests.billing.factories import ClientFactory, HireFactory, followup

# Starts at month ends, where calendar-month arithmetic differs between naive and clamped readings.
STARTS = [date(2021, 8, 31), date(2021, 3, 31), date(2021, 1, 30), date(2020, 2, 29), date(2021, 6, 15)]


def edges(start: date) -> list[date]:
    """Days around both ends of the retention-support phase."""
    from placements.rules import retention_support_span

    first, after = retention_support_span(start)
    return [first - timedelta(days=1), first, first + timedelta(days=1), after - timedelta(days=1), after]


@pytest.mark.parametrize("start", STARTS)
def test_sql_phase_matches_the_python_rule_at_month_ends(world, start):
    office = world.office
    expected = set()
    for day in edges(start):
        client = ClientFactory(office=office)
        hire = HireFactory(client=client, office=office, start_date=start)
        followup(hire, day)
        if followup_phase(start=start, day=day) == FollowUpPhase.RETENTION_SUPPORT:
            expected.add(client.pk)
    users = retention_support_users(office=office, first=date(2019, 4, 1), as_of=date(2026, 3, 31))
    assert {client_id for client_id, _ in users} == expected
    assert len(expected) == 3  # the first day, the next day and the last day; not the day before or after


def test_only_face_to_face_contacts_of_the_office_count_and_employment_is_judged_on_as_of(world):
    office = world.office
    stayed = HireFactory(client=ClientFactory(office=office), office=office, start_date=date(2022, 4, 1))
    left = HireFactory(client=ClientFactory(office=office), office=office, start_date=date(2022, 4, 1),
                       ended_on=date(2024, 1, 31), end_reason=JobEndReason.QUIT)
    phoned = HireFactory(client=ClientFactory(office=office), office=office, start_date=date(2022, 4, 1))
    for hire in (stayed, left):
        followup(hire, date(2023, 1, 10))
    followup(phoned, date(2023, 1, 10), kind=FollowUpKind.PHONE_ONLINE)
    users = retention_support_users(office=office, first=date(2022, 4, 1), as_of=date(2024, 3, 31))
    assert users == sorted([(stayed.client_id, True), (left.client_id, False)])

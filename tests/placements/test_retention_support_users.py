"""Rule: a person "used 就労定着支援" with a face-to-face contact in months 7–42 after a job's start
(``placements.rules.retention_support_span``) — month ends included, where ``start + n months`` is clamped
(31 Aug + 6 months = 28/29 Feb) — and is counted employed when in any job on ``as_of``."""

from datetime import date

import pytest

from placements.models import FollowUpKind, JobEndReason
from placements.retention import retention_support_users
from tests.factories import ClientFactory, HireFactory, followup


@pytest.mark.parametrize(
    ("start", "day_before", "first_day", "last_day", "day_after"),
    [
        # 31 Aug + 6 months is 28 Feb, + 42 months 28 Feb (2025 is not a leap year)
        (date(2021, 8, 31), date(2022, 2, 27), date(2022, 2, 28), date(2025, 2, 27), date(2025, 2, 28)),
        # 29 Feb + 6 months is 29 Aug, + 42 months 29 Aug
        (date(2020, 2, 29), date(2020, 8, 28), date(2020, 8, 29), date(2023, 8, 28), date(2023, 8, 29)),
        # 31 Mar + 6 months is 30 Sep, + 42 months 30 Sep
        (date(2021, 3, 31), date(2021, 9, 29), date(2021, 9, 30), date(2024, 9, 29), date(2024, 9, 30)),
    ],
)
def test_contacts_count_from_the_six_month_day_to_the_day_before_month_42_at_month_ends(
    world, start, day_before, first_day, last_day, day_after
):
    office = world.office
    counted = set()
    for day in (day_before, first_day, last_day, day_after):
        client = ClientFactory(office=office)
        followup(HireFactory(client=client, office=office, start_date=start), day)
        if day in (first_day, last_day):
            counted.add(client.pk)
    users = retention_support_users(office=office, first=date(2019, 4, 1), as_of=date(2026, 3, 31))
    assert {client_id for client_id, _ in users} == counted


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

"""Rule: the roster and the month grid read a fixed number of queries, however many clients there are."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import Attendance, AttendanceStatus
from clients.models import ServicePeriod
from tests.conftest import TODAY
from tests.factories import enrolled_client


def office_with(world, clients: int):
    for n in range(clients):
        client = enrolled_client(world.office, kana=f"カナ{n:03d}", service_period=False)
        ServicePeriod.objects.create(client=client, started_on=date(2024, 3, 1), enrolled_on=date(2024, 4, 1))
        Attendance.objects.bulk_create([
            Attendance(office=world.office, client=client, day=TODAY - timedelta(days=offset),
                       status=AttendanceStatus.ATTENDED, updated_by=world.staff)
            for offset in range(1, 4)
        ])


def queries_for(http, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["attendance:day", "attendance:month"])
def test_query_count_does_not_grow_with_the_number_of_clients(world, today, staff_client, url_name,
                                                             django_assert_max_num_queries):
    url = reverse(url_name)
    params = {"day": TODAY.isoformat()} if url_name == "attendance:day" else {"month": "2025-06"}
    office_with(world, 3)
    few = queries_for(staff_client, url, params)
    office_with(world, 30)
    with django_assert_max_num_queries(few):
        response = staff_client.get(url, params)
    assert len(response.context["lines" if url_name == "attendance:day" else "rows"]) == 33


def test_roster_needs_at_most_fifteen_queries(world, today, staff_client, django_assert_max_num_queries):
    office_with(world, 10)
    with django_assert_max_num_queries(15):
        staff_client.get(reverse("attendance:day"))

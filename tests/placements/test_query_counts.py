"""Rule: list screens and figures run a constant number of queries, whatever the number of rows."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests.factories import ClientFactory, EmployerContactFactory, FollowUpFactory, HireFactory, ServicePeriodFactory


def build(world, n):
    for i in range(n):
        client = ClientFactory(office=world.office, specialist=world.staff, service_period=False)
        ServicePeriodFactory(client=client, started_on=date(2024, 4, 1))
        hire = HireFactory(office=world.office, client=client, start_date=date(2024, 6, 1) + timedelta(days=i))
        FollowUpFactory(hire=hire, staff=world.staff)
        EmployerContactFactory(office=world.office, employer=hire.employer, staff=world.staff, clients=[client])


URLS = ["placements:index", "placements:employer_list", "placements:contact_log", "placements:hire_list",
        "placements:outreach_list", "placements:figures"]


@pytest.mark.parametrize("url_name", URLS)
def test_list_queries_do_not_grow_with_rows(world, staff_client, django_assert_max_num_queries, url_name):
    build(world, 2)
    with django_assert_max_num_queries(30) as small:
        assert staff_client.get(reverse(url_name)).status_code == 200
    build(world, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert staff_client.get(reverse(url_name)).status_code == 200

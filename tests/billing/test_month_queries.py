"""Rule: computing an office's month is ONE query (``billing.services.month_inputs``) — not one per client,
per day or per table."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.selectors import billing_month_statement
from billing.services.claims import billing_month_compute
from placements.models import FollowUpKind
from tests.billing.factories import (
    CertificateFactory,
    ClientFactory,
    HireFactory,
    SupportCertificateFactory,
    attend,
    followup,
    office_settings,
    plan,
    weekdays,
)

MAY = date(2024, 5, 1)
MAX_QUERIES = 1


def populate(office, clients):
    for n in range(clients):
        client = ClientFactory(office=office)
        CertificateFactory(client=client)
        if n % 2:
            plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 5))
        attend(client, weekdays(date(2024, 3, 1), date(2024, 5, 31)), transport_to=True, meal=True)
        hire = HireFactory(client=ClientFactory(office=office), office=office, start_date=date(2023, 9, 1))
        SupportCertificateFactory(client=hire.client)
        followup(hire, date(2024, 5, 8))
        followup(hire, date(2024, 5, 9), kind=FollowUpKind.SUPPORT_REPORT)


def count_queries(office) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        result = billing_month_compute(office=office, month=MAY)
    return len(ctx.captured_queries), len(result.lines)


@pytest.mark.parametrize("clients", [2, 12])
def test_month_computation_stays_within_a_fixed_number_of_queries(world, clients, django_assert_max_num_queries):
    office_settings(world.office, transport="i", meals=True, runs_retention_support=True, qualified_staff="i")
    populate(world.office, clients)
    with django_assert_max_num_queries(MAX_QUERIES):
        result = billing_month_compute(office=world.office, month=MAY)
    assert len(result.lines) == 2 * clients


def test_query_count_does_not_grow_with_clients(world):
    office_settings(world.office, runs_retention_support=True)
    populate(world.office, 2)
    small, small_lines = count_queries(world.office)
    populate(world.office, 10)
    large, large_lines = count_queries(world.office)
    assert large_lines > small_lines
    assert large == small


def test_month_statement_of_an_open_month_is_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    populate(world.office, 5)
    with django_assert_max_num_queries(MAX_QUERIES + 1):
        billing_month_statement(office=world.office, month=MAY)

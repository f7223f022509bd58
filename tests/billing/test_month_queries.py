"""Rule: computing an office's month is a fixed number of queries (``billing.services.month_inputs``: the fee
book one per table, then one per kind of input) — not one per client, per day or per contact — and the same
number at 5 clients as at 300."""

from datetime import date

from billing.selectors import billing_month_statement
from billing.services.claims import billing_month_compute
from placements.models import FollowUpKind
from tests.billing.helpers import weekdays
from tests.factories import (
    CertificateFactory,
    ClientFactory,
    HireFactory,
    SupportCertificateFactory,
    attend,
    followup,
    monitored_plan,
    office_settings,
)

MAY = date(2024, 5, 1)
# today 26 here: the fee book (14, one per table), the month's inputs (the regional meetings the latest) and the
# 就労定着支援 users, and 1 — only in a month that uses a fee value to verify, as this one — for the office's
# confirmations of fee values (billing.services.fee_status)
MAX_QUERIES = 28
ATTENDANCE_DAYS = weekdays(date(2024, 3, 1), date(2024, 5, 31))  # the month and the two before (over capacity)


def populate(office, clients, *, this_month=5):
    """``clients`` people attending (half with an agreed plan) and as many employed people in their
    就労定着支援 months, each with a contact in the rate's window; ``this_month`` of them with a face-to-face
    contact and a support report this month (the shipped 就労定着支援 table has the band of ≤ 20 users a month
    only)."""
    for n in range(clients):
        client = ClientFactory(office=office)
        CertificateFactory(client=client)
        if n % 2:
            monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 5))
        attend(client, ATTENDANCE_DAYS, transport_to=True, meal=True)
        hire = HireFactory(client=ClientFactory(office=office), office=office, start_date=date(2023, 9, 1))
        SupportCertificateFactory(client=hire.client)
        followup(hire, date(2024, 3, 15))  # months 7–42, in the three fiscal years before FY2024: a user
        if n < this_month:
            followup(hire, date(2024, 5, 8))
            followup(hire, date(2024, 5, 9), kind=FollowUpKind.SUPPORT_REPORT)


def test_month_computation_is_the_same_fixed_number_of_queries_at_5_and_300_clients(
    world, django_assert_max_num_queries
):
    # given
    office_settings(world.office, transport="i", meals=True, runs_retention_support=True, qualified_staff="i")
    populate(world.office, 5)
    # when
    with django_assert_max_num_queries(MAX_QUERIES) as small:
        result = billing_month_compute(office=world.office, month=MAY)
    # then
    assert len(result.lines) == 5 + 5
    assert result.retention_support.denominator == 5

    # given 295 more of each (5 more of them in 就労定着支援 this month)
    populate(world.office, 295)
    # when
    with django_assert_max_num_queries(MAX_QUERIES) as large:
        result = billing_month_compute(office=world.office, month=MAY)
    # then
    assert len(result.lines) == 300 + 10
    assert result.retention_support.denominator == 300
    assert len(large.captured_queries) == len(small.captured_queries)


def test_month_statement_of_an_open_month_is_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    populate(world.office, 5)
    with django_assert_max_num_queries(MAX_QUERIES + 1):
        billing_month_statement(office=world.office, month=MAY)

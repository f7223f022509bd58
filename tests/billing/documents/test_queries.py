"""Rule: the month document reads a fixed number of queries, whatever the number of clients."""

from datetime import date

import pytest

from billing.documents.pdfs import month_document
from tests.billing.documents.conftest import MAY
from tests.billing.helpers import weekdays
from tests.factories import CertificateFactory, ClientFactory, attend, monitored_plan

pytestmark = pytest.mark.django_db




def test_month_document_queries_do_not_grow_with_clients(known_month, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        month_document(office=known_month.office, month=MAY)
    for _ in range(5):
        client = ClientFactory(office=known_month.office)
        CertificateFactory(client=client)
        monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 10))
        attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 10)))
    with CaptureQueriesContext(connection) as seven:
        doc = month_document(office=known_month.office, month=MAY)
    assert len(doc.clients) == 7
    assert len(seven) == len(two)

"""Rule: the service record sheet (就労移行支援提供実績記録票) is the transition service's: its certificate
number, municipality and granted days come from the transition certificate, never from a 就労定着支援 one."""

from datetime import date

from billing.documents.record_sheet import record_sheets_for_month
from tests.billing.helpers import weekdays
from tests.factories import CertificateFactory, ClientFactory, SupportCertificateFactory, attend

MAY = date(2024, 5, 1)


def test_the_record_sheet_reads_the_transition_certificate_beside_a_later_retention_support_one(world):
    client = ClientFactory(office=world.office)
    CertificateFactory(client=client, number="0000000001", municipality="江別市", granted_days=10,
                       period_start=date(2023, 6, 1), period_end=date(2025, 5, 31))
    SupportCertificateFactory(client=client, number="0000000001", municipality="札幌市", granted_days=3,
                              period_start=date(2024, 5, 10), period_end=date(2025, 5, 9))
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 10)))
    [sheet] = record_sheets_for_month(office=world.office, month=MAY, clients=[(client.pk, client.full_name, "")])
    assert (sheet.certificate_number, sheet.municipality, sheet.granted_days) == ("0000000001", "江別市", 10)

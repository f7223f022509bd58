"""Rules the database itself keeps: periods of one client never overlap; a client's certificates of one service
never overlap (a 就労定着支援 certificate may run beside a 就労移行支援 one); a certificate number belongs to one
client per office; granted days 1–31; the service is a known one; no pension amount without a pension."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from clients.models import Certificate, CertificateService, HealthRecord, PensionGrade, ServicePeriod
from tests.factories import CertificateFactory, ClientFactory


def test_two_periods_of_one_client_cannot_overlap(world):
    client = ClientFactory(office=world.office)  # open period from 2025-04-01
    with pytest.raises(IntegrityError), transaction.atomic():
        ServicePeriod.objects.bulk_create([ServicePeriod(client=client, started_on=date(2026, 1, 1))])


def test_periods_of_two_clients_may_overlap(world):
    ClientFactory(office=world.office)
    ClientFactory(office=world.office)
    assert ServicePeriod.objects.count() == 2


@pytest.mark.parametrize("service", CertificateService.values)
def test_two_certificates_of_one_service_of_one_client_cannot_overlap(world, service):
    client = ClientFactory(office=world.office)
    CertificateFactory(client=client, service=service, number="0123456789",
                       period_start=date(2025, 4, 1), period_end=date(2026, 3, 31))
    with pytest.raises(IntegrityError, match=f"certificate_no_overlap_per_client_{service}"), transaction.atomic():
        Certificate.objects.bulk_create([Certificate(
            office=world.office, client=client, service=service, number="0123456789", municipality="札幌市",
            period_start=date(2026, 3, 31), period_end=date(2027, 3, 31), income_category="general_1",
            copay_cap=9300)])


def test_a_retention_support_certificate_may_overlap_a_transition_certificate_of_the_same_client(world):
    client = ClientFactory(office=world.office)
    CertificateFactory(client=client, service=CertificateService.TRANSITION, number="0123456789",
                       period_start=date(2025, 4, 1), period_end=date(2027, 3, 31))
    Certificate.objects.bulk_create([Certificate(
        office=world.office, client=client, service=CertificateService.RETENTION_SUPPORT, number="0123456789",
        municipality="札幌市", period_start=date(2025, 10, 1), period_end=date(2026, 9, 30),
        income_category="general_1", copay_cap=9300)])
    assert client.certificates.count() == 2


def test_certificates_of_one_service_of_two_clients_may_overlap(world):
    for _ in range(2):
        CertificateFactory(client=ClientFactory(office=world.office), service=CertificateService.RETENTION_SUPPORT,
                           period_start=date(2025, 4, 1), period_end=date(2026, 3, 31))
    assert Certificate.objects.retention_support().count() == 2


def test_an_unknown_service_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError, match="certificate_service_known"), transaction.atomic():
        CertificateFactory(client=ClientFactory(office=world.office), service="continuation_a")


def test_a_certificate_without_a_service_given_is_a_transition_certificate(world):
    certificate = CertificateFactory(client=ClientFactory(office=world.office))
    certificate.refresh_from_db()
    assert certificate.service == CertificateService.TRANSITION


def test_a_certificate_number_cannot_belong_to_two_clients_of_one_office(world):
    CertificateFactory(client=ClientFactory(office=world.office), number="0123456789")
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateFactory(client=ClientFactory(office=world.office), number="0123456789")


def test_the_same_certificate_number_may_be_used_in_another_office(world):
    CertificateFactory(client=ClientFactory(office=world.office), number="0123456789")
    CertificateFactory(client=ClientFactory(office=world.other_office), number="0123456789")


def test_granted_days_above_31_are_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateFactory(client=ClientFactory(office=world.office), granted_days=32)


def test_a_pension_amount_without_a_pension_is_refused_by_the_database(world):
    client = ClientFactory(office=world.office)
    with pytest.raises(IntegrityError), transaction.atomic():
        HealthRecord.objects.create(client=client, pension_grade=PensionGrade.NONE, pension_amount=10000,
                                    updated_by=world.staff)

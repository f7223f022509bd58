"""Rules the database itself keeps: periods of one client never overlap; a certificate number belongs to one
client per office; granted days 1–31; no pension amount without a pension."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from clients.models import HealthRecord, PensionGrade, ServicePeriod
from tests.clients.factories import CertificateFactory, ClientFactory


def test_two_periods_of_one_client_cannot_overlap(world):
    client = ClientFactory(office=world.office)  # open period from 2025-04-01
    with pytest.raises(IntegrityError), transaction.atomic():
        ServicePeriod.objects.bulk_create([ServicePeriod(client=client, started_on=date(2026, 1, 1))])


def test_periods_of_two_clients_may_overlap(world):
    ClientFactory(office=world.office)
    ClientFactory(office=world.office)
    assert ServicePeriod.objects.count() == 2


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

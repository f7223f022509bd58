"""Factories for the attendance tests: enrolled clients with a certificate, and attendance rows."""

from datetime import date, time

import factory

from attendance.models import Attendance, AttendanceStatus
from clients.models import Certificate, Client, ClientStatus, IncomeCategory
from tests.factories import OfficeFactory, UserFactory


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    office = factory.SubFactory(OfficeFactory)
    family_name = "山田"
    given_name = factory.Sequence(lambda n: f"太郎{n}")
    family_name_kana = "ヤマダ"
    given_name_kana = factory.Sequence(lambda n: f"タロウ{n:04d}")
    birth_date = date(1990, 1, 1)
    enrolled_on = date(2024, 4, 1)
    status = ClientStatus.ENROLLED
    usual_start = time(10, 0)
    usual_end = time(15, 0)


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    client = factory.SubFactory(ClientFactory)
    office = factory.LazyAttribute(lambda o: o.client.office)
    number = factory.Sequence(lambda n: f"{9000000000 + n}")
    municipality = "札幌市"
    period_start = date(2024, 4, 1)
    period_end = date(2027, 3, 31)
    granted_days = None
    income_category = IncomeCategory.LOW_INCOME
    copay_cap = 0


def enrolled_client(office, *, kana: str | None = None, enrolled_on=date(2024, 4, 1), ended_on=None,
                    period=(date(2024, 4, 1), date(2027, 3, 31)), granted_days=None, **extra) -> Client:
    """A client of ``office`` enrolled on ``enrolled_on`` with one certificate over ``period``."""
    if kana is not None:
        extra["family_name_kana"] = kana
    status = ClientStatus.ENDED if ended_on else ClientStatus.ENROLLED
    client = ClientFactory(office=office, enrolled_on=enrolled_on, ended_on=ended_on, status=status, **extra)
    CertificateFactory(client=client, period_start=period[0], period_end=period[1], granted_days=granted_days)
    return client


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    client = factory.SubFactory(ClientFactory)
    office = factory.LazyAttribute(lambda o: o.client.office)
    day = date(2025, 6, 2)
    status = AttendanceStatus.ATTENDED
    start_time = time(10, 0)
    end_time = time(15, 0)
    updated_by = factory.SubFactory(UserFactory)

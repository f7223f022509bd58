"""Minimal rows billing tests need (clients, certificates, attendance, hires, follow-ups, plans).

Kept here on purpose: the clients and placements engineers write their own factories in parallel."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory

from attendance.models import Attendance, AttendanceStatus
from billing.models import OfficeCapacity, OfficeFeeSettings
from clients.models import Certificate, CertificateService, Client, IncomeCategory, SupportPlan
from placements.models import Employer, FollowUpContact, FollowUpKind, Hire
from tests.factories import OfficeFactory, UserFactory


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    office = factory.SubFactory(OfficeFactory)
    family_name = "札幌"
    given_name = factory.Sequence(lambda n: f"花子{n}")
    family_name_kana = "サッポロ"
    given_name_kana = factory.Sequence(lambda n: f"ハナコ{n:04d}")
    birth_date = date(1990, 1, 1)
    status = "enrolled"


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    client = factory.SubFactory(ClientFactory)
    office = factory.LazyAttribute(lambda o: o.client.office)
    number = factory.Sequence(lambda n: f"{n + 1:010d}")
    municipality = "札幌市"
    period_start = date(2018, 4, 1)
    period_end = date(2030, 3, 31)
    granted_days = None
    income_category = IncomeCategory.GENERAL_1
    copay_cap = 9300


class SupportCertificateFactory(CertificateFactory):
    """A 就労定着支援 certificate: the only kind the retention-support claim reads (employed people's
    transition certificates have ended, and would not count if they had not)."""

    service = CertificateService.RETENTION_SUPPORT


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"株式会社テスト{n}")


class HireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hire

    client = factory.SubFactory(ClientFactory)
    office = factory.LazyAttribute(lambda o: o.client.office)
    employer = factory.LazyAttribute(lambda o: EmployerFactory(office=o.office))
    job_title = "事務補助"
    job_field = "office"
    recruitment_type = "quota"
    start_date = date(2022, 6, 1)
    hours_per_week = Decimal("30.0")
    hourly_wage = 1000
    employment_form = "permanent"
    disclosed = True
    created_by = factory.SubFactory(UserFactory)


def attend(client: Client, days, *, status=AttendanceStatus.ATTENDED, by=None, **extra) -> list[Attendance]:
    by = by or UserFactory(username="att-writer")
    rows = []
    for day in days:
        note = extra.pop("note", "") or ("電話で様子を確認" if status == AttendanceStatus.ABSENT_SUPPORTED else "")
        rows.append(Attendance(office=client.office, client=client, day=day, status=status, updated_by=by,
                               note=note, **extra))
    return Attendance.objects.bulk_create(rows)


def weekdays(first: date, last: date) -> list[date]:
    out, day = [], first
    while day <= last:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def followup(hire: Hire, day: date, kind=FollowUpKind.FACE_TO_FACE, minutes=60) -> FollowUpContact:
    return FollowUpContact.objects.create(office=hire.office, hire=hire, day=day, kind=kind, minutes=minutes,
                                          staff=UserFactory(username="fu-staff"))


def plan(client: Client, start: date, end: date, agreed_on: date | None) -> SupportPlan:
    return SupportPlan.objects.create(client=client, period_start=start, period_end=end, goals="就職",
                                      support_content="求職支援", created_by=UserFactory(username="plan-writer"),
                                      created_on=start, agreed_on=agreed_on)


def office_settings(office, valid_from=date(2018, 4, 1), **fields) -> OfficeFeeSettings:
    return OfficeFeeSettings.objects.create(office=office, valid_from=valid_from, **fields)


def capacity(office, valid_from, value) -> OfficeCapacity:
    return OfficeCapacity.objects.create(office=office, valid_from=valid_from, capacity=value)

"""Factories for the placements tests (clients are built here too, so these tests do not depend on the
clients app's own factories)."""

from datetime import date
from decimal import Decimal

import factory

from clients.models import Client, ClientStatus, ServicePeriod
from placements.models import Employer as EmployerModel
from placements.models import (
    EmployerContact,
    EmployerContactKind,
    EmploymentForm,
    FollowUpContact,
    FollowUpKind,
    Hire,
    JobApplication,
    JobField,
    RecruitmentType,
)
from tests.factories import OfficeFactory, UserFactory


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    office = factory.SubFactory(OfficeFactory)
    family_name = "佐々木"
    given_name = factory.Sequence(lambda n: f"一郎{n}")
    family_name_kana = "ササキ"
    given_name_kana = factory.Sequence(lambda n: f"イチロウ{n}")
    birth_date = date(1990, 5, 1)
    status = ClientStatus.ENROLLED
    enrolled_on = date(2024, 4, 1)


class ServicePeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePeriod

    client = factory.SubFactory(ClientFactory)
    started_on = date(2024, 4, 1)
    enrolled_on = factory.SelfAttribute("started_on")


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerModel

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    industry = "物流"
    area = "札幌市中央区"


class HireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hire

    office = factory.SubFactory(OfficeFactory)
    client = factory.SubFactory(ClientFactory, office=factory.SelfAttribute("..office"),
                                status=ClientStatus.EMPLOYED)
    employer = factory.SubFactory(EmployerFactory, office=factory.SelfAttribute("..office"))
    job_title = "ピッキング"
    job_field = JobField.WAREHOUSE
    recruitment_type = RecruitmentType.DISABILITY_QUOTA
    start_date = date(2024, 6, 1)
    hours_per_week = Decimal("20.0")
    hourly_wage = 1010
    employment_form = EmploymentForm.PERMANENT
    disclosed = True
    created_by = factory.SubFactory(UserFactory)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpContact

    hire = factory.SubFactory(HireFactory)
    office = factory.SelfAttribute("hire.office")
    day = factory.SelfAttribute("hire.start_date")
    staff = factory.SubFactory(UserFactory)
    kind = FollowUpKind.FACE_TO_FACE
    minutes = 30


class EmployerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerContact
        skip_postgeneration_save = True

    office = factory.SubFactory(OfficeFactory)
    employer = factory.SubFactory(EmployerFactory, office=factory.SelfAttribute("..office"))
    day = date(2024, 5, 1)
    staff = factory.SubFactory(UserFactory)
    kind = EmployerContactKind.FIRST_VISIT

    @factory.post_generation
    def clients(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.clients.set(extracted)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobApplication

    office = factory.SubFactory(OfficeFactory)
    client = factory.SubFactory(ClientFactory, office=factory.SelfAttribute("..office"))
    employer = factory.SubFactory(EmployerFactory, office=factory.SelfAttribute("..office"))
    job_title = "事務補助"
    job_field = JobField.OFFICE
    recruitment_type = RecruitmentType.OPEN
    applied_on = date(2024, 5, 10)
    created_by = factory.SubFactory(UserFactory)

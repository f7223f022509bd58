"""Factories for client records (the shared ones are in tests/factories.py)."""

from datetime import date

import factory

from clients.models import (
    CaseNote,
    CaseNoteKind,
    Certificate,
    Client,
    ClientStatus,
    IncomeCategory,
    ServicePeriod,
    SupportPlan,
)
from tests.factories import OfficeFactory, UserFactory


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    office = factory.SubFactory(OfficeFactory)
    family_name = "佐々木"
    given_name = factory.Sequence(lambda n: f"花子{n}")
    family_name_kana = "ササキ"
    given_name_kana = factory.Sequence(lambda n: f"ハナコ{n}")
    birth_date = date(1990, 5, 20)
    status = ClientStatus.ENROLLED
    first_visit_on = date(2025, 4, 1)
    enrolled_on = date(2025, 4, 15)

    @factory.post_generation
    def period(obj, create, extracted, **kwargs):  # noqa: N805
        """An open period of use from the first visit (pass period=False for none)."""
        if create and extracted is not False and obj.status != ClientStatus.ENDED:
            ServicePeriod.objects.create(client=obj, started_on=obj.first_visit_on or date(2025, 4, 1),
                                         enrolled_on=obj.enrolled_on)


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    client = factory.SubFactory(ClientFactory)
    office = factory.SelfAttribute("client.office")
    number = factory.Sequence(lambda n: f"{1000000000 + n}")
    municipality = "札幌市"
    period_start = date(2025, 4, 1)
    period_end = date(2027, 3, 31)
    income_category = IncomeCategory.GENERAL_1
    copay_cap = 9300


class SupportPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportPlan

    client = factory.SubFactory(ClientFactory)
    period_start = date(2025, 5, 1)
    period_end = date(2025, 10, 31)
    goals = "週4日の通所を続ける"
    support_content = "面談を週1回"
    created_by = factory.SubFactory(UserFactory)
    created_on = date(2025, 5, 1)


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    client = factory.SubFactory(ClientFactory)
    day = date(2025, 6, 1)
    kind = CaseNoteKind.INTERVIEW
    text = "体調は安定している"
    minutes = 30
    author = factory.SubFactory(UserFactory)

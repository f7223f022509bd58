"""factory_boy factories shared by every test module."""

from datetime import date

import factory

from compostela.models import AreaGrade, Membership, Office, Role, User

TEST_PASSWORD = "correct-horse-battery-9"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("number",)

    name = factory.Sequence(lambda n: f"テスト事業所{n}")
    number = factory.Sequence(lambda n: f"01{n:08d}")
    capacity = 20
    area_grade = AreaGrade.GRADE_7
    opened_on = date(2010, 4, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "山田"
    first_name = factory.Sequence(lambda n: f"太郎{n}")
    language = "ja"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    role = Role.STAFF

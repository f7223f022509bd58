"""Rule: a disability pension is recorded with its kind and grade — 障害基礎年金 has grades 1 and 2, 障害厚生年金
also 3 — and its grades read 1級/2級/3級 (not the area grades' 1級地)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clients.errors import ClientError
from clients.models import HealthRecord, PensionGrade, PensionKind
from clients.services import health_update
from tests.factories import ClientFactory
from tests.helpers import codes_of

pytestmark = pytest.mark.django_db


def test_the_grades_read_as_pension_grades():
    assert [label for value, label in PensionGrade.choices if value != "none"] == ["1級", "2級", "3級"]


def test_a_grade_without_its_kind_is_refused_with_its_code(world):
    client = ClientFactory(office=world.office)
    with pytest.raises(ValidationError) as refused:
        health_update(client=client, data={"pension_grade": "2"}, diagnoses=[], by=world.staff)
    assert codes_of(refused.value) == {ClientError.PENSION_KIND_WITH_GRADE}
    assert "pension_kind" in refused.value.message_dict


def test_the_basic_pension_has_no_grade_3(world):
    client = ClientFactory(office=world.office)
    with pytest.raises(ValidationError) as refused:
        health_update(client=client, data={"pension_grade": "3", "pension_kind": PensionKind.BASIC}, diagnoses=[],
                      by=world.staff)
    assert codes_of(refused.value) == {ClientError.BASIC_PENSION_GRADE_3}
    with transaction.atomic(), pytest.raises(IntegrityError):
        HealthRecord.objects.create(client=client, pension_grade="3", pension_kind=PensionKind.BASIC,
                                    updated_by=world.staff)


def test_kind_and_grade_are_recorded_and_shown_together(world, staff_client):
    from django.urls import reverse

    client = ClientFactory(office=world.office)
    health_update(client=client, data={"pension_grade": "2", "pension_kind": PensionKind.BASIC}, diagnoses=[],
                  by=world.staff)
    body = staff_client.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "障害基礎年金 2級" in body
    assert "2級地" not in body

"""The regulatory figures in the admin: a reference table that office managers read and only superusers
change."""

from datetime import date

import pytest
from django.urls import reverse

from regulations.models import RegulatoryFigures
from tests.conftest import logged_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def change_url(row: RegulatoryFigures) -> str:
    return reverse("admin:regulations_regulatoryfigures_change", args=[row.pk])


def test_a_manager_reads_the_figures_but_cannot_change_them(world):
    row = RegulatoryFigures.objects.get(valid_from=date(2021, 4, 1))
    http = logged_in(world.manager)
    assert http.get(reverse("admin:regulations_regulatoryfigures_changelist")).status_code == 200
    assert http.get(change_url(row)).status_code == 200
    response = http.post(change_url(row), {"valid_from": "2021-04-01", "copay_percent": 0})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.copay_percent == 10


def test_staff_are_sent_to_the_admin_login(world):
    response = logged_in(world.staff).get(reverse("admin:regulations_regulatoryfigures_changelist"))
    assert response.status_code == 302


def test_a_superuser_sees_the_source_and_what_is_not_verified():
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    row = RegulatoryFigures.objects.get(valid_from=date(2018, 4, 1))
    page = logged_in(admin).get(change_url(row)).content.decode()
    assert "shared/domain.md" in page and "the earliest fiscal year" in page

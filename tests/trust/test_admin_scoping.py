"""Rules of the admin: superusers see everything; an office manager enters it but sees only the models
marked manager-editable, and in them only their offices' rows (another office's row answers 404);
office-less reference tables are read-only for managers; staff and supervisors are sent to the login."""

from datetime import date, datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from billing.models import MonthClosing
from clients.models import ServicePeriod
from tests.conftest import logged_in
from tests.factories import UserFactory
from tests.trust.helpers import make_client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.trust.admin_urls")]
CLOSED_AT = timezone.make_aware(datetime(2025, 5, 2, 10))


@pytest.fixture
def closings(world):
    mine = MonthClosing.objects.create(office=world.office, month=date(2025, 4, 1), version=1,
                                       closed_at=CLOSED_AT, closed_by=world.manager)
    theirs = MonthClosing.objects.create(office=world.other_office, month=date(2025, 4, 1), version=1,
                                         closed_at=CLOSED_AT, closed_by=world.outsider)
    return mine, theirs


def change_url(obj):
    return reverse(f"scoped_admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_staff_and_supervisors_are_sent_to_the_admin_login(world, role):
    response = logged_in(getattr(world, role)).get(reverse("scoped_admin:index"))
    assert response.status_code == 302
    assert reverse("scoped_admin:login") in response["Location"]


def test_a_manager_sees_only_the_manager_editable_models(world):
    page = logged_in(world.manager).get(reverse("scoped_admin:index")).content.decode()
    assert "billing/monthclosing" in page and "clients/serviceperiod" in page
    main = logged_in(world.manager)
    index = main.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "compostela/user" not in index.content.decode()
    assert main.get(reverse("admin:compostela_user_changelist")).status_code == 403
    assert main.get(reverse("admin:compostela_office_changelist")).status_code == 403
    assert main.get(reverse("admin:compostela_auditevent_changelist")).status_code == 403


def test_a_manager_lists_only_their_offices_rows(world, closings):
    mine, theirs = closings
    response = logged_in(world.manager).get(reverse("scoped_admin:billing_monthclosing_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [mine]


def test_another_offices_row_answers_404_and_stays_unchanged(world, closings):
    mine, theirs = closings
    http = logged_in(world.manager)
    assert http.get(change_url(mine)).status_code == 200
    assert http.get(change_url(theirs)).status_code == 404
    response = http.post(change_url(theirs), {"office": world.office.pk, "month": "2025-04-01", "version": 9,
                                              "closed_at_0": "2025-05-02", "closed_at_1": "10:00:00",
                                              "closed_by": world.manager.pk, "reopen_reason": ""})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.version == 1 and theirs.office_id == world.other_office.pk


def test_a_manager_cannot_move_a_row_into_another_office(world, closings):
    mine, _ = closings
    http = logged_in(world.manager)
    response = http.post(change_url(mine), {"office": world.other_office.pk, "month": "2025-04-01", "version": 1,
                                            "closed_at_0": "2025-05-02", "closed_at_1": "10:00:00",
                                            "closed_by": world.manager.pk, "reopen_reason": ""})
    assert response.status_code == 200  # the form again: not a valid choice
    mine.refresh_from_db()
    assert mine.office_id == world.office.pk
    form = http.get(change_url(mine)).context["adminform"].form
    assert list(form.fields["office"].queryset) == [world.office]
    assert world.outsider not in form.fields["closed_by"].queryset


def test_rows_reaching_their_office_through_the_client_are_scoped(world):
    mine = ServicePeriod.objects.create(client=make_client(world.office), started_on=date(2025, 4, 1))
    theirs = ServicePeriod.objects.create(client=make_client(world.other_office), started_on=date(2025, 4, 1))
    http = logged_in(world.manager)
    listed = http.get(reverse("scoped_admin:clients_serviceperiod_changelist")).context["cl"].queryset
    assert list(listed) == [mine]
    assert http.get(change_url(theirs)).status_code == 404
    form = http.get(change_url(mine)).context["adminform"].form
    assert set(form.fields["client"].queryset.values_list("office", flat=True)) == {world.office.pk}


def test_a_reference_table_without_office_is_read_only_for_managers(world):
    group = Group.objects.create(name="fee schedule 2024")
    http = logged_in(world.manager)
    assert http.get(reverse("scoped_admin:auth_group_changelist")).status_code == 200
    assert http.get(reverse("scoped_admin:auth_group_add")).status_code == 403
    http.post(change_url(group), {"name": "changed"})
    group.refresh_from_db()
    assert group.name == "fee schedule 2024"


def test_a_superuser_sees_every_office(world, closings):
    boss = UserFactory(username="root", is_superuser=True, is_staff=True)
    http = logged_in(boss)
    listed = http.get(reverse("scoped_admin:billing_monthclosing_changelist")).context["cl"].queryset
    assert set(listed) == set(closings)
    assert http.get(change_url(closings[1])).status_code == 200


def test_a_manager_may_log_in_through_the_admin_login_but_staff_may_not(world, client):
    from tests.factories import TEST_PASSWORD

    response = client.post(reverse("scoped_admin:login"), {"username": world.manager.username,
                                                           "password": TEST_PASSWORD})
    assert response.status_code == 302
    staff = type(client)()
    response = staff.post(reverse("scoped_admin:login"), {"username": world.staff.username, "password": TEST_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in staff.session

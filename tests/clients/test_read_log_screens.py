"""Rule: the office's manager sees who read a client's records and what a staff member opened — newest first,
in Japan time, paginated, only within the manager's office; nobody else sees them (clients/read_views.py)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from clients.models import SensitiveExport, SensitiveExportKind
from clients.read_views import READS_PER_PAGE
from compostela.models import ReadPage, SensitiveRead
from tests.conftest import logged_in
from tests.factories import ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def _read(office, user, client, *, at=None, page=ReadPage.HEALTH) -> SensitiveRead:
    fields = {"at": at} if at else {}
    return SensitiveRead.objects.create(
        office=office, user=user, client_id=client.pk, page=page, path=f"/clients/{client.pk}/", **fields
    )


def test_the_manager_sees_who_read_a_client_in_japan_time(world):
    client = ClientFactory(office=world.office)
    _read(world.office, world.staff, client, at=datetime(2025, 4, 1, 23, 30, tzinfo=UTC))  # 08:30 on 2 April, Tokyo
    html = logged_in(world.manager).get(reverse("clients:reads", args=[client.pk])).content.decode()
    assert "2025-04-02 08:30:00" in html
    assert str(world.staff) in html
    assert str(ReadPage.HEALTH.label) in html
    assert reverse("clients:staff_reads", args=[world.staff.pk]) in html


def test_the_manager_sees_what_a_staff_member_opened_with_the_clients_names(world):
    first, second = ClientFactory(office=world.office), ClientFactory(office=world.office)
    _read(world.office, world.staff, first, page=ReadPage.CASE_REVIEW)
    _read(world.office, world.staff, second, page=ReadPage.PLACEMENTS)
    _read(world.office, world.supervisor, first)  # someone else's read
    response = logged_in(world.manager).get(reverse("clients:staff_reads", args=[world.staff.pk]))
    rows = response.context["rows"]
    assert [(r.client_id, r.page) for r in rows] == [(second.pk, ReadPage.PLACEMENTS), (first.pk, ReadPage.CASE_REVIEW)]
    html = response.content.decode()
    assert first.full_name in html and second.full_name in html


def test_the_lists_are_paginated_newest_first(world):
    client = ClientFactory(office=world.office)
    start = datetime(2025, 4, 1, tzinfo=UTC)
    for minute in range(READS_PER_PAGE + 3):
        _read(world.office, world.staff, client, at=start + timedelta(minutes=minute))
    http = logged_in(world.manager)
    first = http.get(reverse("clients:reads", args=[client.pk]))
    assert len(first.context["rows"]) == READS_PER_PAGE
    assert first.context["rows"][0].at == start + timedelta(minutes=READS_PER_PAGE + 2)
    last = http.get(reverse("clients:reads", args=[client.pk]), {"page": 2})
    assert [r.at for r in last.context["rows"]] == [start + timedelta(minutes=m) for m in (2, 1, 0)]
    staff_page = http.get(reverse("clients:staff_reads", args=[world.staff.pk]), {"page": "bogus"})
    assert staff_page.status_code == 200 and len(staff_page.context["rows"]) == READS_PER_PAGE


def test_a_client_page_lists_the_exports_that_included_the_client(world):
    client, other = ClientFactory(office=world.office), ClientFactory(office=world.office)
    SensitiveExport.objects.create(
        office=world.office,
        exported_by=world.supervisor,
        kind=SensitiveExportKind.CLIENT_LIST_CSV,
        client_ids=[client.pk],
    )
    http = logged_in(world.manager)
    assert len(http.get(reverse("clients:reads", args=[client.pk])).context["exports"]) == 1
    assert len(http.get(reverse("clients:reads", args=[other.pk])).context["exports"]) == 0
    assert len(http.get(reverse("clients:staff_reads", args=[world.supervisor.pk])).context["exports"]) == 1


def test_another_offices_client_and_staff_member_answer_404(world):
    foreign_client = ClientFactory(office=world.other_office)
    foreign_staff = UserFactory()
    MembershipFactory(user=foreign_staff, office=world.other_office, role="staff")
    http = logged_in(world.manager)
    assert http.get(reverse("clients:reads", args=[foreign_client.pk])).status_code == 404
    assert http.get(reverse("clients:staff_reads", args=[foreign_staff.pk])).status_code == 404


def test_the_reads_of_another_office_are_not_shown(world):
    """A staff member of two offices: the manager of one sees only the reads made in that office."""
    client = ClientFactory(office=world.office)
    MembershipFactory(user=world.staff, office=world.other_office, role="staff")
    foreign_client = ClientFactory(office=world.other_office)
    _read(world.other_office, world.staff, foreign_client)
    _read(world.office, world.staff, client)
    rows = logged_in(world.manager).get(reverse("clients:staff_reads", args=[world.staff.pk])).context["rows"]
    assert [r.client_id for r in rows] == [client.pk]


@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_only_managers_see_the_read_log(world, role):
    client = ClientFactory(office=world.office)
    http = logged_in(getattr(world, role))
    assert http.get(reverse("clients:reads", args=[client.pk])).status_code == 403
    assert http.get(reverse("clients:staff_reads", args=[world.staff.pk])).status_code == 403
    assert (
        reverse("clients:reads", args=[client.pk])
        not in http.get(reverse("clients:detail", args=[client.pk])).content.decode()
    )


def test_the_manager_reaches_the_read_log_from_the_client_page_and_the_staff_list(world):
    client = ClientFactory(office=world.office)
    http = logged_in(world.manager)
    assert (
        reverse("clients:reads", args=[client.pk])
        in http.get(reverse("clients:detail", args=[client.pk])).content.decode()
    )
    assert (
        reverse("clients:staff_reads", args=[world.staff.pk])
        in http.get(reverse("office_detail", args=[world.office.pk])).content.decode()
    )


def test_the_read_log_screens_are_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    clients = [ClientFactory(office=world.office) for _ in range(8)]
    for client in clients:
        _read(world.office, world.staff, client)
    http = logged_in(world.manager)
    with django_assert_max_num_queries(12) as few:
        http.get(reverse("clients:staff_reads", args=[world.staff.pk]))
    for client in clients:
        _read(world.office, world.staff, client, page=ReadPage.CLIENT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        http.get(reverse("clients:staff_reads", args=[world.staff.pk]))

"""Rule: the client list, the export and the client page take the same number of queries whatever the number
of clients or of their records."""

from datetime import date

import pytest
from django.urls import reverse

from attendance.models import Attendance, AttendanceStatus
from clients.models import CaseNoteKind, Diagnosis
from clients.plans import support_plan_review_add
from clients.services import case_note_add, health_update
from tests.factories import CertificateFactory, ClientFactory, SupportPlanFactory


def make_clients(world, count, today):
    for _ in range(count):
        client = ClientFactory(office=world.office, specialist=world.staff)
        CertificateFactory(client=client)
        Attendance.objects.create(office=world.office, client=client, day=today, status=AttendanceStatus.ATTENDED,
                                  updated_by=world.staff)
        health_update(client=client, data={}, diagnoses=Diagnosis.objects.all()[:2], by=world.staff)


@pytest.mark.parametrize("count", [2, 12])
def test_client_list_queries_do_not_grow_with_clients(world, staff_client, django_assert_max_num_queries, count,
                                                      today):
    make_clients(world, count, today)
    # the rows, then their staff members' names in one query (not a User per row and role): 9
    with django_assert_max_num_queries(9):
        response = staff_client.get(reverse("clients:list"))
    assert response.content.decode().count('href="/clients/') >= count
    assert response.context["clients"][0].days_attended == 1


@pytest.mark.parametrize("count", [2, 12])
def test_export_queries_do_not_grow_with_clients(world, supervisor_client, django_assert_max_num_queries, count,
                                                 today):
    make_clients(world, count, today)
    # … with the rows' staff names read in one query (clients.selectors.client_list): 21
    with django_assert_max_num_queries(21):
        response = supervisor_client.get(reverse("clients:export"))
    assert response.content.decode("utf-8-sig").count("\n") == count + 1


@pytest.mark.parametrize("records", [1, 8])
def test_client_page_queries_do_not_grow_with_history(world, staff_client, django_assert_max_num_queries, records):
    client = ClientFactory(office=world.office)
    for i in range(records):
        case_note_add(client=client, kind=CaseNoteKind.PHONE, text=f"記録{i}", minutes=10, by=world.staff)
        plan = SupportPlanFactory(client=client, created_by=world.supervisor, period_start=date(2025, 1, 1 + i),
                                  version=i + 1, agreed_on=date(2025, 1, 1 + i))
        support_plan_review_add(plan=plan, reviewed_on=date(2025, 6, 1), summary="順調", by=world.supervisor)
    # includes the placements timeline and funnel, attendance outside use, the figures in force (the plans'
    # monitoring interval), and the read log's INSERT (+1; +1 more
    # here only: the audit context is cleared after a write inside the test's transaction — tests/compostela/
    # test_sensitive_reads.py::test_a_read_costs_one_insert)
    with django_assert_max_num_queries(30):
        response = staff_client.get(reverse("clients:detail", args=[client.pk]))
    assert "記録0" in response.content.decode()

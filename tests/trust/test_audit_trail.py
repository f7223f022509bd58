"""Rules of the audit trail (django-pghistory): every create, change and delete of a tracked table is
recorded by the database (whatever wrote it) with who, when and the row as it was; the trail cannot be
changed; who and why come from the context of the write."""

from datetime import date, timedelta

import pgtrigger
import pytest
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from attendance.models import Attendance
from clients.models import Certificate, Client, IncomeCategory, ServicePeriod
from compostela.audit import AuditMiddleware, audit_context, audit_record_export, audited_models
from compostela.history import audit_exports
from placements.models import Employer, FollowUpContact, FollowUpKind, Hire
from tests.trust.helpers import events_of, make_attendance, make_client

pytestmark = pytest.mark.django_db


def _triggers() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname LIKE 'pgtrigger_%%'"
        )
        return {(table, name.rsplit("_", 1)[0].removeprefix("pgtrigger_")) for table, name in cursor.fetchall()}


def test_every_tracked_table_has_its_event_triggers_and_every_event_table_refuses_changes():
    triggers = _triggers()
    assert {(model._meta.db_table, trigger.name) for model, trigger in pgtrigger.registered()} <= triggers
    for model in audited_models():
        table = model._meta.db_table
        assert {"insert_insert", "delete_delete"} <= {name for t, name in triggers if t == table}, table
        assert (model.pgh_event_model._meta.db_table, "append_only") in triggers


def test_create_change_and_delete_of_a_client_are_recorded_with_before_and_after(world):
    # when
    client = make_client(world.office, given_name="花子")
    Client.objects.filter(pk=client.pk).update(given_name="華子")
    Client.objects.filter(pk=client.pk).delete()
    # then
    created, changed, deleted = events_of(Client, client.pk)
    assert (created.pgh_label, changed.pgh_label, deleted.pgh_label) == ("insert", "update", "delete")
    assert created.pgh_data["given_name"] == "花子" and created.pgh_diff is None
    assert changed.pgh_diff["given_name"] == ["花子", "華子"]
    assert deleted.pgh_data["given_name"] == "華子"
    assert {e.pgh_data["office_id"] for e in (created, changed, deleted)} == {world.office.pk}
    assert created.pgh_created_at is not None


def test_a_write_in_raw_sql_is_recorded_as_well(world):
    client = make_client(world.office)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE clients_client SET phone = '011-000-0000' WHERE id = %s", [client.pk])
    assert events_of(Client, client.pk)[-1].pgh_data["phone"] == "011-000-0000"


def test_a_save_that_changes_nothing_is_not_recorded(world):
    client = make_client(world.office)
    Client.objects.filter(pk=client.pk).update(phone="")
    assert [e.pgh_label for e in events_of(Client, client.pk)] == ["insert"]


def test_rows_reaching_their_client_through_another_row_keep_the_link(world):
    client = make_client(world.office)
    period = ServicePeriod.objects.create(client=client, started_on=date(2025, 4, 1))
    employer = Employer.objects.create(office=world.office, name="札幌物流")
    hire = Hire.objects.create(
        office=world.office,
        client=client,
        employer=employer,
        job_title="倉庫",
        job_field="warehouse",
        recruitment_type="quota",
        start_date=date(2025, 6, 1),
        hours_per_week=20,
        hourly_wage=1010,
        employment_form="permanent",
        disclosed=True,
        created_by=world.staff,
    )
    contact = FollowUpContact.objects.create(
        office=world.office,
        hire=hire,
        day=date(2025, 6, 10),
        staff=world.staff,
        kind=FollowUpKind.PHONE_ONLINE,
        minutes=15,
    )
    (period_event,) = events_of(ServicePeriod, period.pk)
    assert period_event.pgh_data["client_id"] == client.pk
    (contact_event,) = events_of(FollowUpContact, contact.pk)
    assert (contact_event.pgh_data["office_id"], contact_event.pgh_data["hire_id"], contact_event.pgh_data["day"]) == (
        world.office.pk,
        hire.pk,
        "2025-06-10",
    )
    (employer_event,) = events_of(Employer, employer.pk)
    assert employer_event.pgh_data["office_id"] == world.office.pk


def test_attendance_events_carry_office_client_and_day(world):
    client = make_client(world.office)
    row = make_attendance(client, date(2025, 4, 7), world.staff)
    (event,) = events_of(Attendance, row.pk)
    assert (event.pgh_data["office_id"], event.pgh_data["client_id"], event.pgh_data["day"]) == (
        world.office.pk,
        client.pk,
        "2025-04-07",
    )


def test_writes_in_a_request_are_attributed_to_its_user(world, rf: RequestFactory):
    # given a view that writes, behind the audit middleware
    def view(request):
        request.created = make_client(world.office)
        return HttpResponse("ok")

    request = rf.post("/clients/new/")
    request.user = world.staff
    # when
    AuditMiddleware(view)(request)
    # then
    (event,) = events_of(Client, request.created.pk)
    assert event.user_id == world.staff.pk
    assert (event.request, event.pgh_context["method"], event.pgh_context["url"]) == (
        request.audit_request_id,
        "POST",
        "/clients/new/",
    )


def test_writes_after_the_request_are_no_longer_attributed_to_its_user(world, rf):
    request = rf.post("/x/")
    request.user = world.staff
    AuditMiddleware(lambda r: HttpResponse(make_client(world.office).pk))(request)
    # when code outside any request writes on the same connection
    later = make_client(world.office)
    # then
    (event,) = events_of(Client, later.pk)
    assert event.user_id is None and event.pgh_context is None


def test_audit_context_attributes_writes_to_the_given_user_and_reason(world):
    with audit_context(user=world.manager, reason="import clients.xlsx"):
        client = make_client(world.office)
    (event,) = events_of(Client, client.pk)
    assert (event.user_id, event.reason) == (world.manager.pk, "import clients.xlsx")


def test_a_nested_context_gives_the_enclosing_actor_back_when_it_ends(world):
    with audit_context(user=world.manager, reason="command: outer"):
        with audit_context(user=world.staff, reason="task: inner"):
            inner = make_client(world.office)
        outer = make_client(world.office)
    assert [(e.user_id, e.reason) for e in events_of(Client, inner.pk)] == [(world.staff.pk, "task: inner")]
    assert [(e.user_id, e.reason) for e in events_of(Client, outer.pk)] == [(world.manager.pk, "command: outer")]


def test_attribution_survives_a_rolled_back_savepoint(world):
    with audit_context(user=world.manager, reason="retry"):
        try:
            with transaction.atomic():
                make_client(world.office)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        client = make_client(world.office)
    (event,) = events_of(Client, client.pk)
    assert event.user_id == world.manager.pk


def test_the_bulk_seed_switch_skips_the_trail_only_inside_its_block(world):
    with audit_context(reason="demo seed", bulk_seed=True):
        seeded = make_client(world.office)
    after = make_client(world.office)
    assert events_of(Client, seeded.pk) == []
    assert len(events_of(Client, after.pk)) == 1


def test_the_bulk_seed_switch_is_refused_inside_a_web_request(world, rf):
    def view(request):
        with audit_context(bulk_seed=True):
            make_client(world.office)
        return HttpResponse("never")

    request = rf.post("/x/")
    request.user = world.manager
    with pytest.raises(RuntimeError, match="refused inside a web request"):
        AuditMiddleware(view)(request)
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    "statement", ["UPDATE clients_clientevent SET pgh_label = 'delete'", "DELETE FROM clients_clientevent"]
)
def test_the_trail_cannot_be_changed_or_deleted(world, statement):
    client = make_client(world.office)
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert len(events_of(Client, client.pk)) == 1


def test_a_certificate_change_is_recorded(world):
    client = make_client(world.office)
    certificate = Certificate.objects.create(
        office=world.office,
        client=client,
        number="0123456789",
        municipality="札幌市",
        period_start=date(2025, 4, 1),
        period_end=date(2026, 3, 31),
        income_category=IncomeCategory.GENERAL_1,
        copay_cap=9300,
    )
    Certificate.objects.filter(pk=certificate.pk).update(period_end=date(2026, 3, 31) + timedelta(days=30))
    events = events_of(Certificate, certificate.pk)
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert events[1].pgh_diff["period_end"] == ["2026-03-31", "2026-04-30"]


def test_an_export_is_recorded(world):
    audit_record_export(user=world.manager, office=world.office, what="clients health and benefits CSV", rows=25)
    event = audit_exports().get()
    assert (event.user_id, int(event.pgh_obj_id)) == (world.manager.pk, world.office.pk)
    assert event.pgh_context["export"] == {"what": "clients health and benefits CSV", "rows": 25}

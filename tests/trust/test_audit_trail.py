"""Rules of the audit trail: every create, change and delete of an audited table is recorded by the
database (whatever wrote it) with who, when, before and after, office, client and day; the trail
cannot be changed; unknown model labels are skipped."""

from datetime import date, timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from attendance.models import Attendance
from clients.models import Certificate, Client, IncomeCategory, ServicePeriod
from compostela import audit
from compostela.audit import AuditUserMiddleware, audit_context, audit_record_export, audited_models
from compostela.models import AuditEvent
from placements.models import Employer, FollowUpContact, FollowUpKind, Hire
from tests.trust.helpers import make_attendance, make_client

pytestmark = pytest.mark.django_db


def events_of(model, pk):
    return list(AuditEvent.objects.filter(table_name=model._meta.db_table, row_pk=str(pk)).order_by("pk"))


def test_every_audited_table_has_the_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
            [audit.TRIGGER_NAME],
        )
        with_trigger = {row[0] for row in cursor.fetchall()}
    expected = {model._meta.db_table for model in audited_models()}
    assert expected <= with_trigger
    assert {"clients_client", "clients_attendance", "clients_certificate", "placements_hire",
            "billing_monthclosing"} <= with_trigger


def test_labels_of_models_that_do_not_exist_yet_are_skipped(monkeypatch):
    monkeypatch.setattr(audit, "AUDITED_MODELS", ["clients.NoSuchModel", "nosuchapp.Thing", "clients.Client"])
    assert audit.install_audit_triggers() == ["clients_client"]
    monkeypatch.undo()
    audit.install_audit_triggers()  # put the full set back for this test's transaction


def test_create_change_and_delete_of_a_client_are_recorded_with_before_and_after(world):
    # when
    client = make_client(world.office, given_name="花子")
    Client.objects.filter(pk=client.pk).update(given_name="華子")
    Client.objects.filter(pk=client.pk).delete()
    # then
    created, changed, deleted = events_of(Client, client.pk)
    assert (created.action, changed.action, deleted.action) == ("insert", "update", "delete")
    assert created.before is None and created.after["given_name"] == "花子"
    assert changed.before["given_name"] == "花子" and changed.after["given_name"] == "華子"
    assert deleted.before["given_name"] == "華子" and deleted.after is None
    assert {e.office_id for e in (created, changed, deleted)} == {world.office.pk}
    assert {e.client_id for e in (created, changed, deleted)} == {client.pk}
    assert created.at is not None and created.transaction_id


def test_a_write_in_raw_sql_is_recorded_as_well(world):
    client = make_client(world.office)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE clients_client SET phone = '011-000-0000' WHERE id = %s", [client.pk])
    assert events_of(Client, client.pk)[-1].after["phone"] == "011-000-0000"


def test_a_save_that_changes_nothing_is_not_recorded(world):
    client = make_client(world.office)
    Client.objects.filter(pk=client.pk).update(phone="")
    assert [e.action for e in events_of(Client, client.pk)] == ["insert"]


def test_rows_reaching_their_office_and_client_through_another_row_are_placed(world):
    client = make_client(world.office)
    period = ServicePeriod.objects.create(client=client, started_on=date(2025, 4, 1))
    employer = Employer.objects.create(office=world.office, name="札幌物流")
    hire = Hire.objects.create(
        office=world.office, client=client, employer=employer, job_title="倉庫", job_field="warehouse",
        recruitment_type="quota", start_date=date(2025, 6, 1), hours_per_week=20, hourly_wage=1010,
        employment_form="permanent", disclosed=True, created_by=world.staff,
    )
    contact = FollowUpContact.objects.create(
        office=world.office, hire=hire, day=date(2025, 6, 10), staff=world.staff, kind=FollowUpKind.PHONE_ONLINE,
        minutes=15,
    )
    (period_event,) = events_of(ServicePeriod, period.pk)
    assert (period_event.office_id, period_event.client_id) == (world.office.pk, client.pk)
    (contact_event,) = events_of(FollowUpContact, contact.pk)
    assert (contact_event.office_id, contact_event.client_id, contact_event.day) == (
        world.office.pk, client.pk, date(2025, 6, 10))
    (employer_event,) = events_of(Employer, employer.pk)
    assert employer_event.office_id == world.office.pk and employer_event.client_id is None


def test_attendance_events_carry_office_client_and_day(world):
    client = make_client(world.office)
    row = make_attendance(client, date(2025, 4, 7), world.staff)
    (event,) = events_of(Attendance, row.pk)
    assert (event.office_id, event.client_id, event.day) == (world.office.pk, client.pk, date(2025, 4, 7))


def test_writes_in_a_request_are_attributed_to_its_user(world, rf: RequestFactory):
    # given a view that writes, behind the audit middleware
    def view(request):
        request.created = make_client(world.office)
        return HttpResponse("ok")

    request = rf.post("/clients/new/")
    request.user = world.staff
    # when
    AuditUserMiddleware(view)(request)
    # then
    (event,) = events_of(Client, request.created.pk)
    assert event.user_id == world.staff.pk
    assert event.context.startswith(f"request {request.audit_request_id} POST /clients/new/")


def test_writes_after_the_request_are_no_longer_attributed_to_its_user(world, rf):
    request = rf.post("/x/")
    request.user = world.staff
    AuditUserMiddleware(lambda r: HttpResponse(make_client(world.office).pk))(request)
    # when code outside any request writes on the same connection
    later = make_client(world.office)
    # then
    (event,) = events_of(Client, later.pk)
    assert event.user_id is None and event.context == ""


def test_audit_context_attributes_writes_to_the_given_user_and_reason(world):
    with audit_context(user=world.manager, reason="import clients.xlsx"):
        client = make_client(world.office)
    (event,) = events_of(Client, client.pk)
    assert (event.user_id, event.context) == (world.manager.pk, "import clients.xlsx")


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
        AuditUserMiddleware(view)(request)
    assert not Client.objects.exists()


@pytest.mark.parametrize("statement", ["UPDATE compostela_auditevent SET action = 'delete'",
                                       "DELETE FROM compostela_auditevent"])
def test_the_trail_cannot_be_changed_or_deleted(world, statement):
    make_client(world.office)
    recorded = AuditEvent.objects.count()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == recorded


def test_a_certificate_change_is_recorded(world):
    client = make_client(world.office)
    certificate = Certificate.objects.create(
        office=world.office, client=client, number="0123456789", municipality="札幌市",
        period_start=date(2025, 4, 1), period_end=date(2026, 3, 31), income_category=IncomeCategory.GENERAL_1,
        copay_cap=9300,
    )
    Certificate.objects.filter(pk=certificate.pk).update(period_end=date(2026, 3, 31) + timedelta(days=30))
    events = events_of(Certificate, certificate.pk)
    assert [e.action for e in events] == ["insert", "update"]
    assert events[1].before["period_end"] == "2026-03-31" and events[1].after["period_end"] == "2026-04-30"


def test_an_export_is_recorded(world):
    audit_record_export(user=world.manager, office=world.office, what="clients health and benefits CSV", rows=25)
    event = AuditEvent.objects.get(action="export")
    assert (event.user_id, event.office_id) == (world.manager.pk, world.office.pk)
    assert event.after == {"what": "clients health and benefits CSV", "rows": 25}

"""Rules: every model of the apps holding personal or billing data is in the audit trail (or exempted with a
reason), so a new model cannot slip through; exports of sensitive data are recorded."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from clients.models import Client, Diagnosis, HealthRecord, SensitiveExport
from compostela import audit
from compostela.models import AuditEvent
from tests.conftest import logged_in
from tests.trust.helpers import make_client

pytestmark = pytest.mark.django_db


def test_every_model_of_the_audited_apps_is_audited_or_exempted_with_a_reason():
    every = {
        model._meta.label
        for app in audit.AUDITED_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }
    missing = every - set(audit.AUDITED_MODELS) - set(audit.AUDIT_EXEMPT)
    assert not missing, f"add these models to AUDITED_MODELS (or AUDIT_EXEMPT with a reason): {sorted(missing)}"
    assert all(reason.strip() for reason in audit.AUDIT_EXEMPT.values())


def test_no_audited_label_is_stale():
    assert len(audit.audited_models()) == len(audit.AUDITED_MODELS), "AUDITED_MODELS names a model that is gone"


def test_every_audited_table_carries_the_trigger():
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
                       [audit.TRIGGER_NAME])
        with_trigger = {row[0] for row in cursor.fetchall()}
    assert {m._meta.db_table for m in audit.audited_models()} == with_trigger


def test_every_audited_model_with_a_client_records_the_client():
    """A model that belongs to a client (a ``client`` field or an explicit path) is found on the client's
    history page: its trigger is told how to reach the client."""
    for model in audit.audited_models():
        args = audit.trigger_arguments(model)
        names = {f.name for f in model._meta.get_fields()}
        reaches_client = "client" in names or model._meta.label in audit.AUDIT_CLIENT_PATHS or model is Client
        if reaches_client and model._meta.label != "placements.EmployerContact":
            assert args[3], f"{model._meta.label}: no client column for the audit trigger"


def test_a_diagnosis_given_to_a_client_is_recorded_with_the_client_and_office(world):
    client = make_client(world.office)
    record = HealthRecord.objects.create(client=client, updated_by=world.staff)
    diagnosis = Diagnosis.objects.get_or_create(name="うつ病")[0]
    record.diagnoses.add(diagnosis)
    event = AuditEvent.objects.get(table_name=HealthRecord.diagnoses.through._meta.db_table)
    assert (event.action, event.client_id, event.office_id) == ("insert", client.pk, world.office.pk)
    assert event.after["diagnosis_id"] == diagnosis.pk


def test_a_role_change_is_recorded_with_its_office(world):
    from compostela.models import Membership

    membership = Membership.objects.get(user=world.staff, office=world.office)
    Membership.objects.filter(pk=membership.pk).update(role="manager")
    events = AuditEvent.objects.filter(table_name="compostela_membership", row_pk=str(membership.pk))
    event = events.order_by("pk").last()
    assert (event.action, event.office_id) == ("update", world.office.pk)
    assert (event.before["role"], event.after["role"]) == ("staff", "manager")


def test_the_clients_health_export_is_recorded_in_the_trail(world):
    make_client(world.office)
    response = logged_in(world.supervisor).get(reverse("clients:export"))
    assert response.status_code == 200
    export = SensitiveExport.objects.get()
    assert export.exported_by == world.supervisor and len(export.client_ids) == 1
    event = AuditEvent.objects.get(table_name=SensitiveExport._meta.db_table)
    assert (event.action, event.user_id, event.office_id) == ("insert", world.supervisor.pk, world.office.pk)


@pytest.mark.parametrize("fmt", ["csv", "json", "text"])
def test_the_billing_month_export_is_recorded(world, fmt):
    call_command("billing_month", office=world.office.number, month="2025-04", format=fmt, stdout=StringIO())
    event = AuditEvent.objects.get(action="export")
    assert event.office_id == world.office.pk
    assert event.after["what"] == f"billing month 2025-04 ({fmt})"
    assert event.after["rows"] == 0

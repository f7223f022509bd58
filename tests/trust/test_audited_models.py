"""Rules: every model of the apps holding personal or billing data is in the audit trail (tracked by
django-pghistory, or exempted with a reason), so a new model cannot slip through; exports of sensitive data
are recorded."""

from io import StringIO

import pgtrigger
import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from pghistory.models import Event

from clients.models import Diagnosis, HealthRecord, SensitiveExport
from compostela import audit
from compostela.history import audit_exports
from compostela.models import Membership
from tests.conftest import logged_in
from tests.trust.helpers import events_of, make_client

pytestmark = pytest.mark.django_db


def test_every_model_of_the_audited_apps_is_tracked_or_exempted_with_a_reason():
    every = {
        model._meta.label
        for app in audit.AUDITED_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if not issubclass(model, Event)  # the event tables themselves
    }
    tracked = {model._meta.label for model in audit.audited_models()}
    missing = every - tracked - set(audit.AUDIT_EXEMPT)
    assert not missing, f"decorate these models @audit.track() (or exempt them): {sorted(missing)}"
    assert not tracked & set(audit.AUDIT_EXEMPT), "a model is both tracked and exempt"
    assert all(reason.strip() for reason in audit.AUDIT_EXEMPT.values())


def test_no_exempt_label_is_stale():
    for label in audit.AUDIT_EXEMPT:
        assert apps.get_model(label), label


def test_every_event_table_is_append_only():
    protected = {model for model, trigger in pgtrigger.registered() if trigger.name == "append_only"}
    assert set(audit.event_models()) <= protected


def test_a_diagnosis_given_to_a_client_is_recorded(world):
    client = make_client(world.office)
    record = HealthRecord.objects.create(client=client, updated_by=world.staff)
    diagnosis = Diagnosis.objects.get_or_create(name="うつ病")[0]
    record.diagnoses.add(diagnosis)
    link = HealthRecord.diagnoses.through.objects.get(healthrecord=record)
    (event,) = events_of(HealthRecord.diagnoses.through, link.pk)
    assert event.pgh_label == "insert"
    assert (event.pgh_data["healthrecord_id"], event.pgh_data["diagnosis_id"]) == (record.pk, diagnosis.pk)


def test_a_role_change_is_recorded_with_its_office(world):
    membership = Membership.objects.get(user=world.staff, office=world.office)
    Membership.objects.filter(pk=membership.pk).update(role="manager")
    event = events_of(Membership, membership.pk)[-1]
    assert (event.pgh_label, event.pgh_data["office_id"]) == ("update", world.office.pk)
    assert event.pgh_diff["role"] == ["staff", "manager"]


def test_the_clients_health_export_is_recorded_in_the_trail(world):
    make_client(world.office)
    response = logged_in(world.supervisor).get(reverse("clients:export"))
    assert response.status_code == 200
    export = SensitiveExport.objects.get()
    assert export.exported_by == world.supervisor and len(export.client_ids) == 1
    (event,) = events_of(SensitiveExport, export.pk)
    assert (event.pgh_label, event.user_id, event.pgh_data["office_id"]) == (
        "insert",
        world.supervisor.pk,
        world.office.pk,
    )


@pytest.mark.parametrize("fmt", ["csv", "json", "text"])
def test_the_billing_month_export_is_recorded(world, fmt):
    call_command("billing_month", office=world.office.number, month="2025-04", format=fmt, stdout=StringIO())
    event = audit_exports().get()
    assert int(event.pgh_obj_id) == world.office.pk
    assert event.pgh_context["export"] == {"what": f"billing month 2025-04 ({fmt})", "rows": 0}
    assert (event.user_id, event.reason) == (None, "command: billing_month")

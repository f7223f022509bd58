"""Rule: the audit trail is append-only for the application.  In production the application connects as a
role made by ``manage.py db_roles`` that owns no table and has no UPDATE, DELETE or TRUNCATE on the event
tables; its ordinary writes still record events.  Proven here on the embedded server: the role is created
inside the test's transaction (and disappears with it), and the statements run as that role."""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from clients.models import Client
from compostela.audit import event_models
from compostela.management.commands.db_roles import trail_tables
from tests.trust.helpers import events_of, make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_app_role():
    """Run the rest of the test as a fresh application role (SET LOCAL ROLE: until the test's rollback)."""
    role = f"compostela_app_test_{uuid.uuid4().hex[:8]}"
    call_command("db_roles", app_role=role, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
    return role


def _refused(statement: str) -> str:
    with pytest.raises(DatabaseError) as refusal, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    return str(refusal.value)


def test_the_app_role_may_not_update_delete_or_truncate_an_event_table(world, as_app_role):
    client = make_client(world.office)
    for statement in (
        "UPDATE clients_clientevent SET pgh_label = 'delete'",
        "DELETE FROM clients_clientevent",
        "TRUNCATE clients_clientevent",
    ):
        assert "permission denied" in _refused(statement), statement
    assert len(events_of(Client, client.pk)) == 1


def test_every_event_table_refuses_the_app_role_changes(world, as_app_role):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = %s",
            [as_app_role],
        )
        granted = cursor.fetchall()
    trail = set(trail_tables())
    assert {privilege for table, privilege in granted if table in trail} == {"SELECT", "INSERT"}
    assert "TRUNCATE" not in {privilege for _table, privilege in granted}
    assert {"clients_client", "clients_clientevent"} <= {table for table, _privilege in granted}


def test_the_app_roles_ordinary_writes_still_record_who_did_them(world, as_app_role):
    from compostela.audit import audit_context

    with audit_context(user=world.manager, reason="command: a test"):
        client = make_client(world.office, phone="011-111-1111")
        Client.objects.filter(pk=client.pk).update(phone="011-222-2222")
        Client.objects.filter(pk=client.pk).delete()
    events = events_of(Client, client.pk)
    assert [(e.pgh_label, e.user_id, e.reason) for e in events] == [
        ("insert", world.manager.pk, "command: a test"),
        ("update", world.manager.pk, "command: a test"),
        ("delete", world.manager.pk, "command: a test"),
    ]


def test_the_app_role_owns_nothing_and_may_create_nothing(world, as_app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
        assert cursor.fetchone()[0] == 0
    assert "permission denied" in _refused("CREATE TABLE compostela_intruder (id int)")


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE clients_clientevent DISABLE TRIGGER ALL",
        "ALTER TABLE clients_client DISABLE TRIGGER ALL",  # the triggers that write the trail
        "SET session_replication_role = replica",  # would silence every trigger of the session
    ],
)
def test_the_app_role_cannot_switch_the_trail_off(world, as_app_role, statement):
    """Rule: as the application role, the trail's triggers can be neither disabled nor bypassed."""
    refusal = _refused(statement)
    assert "must be owner" in refusal or "permission denied" in refusal, refusal


def test_the_app_role_cannot_drop_the_trails_triggers(world, as_app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'clients_clientevent'::regclass "
                       "AND NOT tgisinternal")
        names = [name for (name,) in cursor.fetchall()]
    assert names  # the append-only guard
    for name in names:
        assert "must be owner" in _refused(f'DROP TRIGGER "{name}" ON clients_clientevent')


def test_no_role_may_truncate_an_event_table_not_even_the_owner(world):
    """Rule: the trail is append-only for every connection — a TRUNCATE (which fires no row trigger) is
    refused by a statement trigger on every event table, even for the owner that could be the app in
    development."""
    client = make_client(world.office)
    for table in sorted(model._meta.db_table for model in event_models()):
        assert "append-only: TRUNCATE" in _refused(f'TRUNCATE "{table}" CASCADE'), table
    assert len(events_of(Client, client.pk)) == 1

"""The audit trail moved to django-pghistory: the events of the old trail (compostela_auditevent) are carried
over into the event tables with their time, action, row, user and reason, and an export stays an export."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from clients.models import Client
from compostela.history import audit_exports
from tests.trust.helpers import events_of

BEFORE_PGHISTORY = [
    ("compostela", "0004_office_capacity_history"),
    ("clients", "0014_english_labels"),
    ("placements", "0003_english_help_text"),
    ("attendance", "0002_closed_month"),
    ("billing", "0006_office_capacity_moves_to_compostela"),
    ("review", "0001_initial"),
    ("regulations", "0002_load_figures_2019_2021"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True)
def test_the_old_trails_events_are_carried_over_into_the_event_tables():
    # given a database on the old trail, with a client created, changed by a request and an export
    old = _migrate(BEFORE_PGHISTORY)
    office = old.get_model("compostela", "Office").objects.create(
        name="移行前", number="0119999902", capacity=20, area_grade="7", opened_on=date(2010, 4, 1))
    user = old.get_model("compostela", "User").objects.create(username="before-pghistory")
    client = old.get_model("clients", "Client").objects.create(
        office=office, family_name="山田", given_name="花子", family_name_kana="ヤマダ", given_name_kana="ハナコ",
        birth_date=date(1990, 1, 1), status="enrolled", enrolled_on=date(2025, 4, 1))
    AuditEvent = old.get_model("compostela", "AuditEvent")
    when = timezone.make_aware(datetime(2025, 4, 1, 9))
    row = {"id": client.pk, "office_id": office.pk, "family_name": "山田", "given_name": "花子",
           "birth_date": "1990-01-01", "status": "enrolled", "enrolled_on": "2025-04-01", "phone": ""}
    AuditEvent.objects.create(at=when, action="insert", table_name="clients_client", row_pk=str(client.pk),
                              after=row, user=user, office=office, client_id=client.pk,
                              context="command: import_clients clients.csv")
    AuditEvent.objects.create(at=when.replace(hour=10), action="update", table_name="clients_client",
                              row_pk=str(client.pk), before=row, after={**row, "phone": "011-111-1111"}, user=user,
                              office=office, client_id=client.pk, context="request 0123abcd POST /clients/1/edit/")
    AuditEvent.objects.create(at=when.replace(hour=11), action="export", after={"what": "billing CSV", "rows": 3},
                              user=user, office=office)

    # when the database migrates forward
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    # then the events are the client's events, with who, when, what and why
    created, changed = events_of(Client, client.pk)
    assert (created.pgh_label, created.pgh_created_at, created.user_id, created.reason) == (
        "insert", when, user.pk, "command: import_clients clients.csv")
    assert created.pgh_data["given_name"] == "花子" and created.pgh_data["birth_date"] == "1990-01-01"
    assert (changed.pgh_label, changed.user_id, changed.request) == ("update", user.pk, "0123abcd")
    assert changed.pgh_context["url"] == "/clients/1/edit/"
    assert changed.pgh_diff["phone"] == ["", "011-111-1111"]
    (export,) = audit_exports()
    assert (export.user_id, int(export.pgh_obj_id), export.pgh_context["export"]) == (
        user.pk, office.pk, {"what": "billing CSV", "rows": 3})
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('compostela_auditevent'), to_regproc('compostela_audit_row')")
        assert cursor.fetchone() == (None, None)

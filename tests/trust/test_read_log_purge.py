"""Rule: the read log is append-only for the application — the application role may insert and read it but
not UPDATE, DELETE or TRUNCATE it — and old reads are deleted only by ``manage.py purge_sensitive_reads``
run as the owner role, which records each purge (who ran it, when, the cutoff, how many rows).  Proven on the
embedded server as in test_app_role.py: the role is created inside the test's transaction."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from compostela.management.commands.db_roles import trail_tables
from compostela.models import ReadPage, SensitiveRead, SensitiveReadPurge
from tests.trust.helpers import events_of
from tests.trust.test_app_role import _refused, as_app_role  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _read(world, *, days_ago: float, client_id: int = 1) -> SensitiveRead:
    return SensitiveRead.objects.create(
        office=world.office,
        user=world.staff,
        client_id=client_id,
        page=ReadPage.CLIENT,
        path=f"/clients/{client_id}/",
        at=timezone.now() - timedelta(days=days_ago),
    )


def test_the_read_log_and_its_purges_are_trail_tables():
    assert {"compostela_sensitiveread", "compostela_sensitivereadpurge"} <= set(trail_tables())


def test_the_app_role_may_insert_and_select_reads_but_not_change_them(world, as_app_role):  # noqa: F811
    _read(world, days_ago=0)
    assert SensitiveRead.objects.count() == 1
    for statement in (
        "UPDATE compostela_sensitiveread SET page = 'health'",
        "DELETE FROM compostela_sensitiveread",
        "TRUNCATE compostela_sensitiveread",
        "DELETE FROM compostela_sensitivereadpurge",
        "TRUNCATE compostela_sensitivereadpurge",
    ):
        assert "permission denied" in _refused(statement), statement
    assert SensitiveRead.objects.count() == 1


def test_the_purge_as_the_app_role_fails_with_one_clear_line_and_deletes_nothing(world, as_app_role):  # noqa: F811
    _read(world, days_ago=1000)
    with pytest.raises(CommandError) as refusal:
        call_command("purge_sensitive_reads", older_than_days=30, stdout=StringIO())
    message = str(refusal.value)
    assert "\n" not in message and as_app_role in message and "owner" in message
    assert SensitiveRead.objects.count() == 1
    assert not SensitiveReadPurge.objects.exists()


def test_the_purge_as_the_owner_deletes_only_old_reads_and_records_itself(world):
    old, _older = _read(world, days_ago=31), _read(world, days_ago=400)
    recent = _read(world, days_ago=29)
    out = StringIO()
    call_command("purge_sensitive_reads", older_than_days=30, stdout=out)
    assert list(SensitiveRead.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not SensitiveRead.objects.filter(pk=old.pk).exists()
    purge = SensitiveReadPurge.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (role,) = cursor.fetchone()
    assert (purge.deleted, purge.database_role) == (2, role)
    assert abs(purge.cutoff - (timezone.now() - timedelta(days=30))) < timedelta(minutes=1)
    assert "Deleted 2 reads" in out.getvalue()
    (event,) = events_of(SensitiveReadPurge, purge.pk)  # the purge is an event of the audit trail
    assert (event.pgh_label, event.reason, event.pgh_data["deleted"]) == ("insert", "command: purge_sensitive_reads", 2)


@override_settings(SENSITIVE_READ_RETENTION_DAYS=100)
def test_the_purge_keeps_the_configured_retention_by_default(world):
    _read(world, days_ago=99)
    _read(world, days_ago=101)
    call_command("purge_sensitive_reads", stdout=StringIO())
    assert SensitiveRead.objects.count() == 1
    assert SensitiveReadPurge.objects.get().deleted == 1


@pytest.mark.parametrize("days", [0, -5])
def test_the_purge_refuses_a_retention_below_one_day(world, days):
    _read(world, days_ago=1)
    with pytest.raises(CommandError, match="at least 1"):
        call_command("purge_sensitive_reads", older_than_days=days, stdout=StringIO())
    assert SensitiveRead.objects.count() == 1


def test_a_recorded_purge_cannot_be_changed_or_deleted_even_by_the_owner(world):
    call_command("purge_sensitive_reads", older_than_days=30, stdout=StringIO())
    assert "sensitive_read_purge_no_change" in _refused("DELETE FROM compostela_sensitivereadpurge")
    assert "sensitive_read_purge_no_change" in _refused("UPDATE compostela_sensitivereadpurge SET deleted = 0")

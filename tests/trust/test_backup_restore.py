"""Rules: ``backup_db`` writes a compressed, timestamped pg_dump; ``restore_db`` brings it back into an empty
database with the same rows (counts and checksums), and refuses a database that is not empty."""

from datetime import date, datetime

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from billing.models import MonthClosing
from compostela.backup import _connect
from tests.trust.helpers import make_attendance, make_client

CHECKS = {
    "clients": "SELECT md5(string_agg(concat_ws('|', id, family_name, given_name, birth_date, office_id), ','"
               " ORDER BY id)) FROM clients_client",
    "attendance days": "SELECT count(*) || ':' || sum(extract(day FROM day)) FROM clients_attendance",
    "closings": "SELECT count(*) || ':' || sum(version) FROM billing_monthclosing",
    "audit events": "SELECT count(*) || ':' || coalesce(max(pgh_id), 0) FROM clients_clientevent",
    "claim total": "SELECT coalesce(sum(total_yen), 0) || ':' || coalesce(sum(copayment), 0) FROM billing_claimline",
}


def snapshot(conn: psycopg.Connection) -> dict[str, object]:
    tables = [row[0] for row in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()]
    counts = {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608
    return {"counts": counts, **{name: conn.execute(sql).fetchone()[0] for name, sql in CHECKS.items()}}


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_into_a_fresh_database_keep_every_row(world, tmp_path):
    # given some records of every kind, committed
    for n in range(3):
        client = make_client(world.office, given_name=f"花子{n}")
        for day in (1, 2, 3):
            make_attendance(client, date(2025, 4, day), world.staff)
    MonthClosing.objects.create(office=world.office, month=date(2025, 4, 1), version=1,
                                closed_at=timezone.make_aware(datetime(2025, 5, 2, 10)), closed_by=world.manager)
    settings_dict = connection.settings_dict
    restored_name = f"{settings_dict['NAME']}_restore"
    # when
    call_command("backup_db", output_dir=str(tmp_path))
    (dump,) = tmp_path.glob("compostela-*.dump")
    try:
        call_command("restore_db", str(dump), name=restored_name)
        # then
        with _connect(settings_dict, settings_dict["NAME"]) as original, _connect(settings_dict, restored_name) as copy:
            before, after = snapshot(original), snapshot(copy)
            # the event triggers and the append-only guards came back too (created after the data: no new events)
            triggers = copy.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'pgtrigger_%'").fetchone()[0]
        assert after == before
        assert before["counts"]["clients_client"] == 3 and before["counts"]["clients_attendance"] == 9
        assert triggers >= 5 * 4  # insert, update, delete and append-only for each
    finally:
        with _connect(settings_dict, settings_dict["NAME"]) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_closed_months_claim_total_survives_backup_and_restore(world, tmp_path):
    # given a closed month (its claim lines are the stored snapshot) with a known total
    from billing.services.claims import billing_month_compute
    from billing.services.closing import billing_month_close
    from tests.billing.documents.conftest import MAY, build_known_month

    call_command("billing_load_fees", stdout=None)  # a transactional test starts from flushed tables
    office = build_known_month(world).office
    expected = billing_month_compute(office=office, month=MAY).total_yen
    billing_month_close(office=office, month=MAY, by=world.manager)
    settings_dict = connection.settings_dict
    restored_name = f"{settings_dict['NAME']}_restore_claims"
    call_command("backup_db", output_dir=str(tmp_path))
    (dump,) = tmp_path.glob("compostela-*.dump")
    try:
        # when
        call_command("restore_db", str(dump), name=restored_name)
        # then the restored claim lines add up to the same yen as the computation
        with _connect(settings_dict, restored_name) as copy:
            restored = copy.execute("SELECT sum(total_yen) FROM billing_claimline").fetchone()[0]
        assert expected > 0
        assert restored == expected
    finally:
        with _connect(settings_dict, settings_dict["NAME"]) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_the_dump_is_compressed_timestamped_and_private(world, tmp_path):
    call_command("backup_db", output_dir=str(tmp_path))
    (dump,) = tmp_path.glob("compostela-*.dump")
    assert dump.read_bytes()[:5] == b"PGDMP"  # custom format (compressed)
    assert dump.name.split("-")[-2].isdigit() and len(dump.name.split("-")[-2]) == 8  # YYYYmmdd
    assert dump.stat().st_mode & 0o077 == 0


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(world, tmp_path):
    make_client(world.office)
    call_command("backup_db", output_dir=str(tmp_path))
    (dump,) = tmp_path.glob("compostela-*.dump")
    with pytest.raises(CommandError, match="is not empty") as refused:
        call_command("restore_db", str(dump))  # the configured (test) database
    # the way out it names is the command's real option (--name), not Django's connection alias (--database)
    assert "--name NAME" in str(refused.value) and "--database" not in str(refused.value)
    from clients.models import Client

    assert Client.objects.count() == 1

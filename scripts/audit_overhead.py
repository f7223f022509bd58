"""Measure what the audit trail's triggers (django-pghistory) cost on attendance writes.

Run: .venv/bin/python scripts/audit_overhead.py.

Works in one transaction on the configured database and rolls everything back.  Prints, for a day's
upsert of 30 rows and for a bulk insert of ROWS rows: the time with the trail on, with the demo seeder's
switch (audit_context(bulk_seed=True)) and with the triggers disabled.
"""

import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compostela.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from attendance.models import Attendance  # noqa: E402
from clients.models import Client  # noqa: E402
from compostela.audit import audit_context  # noqa: E402
from compostela.models import Office, User  # noqa: E402

ROWS = int(os.environ.get("ROWS", "100000"))
DAY_REPEATS = 50


class Rollback(Exception):
    pass


def upsert_day(office, clients, user, day, note):
    rows = [Attendance(office=office, client=c, day=day, status="attended", note=note, updated_by=user)
            for c in clients]
    Attendance.objects.bulk_create(rows, update_conflicts=True, unique_fields=["client", "day"],
                                   update_fields=["status", "note"])


def measure(label, office, clients, user, mode):
    with transaction.atomic():
        sid = transaction.savepoint()
        if mode == "disabled":
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {Attendance._meta.db_table} DISABLE TRIGGER USER")
        context = audit_context(reason="bench", bulk_seed=(mode == "bulk_seed"))
        with context:
            start = time.perf_counter()
            for i in range(DAY_REPEATS):  # insert, then 49 updates of the same day
                upsert_day(office, clients, user, date(2025, 4, 1), f"n{i}")
            per_day = (time.perf_counter() - start) / DAY_REPEATS * 1000
            start = time.perf_counter()
            per_client = ROWS // len(clients)
            batch = []
            for client in clients:
                for d in range(per_client):
                    batch.append(Attendance(office=office, client=client, day=date(2000, 1, 1) + timedelta(days=d),
                                            status="attended", updated_by=user))
                    if len(batch) == 5000:
                        Attendance.objects.bulk_create(batch)
                        batch = []
            Attendance.objects.bulk_create(batch)
            bulk = time.perf_counter() - start
        transaction.savepoint_rollback(sid)
    print(f"{label:<28} day upsert of 30 rows: {per_day:6.1f} ms   bulk insert of {ROWS} rows: {bulk:6.1f} s"
          f"   (~{bulk * 1_000_000 / ROWS:5.0f} s per million)")


def main():
    try:
        with transaction.atomic():
            office = Office.objects.create(name="bench", number="0999999999", capacity=20, area_grade="7",
                                           opened_on=date(2010, 4, 1))
            user = User.objects.create(username="bench-audit-user")
            clients = [Client.objects.create(office=office, family_name="試", given_name=str(i), family_name_kana="シ",
                                             given_name_kana="イ", birth_date=date(1990, 1, 1)) for i in range(30)]
            modes = [("trail on", "on"), ("bulk_seed switch", "bulk_seed"), ("triggers disabled", "disabled")]
            for label, mode in modes:
                measure(label, office, clients, user, mode)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()

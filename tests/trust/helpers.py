"""Rows of the domain apps for the trust tests, from the shared factories, and database states to compare."""

from __future__ import annotations

from datetime import date

from attendance.models import Attendance, AttendanceStatus
from clients.models import Client
from compostela.models import Office, User
from tests.factories import AttendanceFactory, ClientFactory


def make_client(office: Office, **fields) -> Client:
    """A client row alone, without a period of use: the audit tests count the events that one write makes."""
    return ClientFactory(office=office, service_period=False, **fields)


def make_attendance(client: Client, day: date, by: User, status: str = AttendanceStatus.ATTENDED) -> Attendance:
    return AttendanceFactory(client=client, day=day, status=status, updated_by=by)


def database_state() -> dict[str, int]:
    """Row counts of every table of the project (one query) and the newest audit event: two states are
    equal only when no row was added or removed anywhere, and no audited row was changed (any change of an
    audited row appends an ``AuditEvent``)."""
    from django.db import connection

    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT {_literal(t)}, count(*) FROM {quote(t)}" for t in tables)  # noqa: S608
    sql += " UNION ALL SELECT 'max(audit event)', coalesce(max(id), 0) FROM compostela_auditevent"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def state_difference(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {name: (before.get(name), count) for name, count in after.items() if before.get(name) != count}

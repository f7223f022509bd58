"""Rows of the domain apps for the trust tests, from the shared factories, and database states to compare."""

from __future__ import annotations

from datetime import date

from attendance.models import Attendance, AttendanceStatus
from clients.models import Client
from compostela.audit import event_models
from compostela.models import Office, User
from tests.factories import AttendanceFactory, ClientFactory


def make_client(office: Office, **fields) -> Client:
    """A client row alone, without a period of use: the audit tests count the events that one write makes."""
    return ClientFactory(office=office, service_period=False, **fields)


def make_attendance(client: Client, day: date, by: User, status: str = AttendanceStatus.ATTENDED) -> Attendance:
    return AttendanceFactory(client=client, day=day, status=status, updated_by=by)


def database_state() -> dict[str, int]:
    """Row counts of every table of the project (one query) and the number of audit events (the rows of the
    event tables): two states are equal only when no row was added or removed anywhere, and no tracked row
    was changed (any change of a tracked row appends an event)."""
    from django.db import connection

    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT {_literal(t)}, count(*) FROM {quote(t)}" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        state = dict(cursor.fetchall())
    state["audit events"] = sum(state[model._meta.db_table] for model in event_models())
    return state


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def state_difference(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {name: (before.get(name), count) for name, count in after.items() if before.get(name) != count}


def event_marker() -> set[str]:
    """The events recorded so far (their ``pgh_slug``), to tell the ones a call adds."""
    from compostela.models import AuditEvent

    return set(AuditEvent.objects.values_list("pgh_slug", flat=True))


def events_since(marker: set[str]) -> list:
    """The events recorded after ``event_marker()`` was taken, oldest first."""
    from compostela.models import AuditEvent

    events = AuditEvent.objects.order_by("pgh_created_at", "pgh_model", "pgh_id")
    return [event for event in events if event.pgh_slug not in marker]


def events_of(model, pk) -> list:
    """The events of one row, oldest first."""
    from compostela.models import AuditEvent

    return list(AuditEvent.objects.tracks(model(pk=pk)).order_by("pgh_id"))

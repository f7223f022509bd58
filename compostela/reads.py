"""The read log: every opening of a page of one client's sensitive records (要配慮個人情報) — who, when, which
client, which page — so that the office's manager can answer "who read this person's records" and "what
did this staff member open".

What counts as a read
* A GET (or HEAD) of one of the pages of ``ReadPage`` (the client page, the details form, health and
  benefits with the diagnoses, the career profile and its changes, the change history, the case-review
  details, the job-search page, a job and its follow-ups), once the client was found in the user's office
  and the role allowed it: the view calls ``record_read`` after ``get_object_or_404``, so a refusal (403,
  404) records nothing.
* An htmx fragment that shows one client's records (the case review's details panel) is a page view of its
  own: one read per request.  A POST is a write: the audit trail records it (``compostela.audit``), and
  the form it re-renders after a refusal was read with the GET before.
* The client list's CSV export with health data is recorded as a ``clients.SensitiveExport`` (which
  clients, which fields), shown next to the reads on the manager's page of a client.

Cheap: one INSERT per read, no read-modify-write, no validation query (the values come from the view, not
from a form).  Kept apart from the audit trail (``SensitiveRead`` is not tracked): the trail records
changes, and it would keep a copy of every purged read.  The application role may only SELECT and INSERT
the log (``manage.py db_roles``); ``manage.py purge_sensitive_reads``, run as the owner role, deletes reads
older than ``SENSITIVE_READ_RETENTION_DAYS`` and records each purge (``SensitiveReadPurge``, itself an
event of the trail).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from compostela.audit import audit_context
from compostela.models import Office, ReadPage, SensitiveRead, SensitiveReadPurge, User

SAFE_METHODS = ("GET", "HEAD")


def record_read(request: HttpRequest, *, client_id: int, page: ReadPage) -> None:
    """Record that the request's user opened ``page`` of the client ``client_id`` in the request's office.
    Call it once per view, after the client was found through ``scoped(request, ...)``.  A POST records
    nothing (see the module's docstring)."""
    if request.method not in SAFE_METHODS:
        return
    SensitiveRead.objects.create(
        office_id=request.office.pk, user_id=request.user.pk, client_id=client_id, page=page, path=request.path[:200]
    )


# --- selectors: the manager's screens ---------------------------------------------------------------------


def reads_of_client(*, office: Office, client_id: int) -> QuerySet[SensitiveRead]:
    """Who read the client's records in ``office``, newest first (index ``sensitive_read_office_client``)."""
    return (
        SensitiveRead.objects.filter(office=office, client_id=client_id).select_related("user").order_by("-at", "-pk")
    )


def reads_by_user(*, office: Office, user: User) -> QuerySet[SensitiveRead]:
    """What ``user`` opened in ``office``, newest first (index ``sensitive_read_office_user``)."""
    return SensitiveRead.objects.filter(office=office, user=user).order_by("-at", "-pk")


# --- the purge (manage.py purge_sensitive_reads) ----------------------------------------------------------


class PurgeRefused(Exception):
    """The connected database role may not delete reads: the purge runs as the owner role."""


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    deleted: int
    purge: SensitiveReadPurge


def may_delete_reads() -> bool:
    """Whether the connected database role may DELETE from the read log (the owner may, the app role not)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege(current_user, %s, 'DELETE')", [SensitiveRead._meta.db_table])
        return bool(cursor.fetchone()[0])


def _database_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a container without a passwd entry
        return ""


@transaction.atomic
def reads_purge(*, older_than_days: int, now: datetime | None = None) -> PurgeResult:
    """Delete the reads older than ``older_than_days`` days and record the purge (who ran it, when, the
    cutoff, how many rows), both or neither.  Refused (``PurgeRefused``) for a role without DELETE on the
    log, before anything is deleted."""
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    if not may_delete_reads():
        raise PurgeRefused(_database_role())
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    with audit_context(reason="command: purge_sensitive_reads"):
        deleted, _by_model = SensitiveRead.objects.filter(at__lt=cutoff).delete()
        purge = SensitiveReadPurge.objects.create(
            cutoff=cutoff, deleted=deleted, database_role=_database_role(), run_by=_os_user()[:150]
        )
    return PurgeResult(cutoff=cutoff, deleted=deleted, purge=purge)

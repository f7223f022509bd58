"""The audit trail: every create, change and delete of sensitive rows, kept by django-pghistory.

How it works
* Each model of the trail is decorated ``@track()`` (``pghistory.track`` with the TRUNCATE guard, below) in
  its app's ``models.py`` (the trackers, the context field and append-only are set once in settings,
  ``PGHISTORY_*``).  pghistory generates an event
  model per tracked model (``ClientEvent`` …, in the same app) and its migrations install the triggers
  (django-pgtrigger) that copy the row into the event table on INSERT, UPDATE (when a field changed) and
  DELETE.  A trigger cannot be skipped by any code path: ORM, bulk_create, raw SQL, psql.
* Who and why: ``pghistory.context`` hands a JSON document to the database with each writing statement
  (no extra query) and the trigger copies it into the event row (``PGHISTORY_CONTEXT_FIELD`` is a JSON
  field, so each event keeps the actor of its own write).  Its keys: ``user`` (a user's pk), ``reason``
  (the system actor, below), and for a web request ``url``, ``method`` and ``request`` (an id).
* The actor is an argument: every service that writes is decorated ``@audited(by="by")``, so its writes
  name the user it was given, wherever it is called from (a view, a command, a task, a test).  That user
  wins over the request's user and over the user of an enclosing ``audit_context`` for the service's own
  writes only; the rest of the context (the request, the command) is kept.
* Append-only: the event tables refuse UPDATE and DELETE by row trigger (``PGHISTORY_APPEND_ONLY``) and
  TRUNCATE by statement trigger (``track``), and in
  production the application connects as a role that owns no table and was granted only SELECT and
  INSERT on them (``manage.py db_roles``; README, "Production").
* Reading: ``compostela.models.AuditEvent`` (pghistory's ``Events`` across the event tables, with the
  user and reason of the context) and ``compostela.history``.

System actors: a write no person asked for has no user and its ``reason`` names the program, set with
``audit_context(reason=...)``:

* a management command: ``"command: <command name>"`` (an import adds the file name; a ``--user`` given to
  the command still names that person through the service's ``by``);
* a background task: ``"task: <task name>"``, with the user who asked for the job when the job knows it;
* a data migration: ``"migration: <app>.<migration name>"``.  The triggers are created by the migrations,
  so a data migration's writes are recorded once the table's event migration has run.

Adding a model to an app of ``AUDITED_APPS``: decorate it ``@track()`` and run makemigrations
(or list it in ``AUDIT_EXEMPT`` with the reason); a test fails otherwise.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar

import pghistory
import pgtrigger
from django.apps import apps
from django.db import connection
from django.db.models import Model
from pghistory.middleware import HistoryMiddleware
from pghistory.models import Event
from pghistory.trigger import Event as EventTrigger

AUDITED_APPS = ("compostela", "regulations", "clients", "attendance", "placements", "billing", "review")

# Models of the audited apps deliberately left out of the trail, with the reason (a test checks that every
# other model of these apps is tracked, so a new model cannot slip through unnoticed).
AUDIT_EXEMPT: dict[str, str] = {
    "compostela.AuditEvent": "the trail itself (a read-only view over the event tables)",
    "billing.GeneratedDocument": "a print job holding the finished file (bytes, copied into the trail on every "
    "progress update); it is made from tracked rows, and each download is recorded "
    "as an export",
    "compostela.User": "password hashes and last_login on every login; roles are tracked as Membership",
    "compostela.User_groups": "Django groups are not used for access (roles are Memberships)",
    "compostela.User_user_permissions": "Django permissions are not used for access (roles are Memberships)",
    "compostela.SensitiveRead": "the read log is append-only itself (the application role may only insert and "
    "select it); tracking it would copy every read into the trail and keep purged reads",
}


def audited_models() -> list[type[Model]]:
    """The models whose rows the trail records (each has an event model: ``Model.pgh_event_model``)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if getattr(model, "pgh_event_models", None) and not issubclass(model, Event)
    ]


def event_models() -> list[type[Event]]:
    """The event tables of the trail."""
    return [model for model in apps.get_models() if issubclass(model, Event)]


# --- The event tables -------------------------------------------------------------------------------

NO_TRUNCATE = "no_truncate"


def _no_truncate() -> pgtrigger.Trigger:
    """A statement-level trigger refusing ``TRUNCATE`` of an event table.  pghistory's append-only guard is
    a row trigger (UPDATE, DELETE), which ``TRUNCATE`` does not fire; this closes that gap for every role,
    the owner included.  Only ``pgtrigger.ignore`` (a deliberate, visible act — the test database's flush
    between transactional tests, ``tests/conftest.py``) passes it."""
    return pgtrigger.Trigger(
        name=NO_TRUNCATE,
        level=pgtrigger.Statement,
        when=pgtrigger.Before,
        operation=pgtrigger.Truncate,
        func="RAISE EXCEPTION 'the audit trail is append-only: TRUNCATE of % refused', TG_TABLE_NAME;",
    )


def track(*trackers, **options):
    """``pghistory.track`` for the trail: the trackers of the settings (``PGHISTORY_DEFAULT_TRACKERS``) unless
    given, UPDATE and DELETE refused (``PGHISTORY_APPEND_ONLY``) and TRUNCATE refused (``_no_truncate``).
    Every tracked model is decorated ``@track()``."""
    return pghistory.track(*trackers, meta={"triggers": [_no_truncate()]}, **options)


def truncate_guard_uris() -> list[str]:
    """The TRUNCATE guards of every event table, for ``pgtrigger.ignore``."""
    return [f"{model._meta.label}:{NO_TRUNCATE}" for model in event_models()]


# --- Who is writing --------------------------------------------------------------------------------


_depth: ContextVar[int] = ContextVar("compostela_audit_depth", default=0)


@contextlib.contextmanager
def _outermost() -> Iterator[None]:
    """pghistory hands the context to the database with ``set_config(..., is_local => true)``: it lasts
    until the end of the transaction.  When the outermost context ends inside a transaction that goes on
    (an atomic block around it, a test), clear it, so that later writes are not attributed to it; one
    statement, and only when the block wrote something."""
    depth = _depth.get()
    token = _depth.set(depth + 1)
    wrote = False

    def watch(execute, sql, params, many, context):
        nonlocal wrote
        wrote = wrote or not str(sql).lstrip()[:6].upper().startswith("SELECT")
        return execute(sql, params, many, context)

    try:
        if depth:
            yield
            return
        with connection.execute_wrapper(watch):
            yield
        if wrote and connection.in_atomic_block and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute(CLEAR_CONTEXT_SQL)
    finally:
        _depth.reset(token)


CLEAR_CONTEXT_SQL = (
    "SELECT set_config('pghistory.context_id', '', true), set_config('pghistory.context_metadata', '', true)"
)


@contextlib.contextmanager
def _acting(**metadata) -> Iterator[dict]:
    """Set ``metadata`` in the pghistory context for the writes inside the block, and put the enclosing
    context's values back afterwards (pghistory merges nested contexts into the outermost one)."""
    with _outermost(), pghistory.context() as current:
        saved = dict(current.metadata)
        current.metadata.update(metadata)
        try:
            yield current.metadata
        finally:
            current.metadata.clear()
            current.metadata.update(saved)


class AuditMiddleware(HistoryMiddleware):
    """Attributes every write made while handling a request to the request's user (pghistory's middleware;
    a login or logout inside the request updates the user), with the request's method, path and an id."""

    def get_context(self, request):
        request.audit_request_id = uuid.uuid4().hex[:12]
        return {**super().get_context(request), "method": request.method, "request": request.audit_request_id}

    def __call__(self, request):
        with _outermost():
            return super().__call__(request)


@contextlib.contextmanager
def audit_context(*, user=None, reason: str = "", bulk_seed: bool = False) -> Iterator[None]:
    """Attribute the writes inside the block to ``user`` with ``reason`` (management commands, tasks, data
    migrations: see "System actors" above):

        with audit_context(reason="command: import_clients"):
            import_clients(office=office, path=path, by=importer)  # @audited: the events name ``importer``

    A service's own ``by`` (``@audited``) wins over ``user`` for the writes of that service.

    ``bulk_seed=True`` turns the trail OFF for the writes inside the block (pgtrigger's ``ignore`` of the
    event triggers).  It exists only for the demo seeder (a million attendance rows of invented people); it
    is refused inside a web request, and must never be used for real data.
    """
    with contextlib.ExitStack() as stack:
        metadata = stack.enter_context(_acting())
        if bulk_seed and "url" in metadata:
            raise RuntimeError("audit_context(bulk_seed=True) is refused inside a web request.")
        metadata.update(user=getattr(user, "pk", user), reason=reason[:200])
        if bulk_seed:
            stack.enter_context(pgtrigger.ignore(*_event_trigger_uris()))
        yield


def _event_trigger_uris() -> list[str]:
    return [
        f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, EventTrigger)
    ]


def audited(*, by: str = "by") -> Callable[[Callable], Callable]:
    """Decorator of a service that writes: the audit events of its writes name the user passed in the
    argument ``by`` (``@audited(by="user")`` for a service whose actor argument has another name).

        @audited(by="by")
        @transaction.atomic
        def client_update(*, client: Client, data: dict, by: User) -> Client: ...

    The explicit user wins over the request's user (``AuditMiddleware``) and over the user of an enclosing
    ``audit_context``, so a service called from a command, a task or a test records the same person as from
    a view.  The enclosing reason (the command's name) and request are kept.  ``by=None`` (an import run by
    a command without ``--user``) leaves the enclosing actor as it is: the command's system actor."""

    def decorate(service: Callable) -> Callable:
        signature = inspect.signature(service)
        if by not in signature.parameters:
            raise TypeError(f"@audited: {service.__qualname__} has no argument {by!r}")

        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            user = kwargs[by] if by in kwargs else signature.bind(*args, **kwargs).arguments.get(by)
            user_pk = getattr(user, "pk", user)
            if user_pk is None:
                return service(*args, **kwargs)
            with _acting(user=user_pk):
                return service(*args, **kwargs)

        wrapper.audit_actor_argument = by  # read by the test that every writing service is audited
        return wrapper

    return decorate


# --- Exports ---------------------------------------------------------------------------------------


def audit_record_export(*, user, office, what: str, rows: int) -> None:
    """Record that ``user`` (None: the program of the enclosing ``audit_context``) exported ``rows`` rows of
    ``what`` (e.g. "billing month claim lines CSV"): an "export" event of the office (pghistory's manual
    event), with what and how many in its context."""
    actor = {"user": user.pk} if user is not None else {}
    with _acting(**actor, export={"what": what, "rows": rows}):
        pghistory.create_event(office, label="export")

"""The audit trail: every create, change and delete of sensitive rows, recorded by the database itself.

How it works
* Migration ``compostela.0002`` creates one PL/pgSQL function, ``compostela_audit_row()``, which writes an
  ``AuditEvent`` (table, row key, action, before and after as jsonb, user, office, client, day, context,
  transaction id) for each row an INSERT, UPDATE or DELETE touches.
* After every ``migrate`` (and test-database creation, and ``flush``), ``install_audit_triggers`` attaches
  that function as an AFTER ... FOR EACH ROW trigger to the table of every model in ``AUDITED_MODELS``
  that exists.  A trigger cannot be skipped by any code path: ORM, bulk_create, raw SQL, psql.
* Who: the request's user (``AuditUserMiddleware``) or the user given to ``audit_context`` (management
  commands, imports) is handed to the database as the session settings ``compostela.user_id`` and
  ``compostela.context``, which the trigger reads.  They are set on the connection just before each
  writing statement (not for reads, so a page that only reads costs no extra query) and cleared for
  writes made outside any request or context.
* The actor is an argument: every service that writes is decorated ``@audited(by="by")``, so its writes
  name the user it was given, wherever it is called from (a view, a command, a task, a test).  That user
  wins over the request's user and over the user of an enclosing ``audit_context``; the context text (the
  request, the command) is kept.

System actors: ``AuditEvent`` has no user for a program, so a write no person asked for has no user and
its ``context`` names the program, set with ``audit_context(reason=...)``:

* a management command: ``"command: <command name>"`` (an import adds the file name; a ``--user`` given to
  the command still names that person through the service's ``by``);
* a background task: ``"task: <task name>"``, with the user who asked for the job when the job knows it;
* a data migration: ``"migration: <app>.<migration name>"``.  ``install_audit_triggers`` runs on
  ``post_migrate``, so a table created in the same ``migrate`` run has no trigger yet while the migrations
  run and a data migration's writes to it are not recorded at all; the context matters for tables that
  already had the trigger (a database migrated earlier, a reversed and re-applied migration, the shipped
  tables reloaded after a ``flush``).

Adding a model: put its label in ``AUDITED_MODELS`` (labels whose model does not exist yet are skipped).
The office comes from the model's ``office_path``; the client from a ``client`` field, from the model
itself for ``clients.Client``, or from ``audit_client_path`` on the model (or ``AUDIT_CLIENT_PATHS``
here); the day from a ``day`` or ``month`` date field.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

AUDITED_MODELS: list[str] = [
    # clients: people, their periods, certificates, attendance, health, career profile, plans and notes
    "clients.Client",
    "clients.ServicePeriod",
    "clients.Certificate",
    "clients.SupportPlan",
    "clients.SupportPlanReview",
    "clients.CaseNote",
    "clients.Diagnosis",
    "clients.HealthRecord",
    "clients.HealthRecord_diagnoses",  # which diagnoses a client has (要配慮個人情報)
    "clients.SensitiveExport",
    "clients.CareerProfile",
    "clients.WorkHistoryEntry",
    "clients.CareerProfileChange",
    # attendance: the days billing is paid for, confirmations beyond the granted days, months closed by billing
    "attendance.Attendance",
    "attendance.GrantedDaysOverride",
    "attendance.ClosedMonth",
    # the morning case review
    "review.CaseReviewMark",
    "review.CaseReviewSettings",
    # the dated figures of the regulations (co-payment, reductions, caps …)
    "regulations.RegulatoryFigures",
    # placements: employers and the job-development log, the job search, hires and what follows them
    "placements.Employer",
    "placements.EmployerPerson",
    "placements.EmployerContact",
    "placements.EmployerContact_clients",
    "placements.JobApplication",
    "placements.Interview",
    "placements.Hire",
    "placements.FollowUpContact",
    "placements.Outreach",
    # billing: fee data, office settings, overrides, closings and the claim snapshot
    "billing.FeeSchedule",
    "billing.BasicFee",
    "billing.AddOnRate",
    "billing.AreaUnitPrice",
    "billing.OfficeFeeSettings",
    "billing.RetentionTierOverride",
    "billing.MonthClosing",
    "billing.ClaimLine",
    # who may see what: offices and roles
    "compostela.Office",
    "compostela.Membership",
    "compostela.OfficeCapacity",
]

# Models of the audited apps deliberately left out of the trail, with the reason (a test checks that every
# other model of these apps is audited, so a new model cannot slip through unnoticed).
AUDIT_EXEMPT: dict[str, str] = {
    "compostela.AuditEvent": "the trail itself (append-only)",
    "billing.GeneratedDocument": "a print job holding the finished file (bytes, copied into the trail on every "
                                 "progress update); it is made from audited rows, and each download is recorded "
                                 "as an export",
    "compostela.User": "password hashes and last_login on every login; roles are audited as Membership",
    "compostela.User_groups": "Django groups are not used for access (roles are Memberships)",
    "compostela.User_user_permissions": "Django permissions are not used for access (roles are Memberships)",
}
AUDITED_APPS = ("compostela", "regulations", "clients", "attendance", "placements", "billing", "review")

# How rows of a model reach their client when it has no ``client`` field (else set
# ``audit_client_path`` on the model).
AUDIT_CLIENT_PATHS: dict[str, str] = {
    "placements.FollowUpContact": "hire__client",
    "placements.Interview": "application__client",
    "clients.SupportPlanReview": "plan__client",
    "clients.HealthRecord_diagnoses": "healthrecord__client",
}

# How rows reach their office when the model has no ``office_path`` (auto-created many-to-many tables).
AUDIT_OFFICE_PATHS: dict[str, str] = {
    "clients.HealthRecord_diagnoses": "healthrecord__client__office",
    "placements.EmployerContact_clients": "client__office",
    "compostela.Membership": "office",
}

TRIGGER_NAME = "compostela_audit"
FUNCTION_NAME = "compostela_audit_row"
WRITE_PREFIXES = ("INSERT", "UPDATE", "DELETE", "WITH", "MERGE", "COPY")


# --- Who is writing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditActor:
    """Who the following writes are attributed to.  ``user_id`` is a callable so that a request's user is
    only looked up when the request actually writes (and is the logged-in user after a login)."""

    user_id: Callable[[], int | None]
    context: str
    bulk_seed: bool = False
    from_request: bool = False


_actor: ContextVar[AuditActor | None] = ContextVar("compostela_audit_actor", default=None)

_SET_SQL = (
    "SELECT set_config('compostela.user_id', %s, false), set_config('compostela.context', %s, false),"
    " set_config('compostela.audit_bulk_seed', %s, false)"
)


def _is_write(sql: str) -> bool:
    return sql.lstrip()[:6].upper().startswith(WRITE_PREFIXES)


def _hand_actor_to_database(execute, sql, params, many, context):
    """Execute wrapper installed on every connection: before a writing statement, set the session
    settings the trigger reads.  Runs on the raw cursor, so it is not counted as a query of the page."""
    connection = context["connection"]
    actor = _actor.get()
    if (actor is not None or getattr(connection, "_audit_settings_dirty", False)) and _is_write(sql):
        if actor is None:
            values = ("", "", "")
        else:
            user_id = actor.user_id()
            values = (str(user_id) if user_id else "", actor.context[:200], "on" if actor.bulk_seed else "")
        context["cursor"].cursor.execute(_SET_SQL, values)
        # Inside a transaction a rollback could bring an earlier value back: stay "dirty" until a clear
        # happens outside any transaction.
        connection._audit_settings_dirty = actor is not None or connection.in_atomic_block
    return execute(sql, params, many, context)


def _install_wrapper(sender, connection, **kwargs) -> None:
    if _hand_actor_to_database not in connection.execute_wrappers:
        connection.execute_wrappers.append(_hand_actor_to_database)


connection_created.connect(_install_wrapper, dispatch_uid="compostela_audit_wrapper")


class AuditUserMiddleware:
    """Attributes every write made while handling a request to the request's user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        def user_id() -> int | None:
            user = getattr(request, "user", None)
            return user.pk if user is not None and user.is_authenticated else None

        request_id = uuid.uuid4().hex[:12]
        request.audit_request_id = request_id
        actor = AuditActor(
            user_id=user_id, from_request=True, context=f"request {request_id} {request.method} {request.path}"
        )
        token = _actor.set(actor)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


@contextlib.contextmanager
def audit_context(*, user=None, reason: str = "", bulk_seed: bool = False) -> Iterator[None]:
    """Attribute the writes inside the block to ``user`` with ``reason`` (management commands, tasks, data
    migrations: see "System actors" above):

        with audit_context(reason="command: import_clients"):
            import_clients(office=office, path=path, by=importer)  # @audited: the events name ``importer``

    A service's own ``by`` (``@audited``) wins over ``user`` for the writes of that service.

    ``bulk_seed=True`` turns the trail OFF for the writes inside the block.  It exists only for the demo
    seeder (a million attendance rows of invented people); it is refused inside a web request, and must
    never be used for real data.
    """
    current = _actor.get()
    in_request = current is not None and current.from_request
    if bulk_seed and in_request:
        raise RuntimeError("audit_context(bulk_seed=True) is refused inside a web request.")
    user_pk = getattr(user, "pk", user)
    token = _actor.set(
        AuditActor(user_id=lambda: user_pk, context=reason, bulk_seed=bulk_seed, from_request=in_request)
    )
    try:
        yield
    finally:
        _actor.reset(token)


def audited(*, by: str = "by") -> Callable[[Callable], Callable]:
    """Decorator of a service that writes: the audit events of its writes name the user passed in the
    argument ``by`` (``@audited(by="user")`` for a service whose actor argument has another name).

        @audited(by="by")
        @transaction.atomic
        def client_update(*, client: Client, data: dict, by: User) -> Client: ...

    The explicit user wins over the request's user (``AuditUserMiddleware``) and over the user of an
    enclosing ``audit_context``, so a service called from a command, a task or a test records the same
    person as from a view.  The enclosing context text (the request, the command's name) and the bulk-seed
    switch are kept.  ``by=None`` (an import run by a command without ``--user``) leaves the enclosing actor
    as it is: the command's system actor."""

    def decorate(service: Callable) -> Callable:
        signature = inspect.signature(service)
        if by not in signature.parameters:
            raise TypeError(f"@audited: {service.__qualname__} has no argument {by!r}")

        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            user = kwargs[by] if by in kwargs else signature.bind(*args, **kwargs).arguments.get(by)
            with _acting_user(user):
                return service(*args, **kwargs)

        wrapper.audit_actor_argument = by  # read by the test that every writing service is audited
        return wrapper

    return decorate


@contextlib.contextmanager
def _acting_user(user) -> Iterator[None]:
    user_pk = getattr(user, "pk", user)
    if user_pk is None:
        yield
        return
    current = _actor.get()
    token = _actor.set(AuditActor(
        user_id=lambda: user_pk,
        context=current.context if current else "",
        bulk_seed=current.bulk_seed if current else False,
        from_request=current.from_request if current else False,
    ))
    try:
        yield
    finally:
        _actor.reset(token)


# --- Exports ---------------------------------------------------------------------------------------


def audit_record_export(*, user, office, what: str, rows: int) -> None:
    """Record that ``user`` exported ``rows`` rows of ``what`` (e.g. "clients health and benefits CSV")."""
    from compostela.models import AuditAction, AuditEvent

    actor = _actor.get()
    AuditEvent.objects.create(
        action=AuditAction.EXPORT, table_name="", row_pk="", after={"what": what, "rows": rows},
        user=user, office=office, context=(actor.context if actor else "")[:200],
    )


# --- Triggers --------------------------------------------------------------------------------------


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _path_spec(model: type[Model], path: str | None, using: str) -> tuple[str, str]:
    """(column of the row, lookup SQL taking that column's value as $1) for a path such as ``office``,
    ``pk`` or ``client__office``.  ('', '') when there is no path."""
    if not path:
        return "", ""
    if path == "pk":
        return model._meta.pk.column, ""
    first, _, rest = path.partition("__")
    first_field = model._meta.get_field(first)
    if not rest:
        return first_field.column, ""
    related = first_field.related_model
    query = related._base_manager.using(using).filter(pk=0).order_by().values_list(rest, flat=True).query
    sql, params = query.sql_with_params()
    if list(params) != [0] or sql.count("%s") != 1:
        raise ValueError(f"cannot build an audit lookup for {model._meta.label}.{path}")
    pk_type = related._meta.pk.rel_db_type(connections[using])
    return first_field.column, sql.replace("%s", f"$1::{pk_type}")


def _client_path(model: type[Model]) -> str | None:
    if model._meta.label == "clients.Client":
        return "pk"
    explicit = getattr(model, "audit_client_path", None) or AUDIT_CLIENT_PATHS.get(model._meta.label)
    if explicit:
        return explicit
    names = {f.name for f in model._meta.get_fields()}
    return "client" if "client" in names else None


def _day_column(model: type[Model]) -> str:
    for name in ("day", "month"):
        try:
            return model._meta.get_field(name).column
        except Exception:  # noqa: S112 - FieldDoesNotExist: try the next name
            continue
    return ""


def audited_models() -> list[type[Model]]:
    """The models of AUDITED_MODELS that exist in this code base."""
    found = []
    for label in AUDITED_MODELS:
        try:
            found.append(apps.get_model(label))
        except LookupError:
            continue
    return found


def trigger_arguments(model: type[Model], using: str = DEFAULT_DB_ALIAS) -> list[str]:
    office_path = getattr(model, "office_path", None) or AUDIT_OFFICE_PATHS.get(model._meta.label)
    office_column, office_sql = _path_spec(model, office_path, using)
    client_column, client_sql = _path_spec(model, _client_path(model), using)
    return [model._meta.pk.column, office_column, office_sql, client_column, client_sql, _day_column(model)]


def install_audit_triggers(using: str = DEFAULT_DB_ALIAS, **kwargs) -> list[str]:
    """(Re)create the audit trigger on every audited table and drop it from tables no longer audited.
    Returns the audited table names.  Connected to post_migrate in CompostelaConfig.ready()."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = %s", [FUNCTION_NAME])
        if cursor.fetchone() is None:
            return []  # migrated to a state before the audit trail
        existing = set(connection.introspection.table_names(cursor))
        tables = []
        for model in audited_models():
            table = model._meta.db_table
            if table not in existing:
                continue
            arguments = ", ".join(_sql_literal(a) for a in trigger_arguments(model, using))
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER_NAME} AFTER INSERT OR UPDATE OR DELETE "  # noqa: S608
                f"ON {connection.ops.quote_name(table)} FOR EACH ROW EXECUTE FUNCTION {FUNCTION_NAME}({arguments})"
            )
            tables.append(table)
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
            [TRIGGER_NAME],
        )
        for (table,) in cursor.fetchall():
            if table not in tables:
                cursor.execute(f"DROP TRIGGER {TRIGGER_NAME} ON {connection.ops.quote_name(table)}")
    return tables

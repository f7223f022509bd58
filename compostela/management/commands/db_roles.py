"""Create the two database roles of a production installation and grant their rights (README, "Production").

* The owner (migrator) role owns the schema and every table; ``migrate`` runs as it.
* The application role is the one the web server and the workers connect as.  It owns nothing, may read and
  write the application's tables, but on the audit trail's event tables and the read log it may only SELECT
  and INSERT (the triggers insert in its name): no UPDATE, DELETE or TRUNCATE, so the trail is append-only for the
  application whatever its code does.  It may TRUNCATE no table and create nothing.

Run it as the owner (or a superuser) after every ``migrate`` (``make db-roles``): new tables get their
rights then.  Until then a new table is only readable and insertable by the application role (default
privileges), which never opens an event table to changes.  The embedded development database keeps one
role and does not need it.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from psycopg import sql

from compostela.audit import event_models
from compostela.models import SensitiveRead, SensitiveReadPurge

OWNER_ROLE = "compostela_owner"
APP_ROLE = "compostela_app"
APP_WRITES = "SELECT, INSERT, UPDATE, DELETE"
TRAIL_WRITES = "SELECT, INSERT"


def trail_tables() -> list[str]:
    """The tables the application may only read and append to: the event tables (and pghistory's context
    table, which this installation leaves empty: the context is copied into each event), the read log and
    the record of its purges (``compostela.reads``: only ``purge_sensitive_reads``, run as the owner, deletes
    old reads)."""
    read_log = {SensitiveRead._meta.db_table, SensitiveReadPurge._meta.db_table}
    return sorted({model._meta.db_table for model in event_models()} | {"pghistory_context"} | read_log)


class Command(BaseCommand):
    help = (
        "Create the owner (migrator) role and the application role if missing and grant the application "
        "role its rights: the audit trail's event tables only SELECT and INSERT."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--owner-role",
            default="",
            help=f"Owner of the schema and tables (default: the connected role; e.g. {OWNER_ROLE}). "
            "Another role than the connected one is created if missing (password from "
            "DB_OWNER_PASSWORD) and made owner of everything (needs a superuser).",
        )
        parser.add_argument(
            "--app-role",
            default=APP_ROLE,
            help="The role the application connects as (created if missing, password from DB_APP_PASSWORD).",
        )
        parser.add_argument("--database", default="default", help="Database alias (settings.DATABASES).")

    def handle(self, *args, owner_role, app_role, database, **options):
        connection = connections[database]
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            current, database_name = cursor.fetchone()
            owner = owner_role or current
            if owner == app_role:
                raise CommandError("The application role must not be the owner role.")
            run = _Runner(cursor, connection.connection)
            run.create_role(owner, os.environ.get("DB_OWNER_PASSWORD", ""))
            run.create_role(app_role, os.environ.get("DB_APP_PASSWORD", ""))
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = sorted(row[0] for row in cursor.fetchall())
            cursor.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
            sequences = sorted(row[0] for row in cursor.fetchall())
            if owner != current:
                run("ALTER DATABASE {} OWNER TO {}", database_name, owner)
                run("ALTER SCHEMA public OWNER TO {}", owner)
                for table in tables:
                    run("ALTER TABLE {} OWNER TO {}", table, owner)
            trail = [table for table in trail_tables() if table in tables]
            run("GRANT CONNECT ON DATABASE {} TO {}", database_name, app_role)
            run("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
            run("REVOKE CREATE ON SCHEMA public FROM {}", app_role)
            run("GRANT USAGE ON SCHEMA public TO {}", app_role)
            for table in tables:
                run("REVOKE ALL ON TABLE {} FROM {}", table, app_role)
                run(f"GRANT {TRAIL_WRITES if table in trail else APP_WRITES} ON TABLE {{}} TO {{}}", table, app_role)
            for sequence in sequences:
                run("GRANT USAGE, SELECT ON SEQUENCE {} TO {}", sequence, app_role)
            # tables and sequences a later migrate makes: readable and insertable until this runs again
            run(
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {{}} IN SCHEMA public GRANT {TRAIL_WRITES} ON TABLES TO {{}}",
                owner,
                app_role,
            )
            run(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}",
                owner,
                app_role,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Owner role {owner}; application role {app_role}: {len(tables) - len(trail)} tables read and written, "
                f"{len(trail)} audit tables only read and appended to."
            )
        )


class _Runner:
    """Runs DDL with quoted role and table names."""

    def __init__(self, cursor, raw_connection):
        self.cursor = cursor
        self.raw = raw_connection

    def __call__(self, template: str, *names: str) -> None:
        statement = sql.SQL(template).format(*(sql.Identifier(name) for name in names))
        self.cursor.execute(statement.as_string(self.raw))

    def create_role(self, role: str, password: str) -> None:
        self.cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if self.cursor.fetchone() is not None:
            return
        statement = sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role))
        if password:
            statement = sql.SQL("{} PASSWORD {}").format(statement, sql.Literal(password))
        self.cursor.execute(statement.as_string(self.raw))

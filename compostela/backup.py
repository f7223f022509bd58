"""Backups: a compressed ``pg_dump`` (custom format) of the database, and its restore into an empty one.

With the embedded PostgreSQL (``DATABASE_URL`` unset) the ``pg_dump``/``pg_restore`` shipped with the
``pgserver`` wheel are used, so client and server versions match; otherwise the system's.  Used by
``manage.py backup_db`` / ``restore_db`` and ``make backup`` / ``make restore FILE=…``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone


class BackupError(Exception):
    pass


def pg_binary(name: str) -> str:
    if getattr(settings, "EMBEDDED_DATABASE", False):
        import pgserver

        binary = Path(pgserver.__file__).resolve().parent / "pginstall" / "bin" / name
        if binary.is_file():
            return str(binary)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client (apt-get install postgresql-client).")
    return found


def _connection_parameters(settings_dict: dict) -> dict[str, str]:
    options = settings_dict.get("OPTIONS", {})
    params = {
        "host": settings_dict.get("HOST") or options.get("host", ""),
        "port": str(settings_dict.get("PORT") or options.get("port", "")),
        "user": settings_dict.get("USER") or "",
        "password": settings_dict.get("PASSWORD") or "",
        "sslmode": options.get("sslmode", ""),
    }
    return {key: value for key, value in params.items() if value}


def _libpq_env(settings_dict: dict) -> dict[str, str]:
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD", "sslmode": "PGSSLMODE"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({names[key]: value for key, value in _connection_parameters(settings_dict).items()})
    return env


def _connect(settings_dict: dict, dbname: str) -> psycopg.Connection:
    return psycopg.connect(dbname=dbname, autocommit=True, **_connection_parameters(settings_dict))


def backup_database(*, output_dir: Path, using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write ``compostela-<database>-<YYYYmmdd-HHMMSS>.dump`` (pg_dump custom format, compressed)."""
    settings_dict = connections[using].settings_dict
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = output_dir / f"compostela-{settings_dict['NAME']}-{stamp}.dump"
    partial = target.with_suffix(".dump.partial")
    command = [pg_binary("pg_dump"), "--format=custom", "--compress=6", "--no-owner", "--file", str(partial),
               "--dbname", settings_dict["NAME"]]
    result = subprocess.run(command, env=_libpq_env(settings_dict), capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    partial.rename(target)  # a file named .dump is always complete
    target.chmod(0o600)  # it holds every client's sensitive data
    return target


def database_exists(settings_dict: dict, name: str) -> bool:
    with _connect(settings_dict, settings_dict["NAME"]) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def database_is_empty(settings_dict: dict, name: str) -> bool:
    """True when the database holds no table, view, sequence or function of its own."""
    with _connect(settings_dict, name) as conn:
        (count,) = conn.execute(
            "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            "        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'"
            "        AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f'))"
            " + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            "    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema'))"
        ).fetchone()
    return count == 0


def restore_database(*, dump: Path, database: str | None = None, using: str = DEFAULT_DB_ALIAS) -> str:
    """Restore ``dump`` into ``database`` (created when missing) or, without a name, into the configured
    database.  Refuses a database that is not empty.  Returns the database name."""
    settings_dict = connections[using].settings_dict
    if not dump.is_file():
        raise BackupError(f"No such backup file: {dump}")
    name = database or settings_dict["NAME"]
    if database and not database_exists(settings_dict, database):
        with _connect(settings_dict, settings_dict["NAME"]) as conn:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(database)))
    if not database_is_empty(settings_dict, name):
        raise BackupError(
            f"Database {name!r} is not empty: restore only into an empty database "
            "(give a new database name with --name NAME)."
        )
    command = [pg_binary("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction", "--dbname", name,
               str(dump)]
    result = subprocess.run(command, env=_libpq_env(settings_dict), capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    return name

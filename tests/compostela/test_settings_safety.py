"""Rules: production settings refuse an unset SECRET_KEY; the database is PostgreSQL, never SQLite."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def run_settings(**env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    env.update({"COMPOSTELA_ENV_FILE": "/nonexistent/.env", "DJANGO_SETTINGS_MODULE": "compostela.settings"})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('settings loaded')"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_settings_refuse_to_run_without_secret_key_when_debug_is_off():
    result = run_settings(DEBUG="false", DATABASE_URL="postgres://u:p@127.0.0.1:1/x")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_refuse_a_sqlite_database_url():
    result = run_settings(DEBUG="false", SECRET_KEY="x" * 50, DATABASE_URL="sqlite:///tmp/db.sqlite3")
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_production_settings_load_with_a_secret_key():
    result = run_settings(DEBUG="false", SECRET_KEY="x" * 50, DATABASE_URL="postgres://u:p@127.0.0.1:1/x")
    assert result.returncode == 0, result.stderr
    assert "settings loaded" in result.stdout


def test_the_test_database_is_postgresql(db):
    assert connection.vendor == "postgresql"
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert int(cursor.fetchone()[0].split(".")[0]) >= 15


def test_no_sqlite_engine_is_configured_anywhere():
    assert all("sqlite" not in db["ENGINE"] for db in settings.DATABASES.values())

"""Rule: with production settings, ``manage.py check --deploy`` reports nothing (not even a warning)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_with_production_settings_reports_nothing():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SESSION_", "SECURE_", "CSRF_"))}
    env.update({
        "COMPOSTELA_ENV_FILE": "/nonexistent/.env",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "compostela.example.jp",
        "CSRF_TRUSTED_ORIGINS": "https://compostela.example.jp",
        "DATABASE_URL": "postgres://compostela:secret@db.invalid:5432/compostela",  # check does not connect
    })
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout

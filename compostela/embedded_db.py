"""The embedded PostgreSQL server used when ``DATABASE_URL`` is unset.

Development, ``make run`` and the test suite all use this: the project starts (or reuses) its own
PostgreSQL from the ``pgserver`` wheel, with its data in ``.pgdata/`` beside ``manage.py``.  The
server keeps running after the process that started it exits, so the next command reuses it in a
few milliseconds.  There is no SQLite path: see ``settings.py``.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DEFAULT_DATABASE_NAME = "compostela"


def embedded_database_url(pgdata: Path, database: str = DEFAULT_DATABASE_NAME) -> str:
    """Start or reuse the embedded server for ``pgdata`` and return a libpq URL for ``database``.

    The database is created when missing.  The URL uses the server's Unix socket, so no TCP
    port is opened.
    """
    # pgserver keeps its lock file in the user's runtime directory; give it one when the machine has none.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = Path(tempfile.gettempdir()) / f"compostela-runtime-{os.getuid()}"
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import pgserver
        except ImportError as missing:  # a production install (requirements.lock alone) has no pgserver
            raise ImproperlyConfigured(
                "DATABASE_URL is not set, and the embedded PostgreSQL (pgserver, a development package in "
                "requirements-dev.lock) is not installed: set DATABASE_URL to the production database."
            ) from missing

    server = pgserver.get_server(pgdata, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    socket_dir = server.get_uri().split("host=", 1)[1]
    return f"postgres://postgres@/{database}?host={socket_dir}"

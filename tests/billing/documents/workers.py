"""Real worker processes for the worker tests: ``python -m tests.billing.documents.worker_main`` on the test
database (the test must be transactional, so the worker sees its rows)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

TIMEOUT = 180  # seconds: a worker starts Django in a few seconds, much slower on a busy CI machine


def test_database_url() -> str:
    params = connection.get_connection_params()  # what the test's own connection uses (HOST or OPTIONS)
    user = quote(params.get("user") or "", safe="")
    if params.get("password"):
        user += ":" + quote(params["password"], safe="")
    host = params.get("host") or ""
    if not host or host.startswith("/"):  # a Unix socket (the embedded server)
        return f"postgres://{user}@/{params['dbname']}" + (f"?host={host}" if host else "")
    return f"postgres://{user}@{host}:{params.get('port') or 5432}/{params['dbname']}"


class Worker:
    def __init__(self, *args: str, log: Path):
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.billing.documents.worker_main", *args],
            cwd=settings.BASE_DIR,
            env={**os.environ, "DATABASE_URL": test_database_url()},
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when the machine or the OOM killer stops it."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(TIMEOUT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # an idle worker stops at once
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def clear_the_queue() -> None:
    """Empty Procrastinate's tables after a test with workers: Django's flush between transactional tests
    skips them (unmanaged models), and a job or worker left over would be the next test's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_workers, procrastinate_periodic_defers, procrastinate_events"
        )


def wait_until(condition: Callable[[], object], *, what: str, workers: list[Worker] = ()) -> object:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        for worker in workers:
            assert worker.process.poll() is None, f"the worker stopped:\n{worker.log.read_text()[-3000:]}"
        time.sleep(0.2)
    logs = "\n".join(worker.log.read_text()[-3000:] for worker in workers)
    raise AssertionError(f"timed out waiting until {what}\n{logs}")

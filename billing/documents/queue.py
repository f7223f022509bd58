"""A django-tasks backend for the billing documents: the job's ``GeneratedDocument`` row is the durable
queue entry, so enqueueing stores nothing more — a worker process makes waiting documents:

    python manage.py billing_documents_worker        # production: run it beside the web server (systemd)

django-tasks 0.12 no longer ships its database backend (it moved to the separate ``django-tasks-db``
package, not in requirements.lock); this small backend keeps the documents off the request without a new
dependency.  With ``OPTIONS = {"run_in_thread": True}`` (the default when DEBUG is on, so ``make run``
needs no second process) enqueueing also starts a thread that makes the waiting documents in this
process.  Tests use the ImmediateBackend or call the task directly."""

from __future__ import annotations

import threading

from django.db import close_old_connections
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

_thread_lock = threading.Lock()


class DocumentQueueBackend(BaseTaskBackend):
    supports_defer = False
    supports_get_result = False

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self.run_in_thread = bool(self.options.get("run_in_thread", False))

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        if self.run_in_thread:
            threading.Thread(target=_run_waiting, name="billing-documents", daemon=True).start()
        return TaskResult(task=task, id=get_random_id(), status=TaskResultStatus.READY, enqueued_at=None,
                          started_at=None, last_attempted_at=None, finished_at=None, args=list(args),
                          kwargs=dict(kwargs), backend=self.alias, errors=[], worker_ids=[])


def _run_waiting() -> None:
    from billing.documents.services import billing_documents_run_queued

    with _thread_lock:  # one document at a time in this process
        try:
            billing_documents_run_queued()
        finally:
            close_old_connections()

"""Rule: billing documents are made by real worker processes (Procrastinate).  A worker killed mid-document
(SIGKILL: no clean-up at all) never leaves the document "being made" for ever — Procrastinate finds the job
stalled from the worker's missing heartbeats and the sweep makes it again in another worker, or, after
``STALLED_RETRIES``, fails it with the reason; two workers never make the same document; the progress a
worker writes reaches the page.

Each test starts its own workers (the ``workers`` fixture) on the test database and stops them at the end."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.urls import reverse
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob, ProcrastinateWorker

from billing.documents import services
from billing.documents.services import billing_document_request, billing_documents_recover_stalled, document_lock
from billing.documents.tasks import generate_billing_document
from billing.models import DocumentStatus, GeneratedDocument
from tests.billing.documents.conftest import MAY
from tests.billing.documents.workers import wait_until

pytestmark = pytest.mark.django_db(transaction=True)
HEARTBEAT_GONE = 2  # seconds; the test workers beat every 0.5 s (worker_main.py)


def status_of(http, document) -> dict:
    return http.get(reverse("billing:document_status", args=[document.pk])).json()


def stall_and_kill(workers, document, manager_client) -> dict:
    """A worker takes the document, reports its first step and is killed; returns what the page said."""
    worker = workers("stall")
    wait_until(
        lambda: status_of(manager_client, document)["percent"] == 25,
        what="the worker reports progress",
        workers=[worker],
    )
    seen = status_of(manager_client, document)
    worker.kill()
    return seen


def sweep() -> dict:
    """The periodic sweep as a worker runs it (its own event loop and the worker's connector), once the
    killed worker's heartbeat is old enough.  In a thread of its own: the browser tests' Playwright keeps an
    event loop running in this one."""
    time.sleep(HEARTBEAT_GONE + 0.5)

    async def run() -> dict:
        try:
            with app.replace_connector(app.connector.get_worker_connector()):
                async with app.open_async():
                    return await billing_documents_recover_stalled(seconds_since_heartbeat=HEARTBEAT_GONE)
        finally:  # the ORM's connection of that thread, so the test database can be dropped at the end
            await sync_to_async(connections.close_all)()

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, run()).result()


def test_a_document_whose_worker_is_killed_is_made_by_another_worker(known_month, world, manager_client, workers):
    document = billing_document_request(office=world.office, kind="month_summary", month=MAY, by=world.manager)
    # when a worker takes it, reports its first step — which the page shows — and is killed with SIGKILL
    seen = stall_and_kill(workers, document, manager_client)
    assert (seen["status"], seen["percent"]) == ("running", 25)
    assert seen["label"] == "レイアウト中"  # STEP_LAYOUT, in the manager's Japanese
    page = manager_client.get(reverse("billing:index") + "?month=2024-05").content.decode()
    assert 'value="25"' in page
    # then the dead worker left it "being made" — until the sweep finds the job stalled
    document.refresh_from_db()
    assert document.status == DocumentStatus.RUNNING
    assert sweep() == {document.pk: DocumentStatus.QUEUED}
    document.refresh_from_db()
    assert (document.status, document.percent, document.progress_label) == (
        DocumentStatus.QUEUED,
        0,
        services.STEP_RESTART,
    )
    # and another worker makes it
    worker = workers("plain")
    wait_until(
        lambda: GeneratedDocument.objects.get(pk=document.pk).status == DocumentStatus.DONE,
        what="the document is made",
        workers=[worker],
    )
    document.refresh_from_db()
    assert document.pages == 1 and bytes(document.content).startswith(b"%PDF")
    assert status_of(manager_client, document)["percent"] == 100


def test_a_document_whose_workers_keep_dying_fails_with_the_reason(
    known_month, world, manager_client, workers, monkeypatch
):
    monkeypatch.setattr(services, "STALLED_RETRIES", 1)
    document = billing_document_request(office=world.office, kind="month_summary", month=MAY, by=world.manager)
    # when its worker is killed, it is made again; when that worker is killed too, it fails
    stall_and_kill(workers, document, manager_client)
    assert sweep() == {document.pk: DocumentStatus.QUEUED}
    stall_and_kill(workers, document, manager_client)
    assert sweep() == {document.pk: DocumentStatus.FAILED}
    # with the reason on the page, and its job is failed in the queue (no worker takes it again)
    document.refresh_from_db()
    assert (document.status, document.error) == (DocumentStatus.FAILED, services.WORKER_STOPPED)
    assert "管理者" in status_of(manager_client, document)["error"]
    jobs = ProcrastinateJob.objects.filter(lock=document_lock(document.pk))
    assert list(jobs.values_list("status", "attempts")) == [("failed", 2)]


def test_two_workers_never_make_the_same_document(world, workers, tmp_path):
    log = tmp_path / "made.txt"
    log.touch()
    started = [workers("record", str(log)) for _ in range(2)]
    wait_until(lambda: ProcrastinateWorker.objects.count() == 2, what="both workers are up", workers=started)
    # when eight documents are asked for, and each job is deferred a second time (a double click, a retry)
    documents = [
        billing_document_request(office=world.office, kind="followup", year=2024, by=world.manager) for _ in range(8)
    ]
    for document in documents:
        generate_billing_document.configure(lock=document_lock(document.pk)).defer(document_id=document.pk)
    # then every document is made, each exactly once
    wait_until(
        lambda: not ProcrastinateJob.objects.filter(status__in=["todo", "doing"]).exists(),
        what="the queue is empty",
        workers=started,
    )
    made = [line.split() for line in log.read_text().splitlines()]
    assert sorted(int(document_id) for _, document_id in made) == sorted(d.pk for d in documents)
    assert set(GeneratedDocument.objects.values_list("status", flat=True)) == {DocumentStatus.DONE}
    print(f"documents made per worker: { {pid: sum(1 for p, _ in made if p == pid) for pid, _ in made} }")

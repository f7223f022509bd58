"""Rule: a month's documents are made by a background task that reports progress; the finished file can
be downloaded again, by managers of the office only.  (The real workers: test_worker.py.)"""

import pytest
from django.urls import reverse
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from billing.documents.services import billing_document_request, document_lock
from billing.documents.tasks import generate_billing_document, recover_stalled_documents
from billing.models import DocumentStatus, GeneratedDocument
from compostela.history import audit_exports
from tests.billing.documents.conftest import MAY
from tests.conftest import logged_in
from tests.pdf_reading import pdf_text

pytestmark = pytest.mark.django_db


def run_waiting_jobs() -> int:
    """What a worker does with the jobs waiting in the queue, here in the test's transaction (the real
    workers run in test_worker.py)."""
    jobs = list(ProcrastinateJob.objects.filter(status="todo").order_by("id"))
    for job in jobs:
        app.tasks[job.task_name](**job.args)
    return len(jobs)


def test_asking_for_the_summary_defers_one_job_under_the_documents_lock(known_month, manager_client):
    # when the manager asks for the claim summary
    response = manager_client.post(reverse("billing:document_new"), {"kind": "month_summary", "month": "2024-05"})
    # then the page is the month's, the document waits, and one job of it waits in the queue
    assert response.status_code == 302 and "month=2024-05" in response["Location"]
    document = GeneratedDocument.objects.get()
    assert document.status == DocumentStatus.QUEUED
    (job,) = ProcrastinateJob.objects.filter(args__document_id=document.pk)
    assert (job.task_name, job.args, job.lock, job.status) == (
        generate_billing_document.name, {"document_id": document.pk}, document_lock(document.pk), "todo")


def test_the_stalled_job_sweep_runs_every_minute():
    (periodic,) = [p for p in app.periodic_registry.periodic_tasks.values()
                   if p.task.name == recover_stalled_documents.name]
    assert periodic.cron == "* * * * *"


def test_asking_for_the_summary_makes_it_in_the_task_and_it_downloads_again(known_month, manager_client):
    # when the manager asks for the claim summary, and the job runs
    manager_client.post(reverse("billing:document_new"), {"kind": "month_summary", "month": "2024-05"})
    assert run_waiting_jobs() == 1
    # then the document is made
    document = GeneratedDocument.objects.get()
    assert (document.status, document.percent, document.pages) == (DocumentStatus.DONE, 100, 1)
    status = manager_client.get(reverse("billing:document_status", args=[document.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100
    assert status["download_url"] == reverse("billing:document_download", args=[document.pk])
    # and it can be downloaded — twice — and each download is recorded
    for _ in range(2):
        download = manager_client.get(status["download_url"])
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        assert "billing-0110000001-2024-05-summary.pdf" in download["Content-Disposition"]
        assert "124,673円" in pdf_text(download.content)
    assert audit_exports().filter(pgh_context__export__what__startswith="billing document").count() == 2
    # and the month page lists it with its link
    page = manager_client.get(reverse("billing:index") + "?month=2024-05").content.decode()
    assert status["download_url"] in page


def test_the_task_makes_the_waiting_document_and_progress_moves(known_month, world):
    document = billing_document_request(office=world.office, kind="month_records", month=MAY, by=world.manager)
    assert document.status == DocumentStatus.QUEUED and document.percent == 0
    seen = []
    from billing.documents import pdfs

    original = pdfs.billing_month_pdf_file

    def spy(**kwargs):
        progress = kwargs.pop("progress")

        def record(done, total, label):
            progress(done, total, label)
            seen.append(GeneratedDocument.objects.get(pk=document.pk).percent)

        return original(progress=record, **kwargs)

    pdfs.billing_month_pdf_file = spy
    try:
        assert run_waiting_jobs() == 1
    finally:
        pdfs.billing_month_pdf_file = original
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE and document.pages == 2
    assert seen == [0, 25, 75, 100]
    # a second job of a done document makes nothing
    assert generate_billing_document(document_id=document.pk) == "skipped"


def test_the_followup_report_is_made_by_the_task(known_month, world):
    billing_document_request(office=world.office, kind="followup", year=2024, by=world.manager)
    run_waiting_jobs()
    assert GeneratedDocument.objects.get().status == DocumentStatus.DONE


def test_a_failing_document_is_recorded_as_failed(world):
    document = billing_document_request(office=world.office, kind="month_all", month=MAY, by=world.manager)
    from billing.documents import services

    original = services._make

    def boom(*args):
        raise RuntimeError("font missing")

    services._make = boom
    try:
        run_waiting_jobs()
    finally:
        services._make = original
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED and "font missing" in document.error


@pytest.mark.parametrize("who,code", [("outsider", 404), ("staff", 403), ("supervisor", 403)])
def test_documents_are_the_office_managers_only(world, who, code):
    document = GeneratedDocument.objects.create(
        office=world.office, kind="month_summary", month=MAY, requested_by=world.manager, status="done",
        content=b"%PDF-1.7", size=8, filename="x.pdf", content_type="application/pdf")
    http = logged_in(getattr(world, who))
    assert http.get(reverse("billing:document_download", args=[document.pk])).status_code == code
    assert http.get(reverse("billing:document_status", args=[document.pk])).status_code == code
    assert not audit_exports().exists()


def test_other_office_cannot_ask_for_a_stored_version_of_this_office(world, outsider_client):
    from django.utils import timezone

    from billing.models import MonthClosing

    MonthClosing.objects.create(office=world.office, month=MAY, version=1, closed_at=timezone.now(),
                                closed_by=world.manager)
    response = outsider_client.post(reverse("billing:document_new"),
                                    {"kind": "month_all", "month": "2024-05", "version": "1"})
    assert response.status_code == 404
    assert not GeneratedDocument.objects.exists() and not ProcrastinateJob.objects.exists()

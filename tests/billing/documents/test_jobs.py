"""Rule: a month's documents are made by a background task that reports progress; the finished file can
be downloaded again, by managers of the office only."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from billing.documents.services import billing_document_request, billing_documents_run_queued
from billing.models import DocumentStatus, GeneratedDocument
from compostela.history import audit_exports
from compostela.pdf import pdf_text
from tests.billing.documents.conftest import MAY
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
QUEUE = {"default": {"BACKEND": "billing.documents.queue.DocumentQueueBackend"}}


def test_asking_for_the_summary_makes_it_in_the_task_and_it_downloads_again(
        known_month, manager_client, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    # when the manager asks for the claim summary
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("billing:document_new"),
                                       {"kind": "month_summary", "month": "2024-05"})
    # then the page is the month's, and the document is made
    assert response.status_code == 302 and "month=2024-05" in response["Location"]
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


def test_the_worker_makes_waiting_documents_and_progress_moves(known_month, world, settings):
    settings.TASKS = QUEUE  # no worker in this process: the job waits
    document = billing_document_request(office=world.office, kind="month_records", month=MAY, by=world.manager)
    assert document.status == DocumentStatus.QUEUED and document.percent == 0
    seen = []
    from billing.documents import pdfs

    original = pdfs.billing_month_pdf

    def spy(**kwargs):
        progress = kwargs.pop("progress")

        def record(done, total, label):
            progress(done, total, label)
            seen.append(GeneratedDocument.objects.get(pk=document.pk).percent)

        return original(progress=record, **kwargs)

    pdfs.billing_month_pdf = spy
    try:
        assert billing_documents_run_queued() == 1
    finally:
        pdfs.billing_month_pdf = original
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE and document.pages == 2
    assert seen == [0, 25, 75, 100]
    assert billing_documents_run_queued() == 0  # nothing left; a done job is never made twice


def test_worker_command_once(known_month, world, settings):
    settings.TASKS = QUEUE
    billing_document_request(office=world.office, kind="followup", year=2024, by=world.manager)
    call_command("billing_documents_worker", "--once")
    assert GeneratedDocument.objects.get().status == DocumentStatus.DONE


def test_a_failing_document_is_recorded_as_failed(world, settings):
    settings.TASKS = QUEUE
    document = billing_document_request(office=world.office, kind="month_all", month=MAY, by=world.manager)
    from billing.documents import services

    original = services._make

    def boom(*args):
        raise RuntimeError("font missing")

    services._make = boom
    try:
        billing_documents_run_queued()
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
    assert not GeneratedDocument.objects.exists()

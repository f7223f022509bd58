"""Asking for a billing document and making it (the background job's body).

The queue is Procrastinate's (``billing/documents/tasks.py``); the ``GeneratedDocument`` row is the print
job the page shows.  ``billing_document_request`` stores the row as waiting and, in the same transaction,
defers the task with a lock per document (Procrastinate runs jobs of one lock one at a time, and
hands each job to one worker).  ``billing_document_build`` claims the row (waiting → being made, one UPDATE,
so a second job of the same document makes nothing), reports progress on the row as it goes (the page polls
it) and stores the finished file on the row, so it can be downloaded again.

A worker killed mid-document (SIGKILL, out of memory, machine lost) stops beating; Procrastinate then finds
its job stalled and ``billing_documents_recover_stalled`` (a periodic task) makes the document again, or
marks it failed with the reason once it has been tried ``STALLED_RETRIES`` more times."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from procrastinate.contrib.django import app
from procrastinate.jobs import Status

from billing.documents import pdfs
from billing.models import DocumentKind, DocumentStatus, GeneratedDocument
from compostela.audit import audited
from compostela.models import Office

logger = logging.getLogger(__name__)

MONTH_KIND_PARTS = {
    DocumentKind.MONTH_ALL: pdfs.KIND_ALL,
    DocumentKind.MONTH_SUMMARY: pdfs.KIND_SUMMARY,
    DocumentKind.MONTH_STATEMENTS: pdfs.KIND_STATEMENTS,
    DocumentKind.MONTH_RECORDS: pdfs.KIND_RECORDS,
}
FILE_SUFFIX = {
    DocumentKind.MONTH_ALL: "all", DocumentKind.MONTH_SUMMARY: "summary",
    DocumentKind.MONTH_STATEMENTS: "statements", DocumentKind.MONTH_RECORDS: "records",
}
# the client's papers of the month, every client in one PDF (billing.papers.pdfs kinds)
PAPERS_KINDS = {
    DocumentKind.CLIENT_INVOICES: "invoice", DocumentKind.CLIENT_RECEIPTS: "receipt",
    DocumentKind.PROXY_NOTICES: "notice",
}
# A job is stalled when its worker has not beaten for this long (the workers' own setting: they beat every
# 10 s, and prune workers silent for this long).
STALLED_AFTER_SECONDS = settings.PROCRASTINATE_WORKER_DEFAULTS["stalled_worker_timeout"]
ERROR_MAX = 20000  # the stored error (a refused claim file lists every problem)
STALLED_RETRIES = 2  # a document whose worker stopped is made again this many times, then failed
STEP_RESTART = gettext_noop("The worker stopped; the document is made again")
STEP_CHECK = gettext_noop("Checking the records against the layout")
STEP_CSV = gettext_noop("Writing the CSV")
CLAIM_FILE_CONTENT_TYPE = "text/csv"  # written in CP932 (the layout reference)
WORKER_STOPPED = gettext_noop("The document could not be made: its worker stopped each time. Ask for it again; "
                              "if this happens again, tell the administrator.")


@audited(by="by")
@transaction.atomic
def billing_document_request(*, office: Office, kind: str, by, month: date | None = None, year: int | None = None,
                             version: int | None = None) -> GeneratedDocument:
    """Store the print job and defer its making, in one transaction: the queue is a table of the same
    database, so there is never a row without its job nor a job without its row, and no worker sees the job
    before the commit."""
    from billing.documents.tasks import generate_billing_document

    document = GeneratedDocument(office=office, kind=kind, month=month.replace(day=1) if month else None,
                                 year=year, closing_version=version, requested_by=by)
    document.full_clean(exclude=["content"])
    document.save()
    generate_billing_document.configure(lock=document_lock(document.pk)).defer(document_id=document.pk)
    return document


def document_lock(document_id: int) -> str:
    """The Procrastinate lock of a document's jobs: never two at a time."""
    return f"billing-document-{document_id}"


def _claim(document_id: int) -> bool:
    return bool(GeneratedDocument.objects.filter(pk=document_id, status=DocumentStatus.QUEUED)
                .update(status=DocumentStatus.RUNNING, started_at=timezone.now()))


def billing_document_build(*, document_id: int) -> str:
    """Make the document of a waiting job and store it; returns the status it ends in."""
    if not _claim(document_id):
        return "skipped"
    document = GeneratedDocument.objects.select_related("office").get(pk=document_id)

    def progress(done: int, total: int, label: str) -> None:
        GeneratedDocument.objects.filter(pk=document_id).update(
            progress_done=min(done, total), progress_total=max(total, 1), progress_label=label[:100])

    try:
        data, filename, content_type, pages = _make(document, progress)
    except ClaimFileJobRefused as refused:  # the month's problems: the page lists them, nothing to log
        GeneratedDocument.objects.filter(pk=document_id).update(
            status=DocumentStatus.FAILED, error=str(refused)[:ERROR_MAX], finished_at=timezone.now())
        return DocumentStatus.FAILED
    except Exception as error:  # the job records any failure for the page; the worker keeps going
        logger.exception("billing document %s failed", document_id)
        GeneratedDocument.objects.filter(pk=document_id).update(
            status=DocumentStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now())
        return DocumentStatus.FAILED
    GeneratedDocument.objects.filter(pk=document_id).update(
        status=DocumentStatus.DONE, content=data, size=len(data), filename=filename, content_type=content_type,
        pages=pages, finished_at=timezone.now(), progress_label=pdfs.STEP_DONE)
    return DocumentStatus.DONE


class ClaimFileJobRefused(Exception):
    """The month gives no claim file: the message lists every problem (the job's error, shown on the page)."""


def claim_file_refused_text(problems) -> str:
    """The error of a claim-file job its month refuses: the count, then every problem on its own line
    ("client — record — official field name — what is wrong — where to fix it")."""
    head = gettext("No claim file: %(count)d problem(s) to fix first.") % {"count": len(problems)}
    return "\n".join([head, *(p.text() for p in problems)])


def _claim_file(document: GeneratedDocument, progress) -> tuple[bytes, str, str, int | None]:
    """The electronic claim file of the month in force (``claim_file_build``): made from the closing in force
    only; a month it refuses fails the job with every problem."""
    from billing.claimfile import ClaimFileRefused, claim_file_build

    progress(0, 2, STEP_CHECK)
    try:
        claim = claim_file_build(office=document.office, month=document.month)
    except ClaimFileRefused as refused:
        raise ClaimFileJobRefused(claim_file_refused_text(refused.problems)) from refused
    if document.closing_version and document.closing_version != claim.closing.version:
        raise ClaimFileJobRefused(gettext("Version %(version)d was reopened: the claim file is made from the "
                                          "version in force only.") % {"version": document.closing_version})
    progress(1, 2, STEP_CSV)
    return claim.content, claim.name, CLAIM_FILE_CONTENT_TYPE, None


def _make(document: GeneratedDocument, progress) -> tuple[bytes, str, str, int | None]:
    office, month, version = document.office, document.month, document.closing_version
    if document.kind == DocumentKind.CLAIM_FILE:
        return _claim_file(document, progress)
    state = f"v{version}" if version else ""
    if document.kind in PAPERS_KINDS:
        from billing.papers import pdfs as papers

        kind = PAPERS_KINDS[document.kind]
        pdf = papers.papers_pdf_file(office=office, month=month, kind=kind, progress=progress)
        return pdf.data, papers.papers_filename(office=office, month=month, kind=kind, suffix=state), \
            "application/pdf", pdf.pages
    if document.kind == DocumentKind.FOLLOWUP:
        pdf = pdfs.followup_cost_pdf_file(office=office, year=document.year, progress=progress)
        return pdf.data, f"followup-cost-{office.number}-{document.year}.pdf", "application/pdf", pdf.pages
    stem = f"billing-{office.number}-{month:%Y-%m}{'-' + state if state else ''}"
    if document.kind == DocumentKind.MONTH_SEPARATE:
        data = pdfs.billing_month_zip(office=office, month=month, version=version, progress=progress)
        return data, f"{stem}.zip", "application/zip", None
    pdf = pdfs.billing_month_pdf_file(office=office, month=month, kind=MONTH_KIND_PARTS[document.kind],
                                      version=version, progress=progress)
    return pdf.data, f"{stem}-{FILE_SUFFIX[document.kind]}.pdf", "application/pdf", pdf.pages


async def billing_documents_recover_stalled(*, seconds_since_heartbeat: float = STALLED_AFTER_SECONDS) -> dict:
    """The document jobs of workers that stopped beating (Procrastinate's stalled jobs): each is made again
    (the row waits again, the job goes back to the queue) or, once retried ``STALLED_RETRIES`` times, fails
    with the reason.  Returns {document id: the status it is left in}."""
    from billing.documents.tasks import generate_billing_document

    left = {}
    stalled = await app.job_manager.get_stalled_jobs(task_name=generate_billing_document.name,
                                                     seconds_since_heartbeat=seconds_since_heartbeat)
    for job in stalled:
        document_id = job.task_kwargs["document_id"]
        document = GeneratedDocument.objects.filter(pk=document_id, status__in=[DocumentStatus.QUEUED,
                                                                                DocumentStatus.RUNNING])
        if job.attempts < STALLED_RETRIES:
            # the row first: a worker that takes the job at once must find it waiting
            await document.aupdate(status=DocumentStatus.QUEUED, started_at=None, progress_done=0,
                                   progress_label=STEP_RESTART)
            await app.job_manager.retry_job(job)
            left[document_id] = DocumentStatus.QUEUED
        else:
            await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
            await document.aupdate(status=DocumentStatus.FAILED, error=WORKER_STOPPED, finished_at=timezone.now())
            left[document_id] = DocumentStatus.FAILED
        logger.warning("billing document %s: its worker stopped; %s", document_id, left[document_id])
    return left

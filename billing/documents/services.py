"""Asking for a billing document and making it (the background job's body).

The ``GeneratedDocument`` row is the job: ``billing_document_request`` stores it as waiting and, once the
transaction commits, enqueues the task; ``billing_document_build`` claims the row (waiting → being made,
one UPDATE, so two workers never make the same file), reports progress on the row as it goes (the page
polls it) and stores the finished file on the row, so it can be downloaded again."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

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
STALE_AFTER = timedelta(minutes=30)  # a job "being made" for longer than this lost its worker


@audited(by="by")
def billing_document_request(*, office: Office, kind: str, by, month: date | None = None, year: int | None = None,
                             version: int | None = None) -> GeneratedDocument:
    """Store the job and enqueue its making after the commit."""
    from billing.documents.tasks import generate_billing_document

    document = GeneratedDocument(office=office, kind=kind, month=month.replace(day=1) if month else None,
                                 year=year, closing_version=version, requested_by=by)
    document.full_clean(exclude=["content"])
    document.save()
    transaction.on_commit(lambda: generate_billing_document.enqueue(document_id=document.pk))
    return document


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
    except Exception as error:  # the job records any failure for the page; the worker keeps going
        logger.exception("billing document %s failed", document_id)
        GeneratedDocument.objects.filter(pk=document_id).update(
            status=DocumentStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now())
        return DocumentStatus.FAILED
    GeneratedDocument.objects.filter(pk=document_id).update(
        status=DocumentStatus.DONE, content=data, size=len(data), filename=filename, content_type=content_type,
        pages=pages, finished_at=timezone.now(), progress_label=pdfs.STEP_DONE)
    return DocumentStatus.DONE


def _make(document: GeneratedDocument, progress) -> tuple[bytes, str, str, int | None]:
    office, month, version = document.office, document.month, document.closing_version
    state = f"v{version}" if version else ""
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


def billing_documents_fail_stale() -> int:
    """Jobs left "being made" by a worker that stopped are marked failed (they can be asked for again)."""
    return GeneratedDocument.objects.filter(status=DocumentStatus.RUNNING,
                                            started_at__lt=timezone.now() - STALE_AFTER).update(
        status=DocumentStatus.FAILED, error="The worker stopped before the document was finished.",
        finished_at=timezone.now())


def billing_documents_run_queued(*, limit: int | None = None) -> int:
    """Make waiting documents, oldest first (the worker's loop body); returns how many were made."""
    from billing.documents.tasks import generate_billing_document

    made = 0
    while limit is None or made < limit:
        next_id = (GeneratedDocument.objects.filter(status=DocumentStatus.QUEUED).order_by("requested_at", "pk")
                   .values_list("pk", flat=True).first())
        if next_id is None:
            break
        generate_billing_document.call(document_id=next_id)
        made += 1
    return made

"""The billing PDFs.  Each office month is laid out as ONE WeasyPrint document (summary, then per client
the statement and the service record sheet), page numbers "n / N" from CSS page counters, and the separate
files are cut from that one layout (``Document.copy``), not laid out again.  They are made by the billing
documents' background task (``services.billing_document_build``), one document per task.

Documents are Japanese office documents whatever the reader's UI language: they render under
``translation.override("ja")``."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from billing.documents.charts import chart_fees_and_days, chart_hires_by_bucket, chart_retention_by_year
from billing.documents.record_sheet import RecordSheet, record_sheets_for_month
from billing.documents.series import billing_monthly_series, placement_retention_by_year
from billing.explain import ExplanationRow, claim_explanation_rows
from billing.models import Service
from billing.selectors import MonthStatement, StatementLine, billing_month_statement
from billing.services.followup_cost import followup_cost_year, followup_what_if
from compostela.filenames import safe_filename_part
from compostela.models import Office
from compostela.pdf import PdfFile, layout_html, write_pdf

Progress = Callable[[int, int, str], None]
# Progress labels are stored as msgids and translated when the page polls them.
STEP_COLLECT = gettext_noop("Collecting the figures")
STEP_LAYOUT = gettext_noop("Laying out the pages")
STEP_WRITE = gettext_noop("Writing the PDF")
STEP_SPLIT = gettext_noop("Cutting into separate files")
STEP_DONE = gettext_noop("Done")

KIND_ALL = "all"
KIND_SUMMARY = "summary"
KIND_STATEMENTS = "statements"
KIND_RECORDS = "records"
KIND_FOLLOWUP = "followup"
MONTH_KINDS = (KIND_ALL, KIND_SUMMARY, KIND_STATEMENTS, KIND_RECORDS)
SEED_WHAT_IF = {"yen_per_day": 10000, "followups": 35, "cost_per_followup": 10000, "days": [500, 250, 100, 50, 30]}


class DocumentError(Exception):
    """The document cannot be made (e.g. the month cannot be computed); the message says why."""


def _no_progress(done: int, total: int, label: str) -> None:
    return None


@dataclass
class ClientPages:
    line: StatementLine
    rows: list[ExplanationRow]
    sheet: RecordSheet | None


@dataclass
class MonthDocument:
    statement: MonthStatement
    clients: list[ClientPages]
    printed_at: object

    @property
    def office(self) -> Office:
        return self.statement.office

    @property
    def draft(self) -> bool:
        return self.statement.closing is None

    @property
    def superseded(self) -> bool:
        closing = self.statement.closing
        return closing is not None and closing.reopened_at is not None

    @property
    def tier_periods(self) -> list[dict]:
        return (self.statement.summary.get("tier") or {}).get("periods", [])

    @property
    def yen_per_unit(self) -> str:
        prices = sorted({str(line.explanation.get("yen_per_unit")) for line in self.statement.lines
                         if line.service == Service.TRANSITION and line.explanation.get("yen_per_unit")})
        return "・".join(prices)

    @property
    def transition_lines(self) -> list[StatementLine]:
        return [line for line in self.statement.lines if line.service == Service.TRANSITION]

    @property
    def filename_stem(self) -> str:
        closing = self.statement.closing
        state = f"v{closing.version}" if closing else "draft"
        return f"billing-{self.office.number}-{self.statement.month:%Y-%m}-{state}"


def month_document(*, office: Office, month: date, version: int | None = None,
                   kind: str = KIND_ALL) -> MonthDocument:
    """Everything the month's PDF prints, read with a fixed number of queries."""
    statement = billing_month_statement(office=office, month=month, version=version)
    if statement.error:
        raise DocumentError(statement.error)
    with translation.override("ja"):
        rows = {id(line): claim_explanation_rows(line.explanation) for line in statement.lines}
    sheets: dict[int, RecordSheet] = {}
    if kind in (KIND_ALL, KIND_RECORDS):
        transition = [(ln.client_id, ln.client_name, ln.certificate_number) for ln in statement.lines
                      if ln.service == Service.TRANSITION]
        sheets = {s.client_id: s for s in record_sheets_for_month(office=office, month=statement.month,
                                                                   clients=transition)}
    clients = [
        ClientPages(line=line, rows=rows[id(line)],
                    sheet=sheets.get(line.client_id) if line.service == Service.TRANSITION else None)
        for line in statement.lines
    ]
    return MonthDocument(statement=statement, clients=clients, printed_at=timezone.localtime())


def _html(template_name: str, context: dict) -> str:
    """Render a document's template under Japanese (the 国保連's papers are Japanese whatever the user's language)."""
    with translation.override("ja"):
        return render_to_string(template_name, context)


def _layout(template_name: str, context: dict):
    """Render a template under Japanese and lay it out with WeasyPrint; returns the laid-out document."""
    return layout_html(_html(template_name, context))


def billing_month_html(*, office: Office, month: date, kind: str = KIND_ALL, version: int | None = None) -> str:
    """The HTML that ``billing_month_pdf_file`` lays out (the benchmark counts its table cells)."""
    if kind not in MONTH_KINDS:
        raise DocumentError(f"unknown kind {kind!r}")
    return _month_html(month_document(office=office, month=month, version=version, kind=kind), kind=kind)


def billing_month_pdf(*, office: Office, month: date, kind: str = KIND_ALL, version: int | None = None,
                      progress: Progress = _no_progress) -> bytes:
    """The office's month as one PDF: ``all`` (summary + statements + record sheets) or one part."""
    return billing_month_pdf_file(office=office, month=month, kind=kind, version=version, progress=progress).data


def billing_month_pdf_file(*, office: Office, month: date, kind: str = KIND_ALL, version: int | None = None,
                           progress: Progress = _no_progress) -> PdfFile:
    """``billing_month_pdf`` with its number of pages."""
    if kind not in MONTH_KINDS:
        raise DocumentError(f"unknown kind {kind!r}")
    progress(0, 4, STEP_COLLECT)
    doc = month_document(office=office, month=month, version=version, kind=kind)
    progress(1, 4, STEP_LAYOUT)
    layout = layout_html(_month_html(doc, kind=kind))
    progress(3, 4, STEP_WRITE)
    pdf = write_pdf(layout)
    progress(4, 4, STEP_DONE)
    return pdf


def _month_html(doc: MonthDocument, *, kind: str) -> str:
    return _html("pdf/billing/month.html", _month_context(doc, kind=kind))


def _month_context(doc: MonthDocument, *, kind: str) -> dict:
    chart = None
    if kind in (KIND_ALL, KIND_SUMMARY):
        chart = chart_fees_and_days(billing_monthly_series(office=doc.office, last_month=doc.statement.month))
    return {
        "doc": doc, "statement": doc.statement, "month": doc.statement.month,
        "show_summary": kind in (KIND_ALL, KIND_SUMMARY),
        "show_statements": kind in (KIND_ALL, KIND_STATEMENTS),
        "show_records": kind in (KIND_ALL, KIND_RECORDS),
        "fees_chart": chart,
        # the clients with pages in this kind of document, in print order
        "clients": [c for c in doc.clients if kind in (KIND_ALL, KIND_STATEMENTS) or c.sheet is not None],
    }


def billing_month_zip(*, office: Office, month: date, version: int | None = None,
                      progress: Progress = _no_progress) -> bytes:
    """The month as separate files in a ZIP: the claim summary, and per client one PDF with the statement
    and the service record sheet.  One layout; each file is a copy of its pages."""
    doc = month_document(office=office, month=month, version=version, kind=KIND_ALL)
    total = len(doc.clients) + 3
    progress(1, total, STEP_LAYOUT)
    layout = layout_html(_month_html(doc, kind=KIND_ALL))
    progress(2, total, STEP_SPLIT)
    # Which pages belong to whom: each part starts with an anchor ("part-summary", "part-client-<id>").
    parts: dict[str, list] = {}
    current = "part-summary"
    for page in layout.pages:
        starts = [a for a in page.anchors if a.startswith("part-")]
        if starts:
            current = starts[0]
        parts.setdefault(current, []).append(page)
    buffer = io.BytesIO()
    names = {f"part-client-{c.line.client_id}-{c.line.service}": c.line for c in doc.clients}
    folder = safe_filename_part(doc.filename_stem)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/00_請求集計.pdf", layout.copy(parts.get("part-summary", [])).write_pdf())
        done = 3
        for n, (anchor, pages) in enumerate(p for p in parts.items() if p[0] != "part-summary"):
            line = names.get(anchor)
            label = f"{line.client_name}" if line else anchor
            suffix = "" if line is None or line.service == Service.TRANSITION else "_就労定着支援"
            # entry names from safe parts only (a number and the sanitised name): no name leaves the folder
            entry = f"{n + 1:02d}_{safe_filename_part(label, fallback='client')}{suffix}.pdf"
            archive.writestr(f"{folder}/{entry}", layout.copy(pages).write_pdf())
            progress(done, total, label)
            done += 1
    progress(total, total, STEP_DONE)
    return buffer.getvalue()


@dataclass
class FollowUpDocument:
    office: Office
    year: int
    report: object
    what_if: list
    what_if_params: dict
    printed_at: object


def followup_cost_pdf(*, office: Office, year: int, what_if_params: dict | None = None,
                      progress: Progress = _no_progress) -> bytes:
    """The year's follow-up cost report: buckets, per hire, the what-if table and the three charts."""
    return followup_cost_pdf_file(office=office, year=year, what_if_params=what_if_params, progress=progress).data


def followup_cost_pdf_file(*, office: Office, year: int, what_if_params: dict | None = None,
                           progress: Progress = _no_progress) -> PdfFile:
    """``followup_cost_pdf`` with its number of pages."""
    progress(0, 3, STEP_COLLECT)
    params = what_if_params or SEED_WHAT_IF
    report = followup_cost_year(office=office, year=year)
    today = timezone.localdate()
    as_of = today  # retention is judged with everything known today
    last_month = date(year, 12, 1) if year < today.year else today.replace(day=1)
    context = {
        "doc": FollowUpDocument(office=office, year=year, report=report, what_if=followup_what_if(**params),
                                what_if_params=params, printed_at=timezone.localtime()),
        "fees_chart": chart_fees_and_days(billing_monthly_series(office=office, last_month=last_month)),
        "bucket_chart": chart_hires_by_bucket(report.buckets),
        "retention_chart": chart_retention_by_year(placement_retention_by_year(office=office, as_of=as_of)),
    }
    progress(1, 3, STEP_LAYOUT)
    pdf = write_pdf(_layout("pdf/billing/followup.html", context))
    progress(3, 3, STEP_DONE)
    return pdf

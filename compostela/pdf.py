"""PDF output: WeasyPrint, A4, with the Japanese font shipped in the repo embedded in every file.

    pdf_bytes = render_pdf("billing/pdf/summary.html", {"claim": claim})

Templates extend ``pdf/base.html`` (A4, page numbers, the embedded IPAex Gothic).  Text is real text in
the PDF, so tests read it back with ``pdf_text``.

A long document (an office's month: ~50 pages) is laid out in parts, in parallel: ``html_parts_to_pdf``
sends complete HTML documents (rendered with ``page_numbers_stamped`` so they print no page number) to a
small pool of worker processes (``compostela.pdf_worker``, no Django there), puts their pages one after
another with pypdf and stamps "n / N" on every page from a numbers-only page laid out by the same
``pdf/base.html`` — same place, same font, still real text.
"""

from __future__ import annotations

import functools
import io
import logging
import multiprocessing
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

FONT_PATH = Path(settings.BASE_DIR) / "static" / "fonts" / "ipaexg.ttf"

logging.getLogger("fontTools").setLevel(logging.WARNING)
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def font_face_css() -> str:
    return f'@font-face {{ font-family: "IPAexGothic"; src: url("{FONT_PATH.as_uri()}"); }}'


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a Django template to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context, request=request))


def html_to_pdf(html: str) -> bytes:
    from compostela.pdf_worker import html_to_pdf_bytes

    return html_to_pdf_bytes(html, str(settings.BASE_DIR), font_face_css())


def layout_html(html: str):
    """Lay out an HTML document in this process; returns WeasyPrint's document (pages, anchors, copy())."""
    from compostela.pdf_worker import layout

    return layout(html, base_url=str(settings.BASE_DIR), font_css=font_face_css())


# -- parallel layout ------------------------------------------------------------------------------------------
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def pdf_workers() -> int:
    """Worker processes for long documents (``PDF_WORKERS``; 0 or 1 lays everything out in this process)."""
    return int(getattr(settings, "PDF_WORKERS", 2))


def _executor() -> ProcessPoolExecutor:
    """The pool, made on first use and kept: its workers come from a fork server that preloaded WeasyPrint, so
    after the first document they are warm.  A fork server (not a plain fork) because the caller may be a
    threaded web or task worker holding database connections; the workers never see either."""
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["compostela.pdf_worker"])
            _pool = ProcessPoolExecutor(max_workers=pdf_workers(), mp_context=context)
        return _pool


def _drop_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def _parts_in_parallel(parts: Sequence[str]) -> list[bytes]:
    from compostela.pdf_worker import html_to_pdf_bytes

    args = (str(settings.BASE_DIR), font_face_css())
    if len(parts) > 1 and pdf_workers() > 1:
        try:
            futures = [_executor().submit(html_to_pdf_bytes, html, *args) for html in parts]
            return [future.result() for future in futures]
        except (BrokenProcessPool, OSError) as error:  # a worker died (memory?): do it here, slower but done
            logging.getLogger(__name__).warning("PDF worker pool failed (%s); laying out in process", error)
            _drop_pool()
    return [html_to_pdf_bytes(html, *args) for html in parts]


def html_parts_to_pdf(parts: Sequence[str], *, page_numbers: bool = True, orientation: str = "portrait") -> bytes:
    """One PDF from several complete HTML documents laid out in parallel, pages in the order of ``parts``.

    The parts are rendered with ``page_numbers_stamped`` (``pdf/base.html`` then prints no page number);
    with ``page_numbers`` every page gets "n / N" of the whole file, from ``pdf/page_numbers.html`` laid
    out once for N pages and merged onto the pages."""
    from pypdf import PdfReader, PdfWriter

    readers = [PdfReader(io.BytesIO(data)) for data in _parts_in_parallel(parts)]
    total = sum(len(reader.pages) for reader in readers)
    numbers = PdfReader(io.BytesIO(_page_numbers_pdf(total, orientation))).pages if page_numbers else None
    writer = PdfWriter()
    if readers and readers[0].metadata:
        writer.add_metadata({k: v for k, v in readers[0].metadata.items() if isinstance(v, str)})
    offset = 0
    for reader in readers:
        for page in reader.pages:
            added = writer.add_page(page)
            if numbers is not None:
                added.merge_page(numbers[len(writer.pages) - 1])
                added.compress_content_streams()  # merging leaves the page's content uncompressed
        _copy_outline(writer, reader, reader.outline, offset=offset, parent=None)
        offset += len(reader.pages)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@functools.lru_cache(maxsize=16)
def _page_numbers_pdf(total: int, orientation: str) -> bytes:
    """The "n / N" pages for N pages (the same for every document of N pages, so kept)."""
    data = html_to_pdf(render_to_string("pdf/page_numbers.html", {"pages": range(total), "orientation": orientation}))
    if pdf_page_count(data) != total:  # cannot happen with the template as it is; never print wrong numbers
        raise RuntimeError(f"page-number overlay has {pdf_page_count(data)} pages for {total}")
    return data


def _copy_outline(writer, reader, items, *, offset: int, parent) -> None:
    """The bookmarks WeasyPrint made from the headings of one part, pointing at the same pages of the whole."""
    last = None
    for item in items:
        if isinstance(item, list):
            if last is not None:
                _copy_outline(writer, reader, item, offset=offset, parent=last)
            continue
        page = reader.get_destination_page_number(item)
        if page is None or page < 0:
            continue
        last = writer.add_outline_item(title=str(item.title), page_number=offset + page, parent=parent)


def pdf_text(data: bytes) -> str:
    """All text of a PDF, page after page (for tests and checks)."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def pdf_page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def pdf_font_names(data: bytes) -> set[str]:
    """Names of the fonts embedded in the PDF (to prove the Japanese font travels with the file)."""
    from pypdf import PdfReader

    names: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            for candidate in [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]:
                descriptor = candidate.get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                        names.add(str(candidate.get("/BaseFont", "")))
    return names

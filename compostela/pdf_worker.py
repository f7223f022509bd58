"""The part of the PDF rendering that runs in worker processes: plain HTML strings in, PDF bytes out.

No Django here — importing the settings would start (or look for) the embedded PostgreSQL, and a worker must
never touch the database.  ``compostela.pdf`` sends complete HTML documents (already rendered from their
templates) to these functions through a small process pool, so the WeasyPrint layout of a long document is
spread over the machine's cores.  The module imports WeasyPrint at import time: the pool's fork server
preloads it, so each worker starts with WeasyPrint (and its fonts setup) already imported."""

from __future__ import annotations

import logging

import weasyprint  # noqa: F401 - preloaded by the fork server
from weasyprint.text.fonts import FontConfiguration

logging.getLogger("fontTools").setLevel(logging.WARNING)
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def layout(html: str, *, base_url: str, font_css: str):
    """Lay out one HTML document (``font_css`` declares the embedded font once, for the whole document)."""
    from weasyprint import CSS, HTML

    fonts = FontConfiguration()
    return HTML(string=html, base_url=base_url).render(
        stylesheets=[CSS(string=font_css, font_config=fonts)], font_config=fonts
    )


def html_to_pdf_bytes(html: str, base_url: str, font_css: str) -> bytes:
    """One HTML document as PDF bytes (the function the pool's workers run)."""
    return layout(html, base_url=base_url, font_css=font_css).write_pdf()

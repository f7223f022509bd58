"""The part of the PDF rendering that runs in worker processes: plain HTML strings in, PDF bytes out.

No Django here — importing the settings would start (or look for) the embedded PostgreSQL, and a worker must
never touch the database.  ``compostela.pdf`` sends complete HTML documents (already rendered from their
templates) to these functions through a small process pool, so the WeasyPrint layout of a long document is
spread over the machine's cores.  The module imports WeasyPrint at import time: the pool's fork server
preloads it, so each worker starts with WeasyPrint (and its fonts setup) already imported."""

from __future__ import annotations

import logging
import re

import weasyprint
from weasyprint.html import UA, UA_COUNTER_STYLE
from weasyprint.text.fonts import FontConfiguration

logging.getLogger("fontTools").setLevel(logging.WARNING)
logging.getLogger("weasyprint").setLevel(logging.ERROR)

# WeasyPrint's HTML user-agent stylesheet styles ::marker, ::footnote-call, ::footnote-marker, ::note-call,
# ::note-marker and ::note-callback of EVERY element: six pseudo-element styles computed per element, ~40,000
# for an office's month — a quarter of the layout time, for nothing: our documents have no footnotes nor
# notes, and only list items have markers.  The same stylesheet, with markers kept for list items (and
# <summary>) and the footnote/note rules left out, lays out the same pages.
LEAN_UA = re.sub(r"^::(footnote-call|footnote-marker|note-call|note-marker|note-callback) .*$", "",
                 UA.replace("\n::marker {", "\nli::marker, summary::marker {"), flags=re.MULTILINE)
LEAN_UA_STYLESHEET = weasyprint.CSS(string=LEAN_UA, counter_style=UA_COUNTER_STYLE)


class LeanHTML(weasyprint.HTML):
    """``weasyprint.HTML`` with the lean user-agent stylesheet (no forms in our documents)."""

    def _ua_stylesheets(self, forms=False):
        return [LEAN_UA_STYLESHEET]


def layout(html: str, *, base_url: str, font_css: str):
    """Lay out one HTML document (``font_css`` declares the embedded font once, for the whole document)."""
    fonts = FontConfiguration()
    return LeanHTML(string=html, base_url=base_url).render(
        stylesheets=[weasyprint.CSS(string=font_css, font_config=fonts)], font_config=fonts
    )


def html_to_pdf_bytes(html: str, base_url: str, font_css: str) -> bytes:
    """One HTML document as PDF bytes (the function the pool's workers run)."""
    return layout(html, base_url=base_url, font_css=font_css).write_pdf()

"""PDF output: WeasyPrint, A4, with the Japanese font shipped in the repo embedded in every file.

    document = layout_html(render_to_string("pdf/billing/month.html", context))  # pages, anchors, copy()
    pdf = write_pdf(document)  # PdfFile: the bytes and the number of pages

Templates extend ``pdf/base.html``: A4, the running head and "n / N" in @page margin boxes
(``counter(page)`` / ``counter(pages)``), IPAex Gothic for every text.  A document is ONE WeasyPrint
render in the calling process — the billing documents' background task, or the request for a small one.
Throughput comes from running more task workers, not from cutting a document into parts.

The font: ``static/fonts/ipaexg.ttf`` is declared by ``@font-face`` and WeasyPrint embeds the subset of its
glyphs that the document uses (never the system's fonts: the file must print the same anywhere).  The font
configuration (fontconfig with the font added, and Pango's font and metrics caches) is made once per thread
and kept, so only the first document of a worker pays for loading the 6 MB font.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint.text.fonts import FontConfiguration

FONT_PATH = Path(settings.BASE_DIR) / "static" / "fonts" / "ipaexg.ttf"

logging.getLogger("fontTools").setLevel(logging.WARNING)
logging.getLogger("weasyprint").setLevel(logging.ERROR)


@dataclass(frozen=True)
class PdfFile:
    data: bytes
    pages: int


def font_face_css() -> str:
    return f'@font-face {{ font-family: "IPAexGothic"; src: url("{FONT_PATH.as_uri()}"); }}'


_fonts = threading.local()


def _font_setup() -> tuple[FontConfiguration, weasyprint.CSS]:
    """This thread's font configuration and the @font-face stylesheet bound to it (Pango's font map is not
    shared between threads)."""
    setup = getattr(_fonts, "setup", None)
    if setup is None:
        config = FontConfiguration()
        setup = _fonts.setup = (config, weasyprint.CSS(string=font_face_css(), font_config=config))
    return setup


def layout_html(html: str) -> weasyprint.Document:
    """Lay out one HTML document; returns WeasyPrint's document (``pages``, ``write_pdf()``, ``copy()``)."""
    config, font_css = _font_setup()
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[font_css], font_config=config
    )


def write_pdf(document: weasyprint.Document) -> PdfFile:
    return PdfFile(data=document.write_pdf(), pages=len(document.pages))


def html_to_pdf(html: str) -> bytes:
    return layout_html(html).write_pdf()


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a Django template to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context, request=request))

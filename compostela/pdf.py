"""PDF output: WeasyPrint, A4, with the Japanese font shipped in the repo embedded in every file.

    pdf_bytes = render_pdf("billing/pdf/summary.html", {"claim": claim})

Templates extend ``pdf/base.html`` (A4, page numbers, the embedded IPAex Gothic).  Text is real text in
the PDF, so tests read it back with ``pdf_text``.
"""

from __future__ import annotations

import io
import logging
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
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[CSS(string=font_face_css(), font_config=fonts)], font_config=fonts
    )
    return document.write_pdf()


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

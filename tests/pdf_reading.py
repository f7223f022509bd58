"""Reading a PDF back in tests (pypdf, a test dependency: the application only writes PDFs)."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_pages_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    """All text of a PDF, page after page."""
    return "\n".join(pdf_pages_text(data))


def pdf_page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def pdf_font_names(data: bytes) -> set[str]:
    """Names of the fonts embedded in the PDF (to prove the Japanese font travels with the file)."""
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for candidate in [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]:
                descriptor = candidate.get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                        names.add(str(candidate.get("/BaseFont", "")))
    return names

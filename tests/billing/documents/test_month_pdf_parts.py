"""Rule: a month laid out in parts in worker processes (a long month) is the same document as one laid out in
one go: same pages, same text, page numbers "n / N" of the whole file, the Japanese font embedded."""

import re

import pytest

from billing.documents import pdfs
from compostela.pdf import html_parts_to_pdf, pdf_font_names, pdf_page_count, pdf_text
from tests.billing.documents.conftest import MAY

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def both(module_data):
    """The known month (2 clients) in one go, and cut into parts (one part per client) in the worker pool."""

    def make(world, data):
        whole = pdfs.billing_month_pdf(office=data.office, month=MAY)
        saved = pdfs.PARALLEL_MIN_CLIENTS
        pdfs.PARALLEL_MIN_CLIENTS = 2
        try:
            parts = pdfs._client_parts(pdfs.month_document(office=data.office, month=MAY).clients, workers=2)
            in_parts = pdfs.billing_month_pdf(office=data.office, month=MAY)
        finally:
            pdfs.PARALLEL_MIN_CLIENTS = saved
        return {"whole": whole, "in_parts": in_parts, "parts": len(parts)}

    return module_data(make)


def test_the_month_is_laid_out_in_parts(both):
    assert both["parts"] == 2


def test_parts_make_the_same_pages_with_numbers_of_the_whole_file(both):
    assert pdf_page_count(both["in_parts"]) == pdf_page_count(both["whole"]) == 5
    text = pdf_text(both["in_parts"])
    for n in range(1, 6):
        assert f"{n} / 5" in text
    assert "1 / 2" not in text and "1 / 3" not in text  # no part's own numbering
    for figure in ("札幌 一郎", "小樽 花子", "124,673円", "116,426円", "提供実績記録票", "合計"):
        assert figure in text, figure
    assert any("IPAexGothic" in name for name in pdf_font_names(both["in_parts"]))


def test_each_page_has_the_same_text_as_in_one_go(both):
    import io

    from pypdf import PdfReader

    one = [p.extract_text() for p in PdfReader(io.BytesIO(both["whole"])).pages]
    parts = [p.extract_text() for p in PdfReader(io.BytesIO(both["in_parts"])).pages]
    for a, b in zip(one, parts, strict=True):
        assert sorted(_words(a)) == sorted(_words(b))


def _words(text: str) -> list[str]:
    """The words of a page, less the printing time (the two files were printed a moment apart)."""
    return [w for w in text.split() if not re.fullmatch(r"\d\d:\d\d\)?", w)]


def test_parts_without_page_numbers_stay_unnumbered():
    data = html_parts_to_pdf(["<html><body><p>一</p></body></html>", "<html><body><p>二</p></body></html>"],
                             page_numbers=False)
    assert pdf_page_count(data) == 2 and "/ 2" not in pdf_text(data)

"""Rule: PDFs embed the Japanese font shipped in the repo, so Japanese text survives (no tofu), and number
their pages "n / N" with CSS page counters."""

from django.template import Context, Template

from compostela import pdf
from tests.pdf_reading import pdf_font_names, pdf_page_count, pdf_pages_text, pdf_text


def _page(body: str) -> str:
    return Template('{% extends "pdf/base.html" %}{% block body %}' + body + "{% endblock %}").render(Context())


def test_pdf_embeds_ipaex_gothic_and_japanese_text_reads_back():
    # given a page on the PDF base layout with Japanese text and a yen figure
    html = _page("<h1>サービス提供実績記録票</h1><p>就労移行支援事業所コンポステラ 合計 1,234,567円</p>")
    # when
    data = pdf.html_to_pdf(html)
    # then
    text = pdf_text(data)
    assert "サービス提供実績記録票" in text
    assert "コンポステラ" in text and "合計" in text and "1,234,567円" in text
    assert any("IPAexGothic" in name for name in pdf_font_names(data))
    assert pdf_page_count(data) == 1


def test_every_page_prints_its_number_of_the_whole_file():
    # given three pages in one document
    document = pdf.layout_html(_page('<p>一</p><p class="page-break">二</p><p class="page-break">三</p>'))
    # when
    written = pdf.write_pdf(document)
    # then the count is the document's, and each page says which one it is
    assert written.pages == pdf_page_count(written.data) == 3
    for n, text in enumerate(pdf_pages_text(written.data), start=1):
        assert f"{n} / 3" in text


def test_documents_in_a_row_share_the_font_setup_and_each_embeds_the_font():
    first, second = pdf.html_to_pdf(_page("<p>一枚目</p>")), pdf.html_to_pdf(_page("<p>二枚目</p>"))
    assert "二枚目" in pdf_text(second)
    assert all(any("IPAexGothic" in n for n in pdf_font_names(d)) for d in (first, second))

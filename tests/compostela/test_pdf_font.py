"""Rule: PDFs embed the Japanese font shipped in the repo, so Japanese text survives (no tofu)."""

from django.template import Context, Template

from compostela import pdf


def test_pdf_embeds_ipaex_gothic_and_japanese_text_reads_back():
    # given a page on the PDF base layout with Japanese text and a yen figure
    html = Template(
        '{% extends "pdf/base.html" %}{% block body %}<h1>サービス提供実績記録票</h1>'
        "<p>就労移行支援事業所コンポステラ 合計 1,234,567円</p>{% endblock %}"
    ).render(Context())
    # when
    data = pdf.html_to_pdf(html)
    # then
    text = pdf.pdf_text(data)
    assert "サービス提供実績記録票" in text
    assert "コンポステラ" in text and "合計" in text and "1,234,567円" in text
    assert any("IPAexGothic" in name for name in pdf.pdf_font_names(data))
    assert pdf.pdf_page_count(data) == 1

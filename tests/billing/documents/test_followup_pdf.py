"""Rule: the follow-up cost report prints the seed's what-if table exactly, with its charts."""

import pytest

from billing.documents.pdfs import followup_cost_pdf
from tests.pdf_reading import pdf_text

pytestmark = pytest.mark.django_db


def test_followup_report_prints_the_seed_what_if_figures(world):
    text = pdf_text(followup_cost_pdf(office=world.office, year=2024))
    assert "就職後6か月の定着支援コスト報告" in text
    for figure in ("¥5,000,000", "¥4,650,000", "¥9,300", "¥2,150,000", "¥8,600", "¥650,000", "¥6,500",
                   "¥150,000", "¥3,000", "−¥50,000", "−¥1,667"):
        assert figure in text, figure
    # the three charts are in the document, with their Japanese titles
    assert "就職までの通所日数別の就職者数" in text
    assert "就職後6か月定着率" in text
    assert "月別の報酬と通所日数" in text

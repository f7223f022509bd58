"""Rule: ``billing_pdf`` writes the month's PDF (or a part, the ZIP, the follow-up report) to a file."""

import pytest
from django.core.management import CommandError, call_command

from tests.pdf_reading import pdf_page_count, pdf_text

pytestmark = pytest.mark.django_db


def test_billing_pdf_command_writes_the_summary(known_month, tmp_path):
    out = tmp_path / "summary.pdf"
    call_command("billing_pdf", "--office", "0110000001", "--month", "2024-05", "--kind", "summary",
                 "--output", str(out))
    data = out.read_bytes()
    assert pdf_page_count(data) == 1
    assert "小樽 花子" in pdf_text(data) and "124,673円" in pdf_text(data)


def test_billing_pdf_followup_needs_a_year(world, tmp_path):
    with pytest.raises(CommandError, match="--year"):
        call_command("billing_pdf", "--office", "0110000001", "--kind", "followup", "--output",
                     str(tmp_path / "f.pdf"))


def test_billing_pdf_rejects_a_bad_month(world, tmp_path):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("billing_pdf", "--office", "0110000001", "--month", "2024-13", "--output",
                     str(tmp_path / "m.pdf"))

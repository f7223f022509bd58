"""Rule: the month's PDF prints every client, the totals and the right yen figures, in Japanese (no
tofu), as a draft while the month is open and from the snapshot once it is closed."""

from datetime import date

import pytest

from billing.documents.pdfs import KIND_RECORDS, billing_month_pdf, billing_month_zip
from billing.services.closing import billing_month_close
from tests.billing.documents.conftest import MAY
from tests.pdf_reading import pdf_font_names, pdf_page_count, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def rendered(module_data):
    """The open (draft) month, the closed month (version 1) and the ZIP — rendered once for the module."""

    def make(world, data):
        draft = billing_month_pdf(office=data.office, month=MAY)
        billing_month_close(office=data.office, month=MAY, by=world.manager)
        closed = billing_month_pdf(office=data.office, month=MAY)
        return {"draft": draft, "closed": closed}

    return module_data(make)


def test_month_pdf_lists_clients_totals_and_yen_in_japanese(rendered):
    text = pdf_text(rendered["closed"])
    assert "就労移行支援 請求集計表" in text
    assert "札幌 一郎" in text and "小樽 花子" in text
    assert "0123456789" in text and "0110000001" in text
    assert "合計" in text
    for figure in ("124,673円", "8,247円", "116,426円", "82,478円", "74,231円", "42,195円", "811単位/日", "10.17円"):
        assert figure in text, figure
    assert any("IPAexGothic" in name for name in pdf_font_names(rendered["closed"]))


def test_closed_month_prints_the_snapshot_version_and_is_not_a_draft(rendered):
    text = pdf_text(rendered["closed"])
    assert "第1版" in text and "下書き" not in text


def test_open_month_is_marked_draft(rendered):
    assert "下書き" in pdf_text(rendered["draft"])


def test_month_pdf_has_the_known_page_count(rendered):
    # summary 1 page; per client a statement page and a record-sheet page
    assert pdf_page_count(rendered["closed"]) == 5
    assert "1 / 5" in pdf_text(rendered["closed"]) and "5 / 5" in pdf_text(rendered["closed"])


def test_record_sheet_has_the_form_labels_one_row_per_service_day_and_totals(rendered):
    text = "".join(pdf_text(rendered["closed"]).split())  # headers wrap inside their cells
    for label in ("就労移行支援提供実績記録票", "受給者証番号", "契約支給量", "送迎加算", "食事提供加算",
                  "施設外支援", "欠席時対応加算", "利用者確認印", "23日/月"):
        assert label in text, label
    assert "欠席時対応" in text and "電話で体調を確認" in text
    assert "利用10日" in text and "利用5日" in text  # monthly totals of each sheet


def test_records_only_and_separate_files(known_month):
    # given the known month; when printing the record sheets alone
    data = billing_month_pdf(office=known_month.office, month=MAY, kind=KIND_RECORDS)
    # then one page per client, no summary
    assert pdf_page_count(data) == 2
    assert "請求集計表" not in pdf_text(data)
    # and the separate files: the summary and one file per client
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(billing_month_zip(office=known_month.office, month=MAY))).namelist()
    assert len(names) == 3
    assert any(n.endswith("00_請求集計.pdf") for n in names)
    assert any("札幌 一郎" in n for n in names) and any("小樽 花子" in n for n in names)


def test_empty_month_prints_a_summary_without_lines(world):
    text = pdf_text(billing_month_pdf(office=world.office, month=date(2024, 6, 1)))
    assert "この月の請求はありません" in text

"""Rule: the month's claim lines and the follow-up tables export to XLSX and CSV with Japanese headers;
read back, they equal the claim."""

import io

import pandas as pd
import pytest
from django.urls import reverse

from billing.documents.exports import CLAIM_COLUMNS
from billing.selectors import billing_month_statement
from billing.services.closing import billing_month_close
from compostela.history import audit_exports
from tests.billing.documents.conftest import MAY, TOTAL_YEN

pytestmark = pytest.mark.django_db


def test_xlsx_round_trip_equals_the_claim_lines(known_month, manager_client, world):
    billing_month_close(office=known_month.office, month=MAY, by=world.manager)
    response = manager_client.get(reverse("billing:month_export", args=[2024, 5, "xlsx"]))
    assert response.status_code == 200
    assert "claims-0110000001-2024-05-v1.xlsx" in response["Content-Disposition"]
    frame = pd.read_excel(io.BytesIO(response.content), dtype={"受給者証番号": str, "単位数単価": str})
    statement = billing_month_statement(office=known_month.office, month=MAY)
    assert list(frame.columns) == list(CLAIM_COLUMNS.values())
    expected = [(ln.client_name, ln.certificate_number, ln.billable_days, ln.total_units, ln.total_yen,
                 ln.copayment, ln.claimed) for ln in statement.lines]
    got = [tuple(r) for r in frame[["利用者氏名", "受給者証番号", "請求日数", "合計単位数", "総費用額",
                                    "利用者負担額", "請求額"]].itertuples(index=False)]
    assert got == expected
    assert frame["総費用額"].sum() == TOTAL_YEN
    assert set(frame["単位数単価"]) == {"10.17"}
    assert audit_exports().filter(pgh_context__export__what="billing month claim lines XLSX").exists()


def test_csv_has_a_bom_and_japanese_headers(known_month, manager_client):
    response = manager_client.get(reverse("billing:month_export", args=[2024, 5, "csv"]))
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("利用者氏名,受給者証番号,サービス")
    assert "札幌 一郎" in text and "82478" in text


def test_followup_export_has_the_seed_what_if_table(world, manager_client):
    response = manager_client.get(reverse("billing:followup_export", args=["xlsx"]) + "?year=2024")
    sheets = pd.read_excel(io.BytesIO(response.content), sheet_name=None)
    assert set(sheets) == {"就職者ごと", "通所日数別", "試算表"}
    assert sheets["試算表"]["差引"].tolist() == [4650000, 2150000, 650000, 150000, -50000]
    assert sheets["試算表"]["1日あたり"].tolist() == [9300, 8600, 6500, 3000, -1667]
    csv = manager_client.get(reverse("billing:followup_export", args=["csv"]) + "?year=2024")
    assert csv.content.startswith("\ufeff".encode()) and "# 試算表" in csv.content.decode("utf-8-sig")


def test_unknown_export_format_is_404(manager_client, world):
    assert manager_client.get(reverse("billing:month_export", args=[2024, 5, "pdf"])).status_code == 404

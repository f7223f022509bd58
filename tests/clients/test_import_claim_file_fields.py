"""Rule: the client import reads the certificate's claim-file fields (市町村番号 with its check digit, 決定サービス
コード, 事業者記入欄番号, 契約開始日); a bad value is reported on its line and column and nothing is written."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clients.models import Certificate

HEADER = ("family_name,given_name,family_name_kana,given_name_kana,birth_date,status,first_visit_on,enrolled_on,"
          "certificate_number,municipality,certificate_start,certificate_end,income_category,"
          "municipality_number,decision_service_code,provider_entry_number,contract_start")
PERSON = "山本,一郎,ヤマモト,イチロウ,1985-01-02,enrolled,2023-04-01,2023-04-15"
CERTIFICATE = "0123456789,札幌市,2023-04-15,2025-04-14,general_1"


def run(tmp_path, text, office):
    path = tmp_path / "clients.csv"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("import_clients", "--office", office.number, str(path), stdout=out, stderr=err)
    except CommandError as error:
        return False, err.getvalue() + str(error)
    return True, out.getvalue()


def test_the_claim_file_fields_are_imported(world, tmp_path):
    ok, out = run(tmp_path, f"{HEADER}\n{PERSON},{CERTIFICATE},011002,43t0d1,2,2023-04-15\n", world.office)
    assert ok, out
    certificate = Certificate.objects.get()
    assert (certificate.municipality_number, certificate.decision_service_code, certificate.provider_entry_number,
            certificate.contract_start) == ("011002", "43T0D1", 2, date(2023, 4, 15))


def test_japanese_headers_and_empty_fields(world, tmp_path):
    header = HEADER.replace("municipality_number,decision_service_code,provider_entry_number,contract_start",
                            "市町村番号,決定サービスコード,事業者記入欄番号,契約開始日")
    ok, out = run(tmp_path, f"{header}\n{PERSON},{CERTIFICATE},,,,\n", world.office)
    assert ok, out
    certificate = Certificate.objects.get()
    assert (certificate.municipality_number, certificate.provider_entry_number, certificate.contract_start) == (
        "", None, None)


@pytest.mark.parametrize(("cells", "column", "said"), [
    ("011001,43T0D1,1,2023-04-15", "municipality_number", "011001"),  # wrong check digit
    ("11002,43T0D1,1,2023-04-15", "municipality_number", "11002"),  # five digits: not guessed
    ("011002,43T0D,1,2023-04-15", "decision_service_code", "43T0D"),
    ("011002,43T0D1,100,2023-04-15", "provider_entry_number", "100"),
    ("011002,43T0D1,一,2023-04-15", "provider_entry_number", "一"),
    ("011002,43T0D1,1,2023-02-30", "contract_start", "2023-02-30"),
])
def test_a_bad_value_is_reported_on_its_line_and_nothing_is_written(world, tmp_path, cells, column, said):
    ok, out = run(tmp_path, f"{HEADER}\n{PERSON},{CERTIFICATE},{cells}\n", world.office)
    assert not ok
    assert f"clients.csv:2: {column}:" in out, out
    assert Certificate.objects.count() == 0

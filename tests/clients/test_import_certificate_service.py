"""Rules of the import's optional ``service`` column (サービス種類): without it a certificate is a 就労移行支援
one; ``retention_support`` or 就労定着支援 imports a 就労定着支援 certificate beside it; an unknown value is
reported with its line number and nothing is written; re-importing both certificates changes nothing."""

from datetime import date
from io import StringIO

import pandas as pd
from django.core.management import CommandError, call_command
from django.utils.translation import gettext as _

from clients.importing import MSG_SUMMARY
from clients.models import Certificate, CertificateService, Client

HEADER = ("family_name,given_name,family_name_kana,given_name_kana,birth_date,status,first_visit_on,enrolled_on,"
          "certificate_number,municipality,certificate_start,certificate_end,income_category")
PERSON = "山本,一郎,ヤマモト,イチロウ,1985-01-02,enrolled,2023-04-01,2023-04-15"
BOTH = f"""service,{HEADER}
,{PERSON},0123456789,札幌市,2023-04-15,2025-04-14,general_1
retention_support,{PERSON},0123456789,札幌市,2024-10-01,2025-09-30,general_1
"""


def run(tmp_path, text, *args, name="clients.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("import_clients", "--office", *args, str(path), stdout=out, stderr=err)
    except CommandError as error:
        return False, err.getvalue() + str(error)
    return True, out.getvalue()


def test_without_a_service_column_the_certificate_is_a_transition_certificate(world, tmp_path):
    ok, out = run(tmp_path, f"{HEADER}\n{PERSON},0123456789,札幌市,2023-04-15,2025-04-14,general_1\n",
                  world.office.number)
    assert ok, out
    assert Certificate.objects.get().service == CertificateService.TRANSITION


def test_a_retention_support_certificate_is_imported_beside_the_transition_one(world, tmp_path):
    ok, out = run(tmp_path, BOTH, world.office.number)
    assert ok, out
    client = Client.objects.get()
    assert sorted(client.certificates.values_list("service", "period_start")) == [
        ("retention_support", date(2024, 10, 1)), ("transition", date(2023, 4, 15))
    ]


def test_re_importing_both_certificates_changes_nothing(world, tmp_path):
    run(tmp_path, BOTH, world.office.number)
    ok, out = run(tmp_path, BOTH, world.office.number)
    assert ok and _(MSG_SUMMARY) % {"created": 0, "updated": 0, "unchanged": 2, "certificates": 0} in out
    assert Certificate.objects.count() == 2


def test_japanese_header_and_service_name_in_an_xlsx_file(world, tmp_path):
    path = tmp_path / "clients.xlsx"
    pd.DataFrame([{"サービス種類": "就労定着支援", "姓": "山本", "名": "一郎", "セイ": "ヤマモト", "メイ": "イチロウ",
                   "生年月日": "1985-01-02", "利用開始日": "2023-04-15", "受給者証番号": "0123456789",
                   "支給市町村": "札幌市", "支給決定期間開始": "2024-10-01", "支給決定期間終了": "2025-09-30",
                   "所得区分": "一般1"}]).to_excel(path, index=False)
    call_command("import_clients", "--office", world.office.number, str(path), stdout=StringIO(), stderr=StringIO())
    assert Certificate.objects.get().service == CertificateService.RETENTION_SUPPORT


def test_an_unknown_service_is_reported_with_its_line_number_and_nothing_is_written(world, tmp_path):
    text = BOTH + f"continuation_b,{PERSON},0123456789,札幌市,2025-10-01,2026-09-30,general_1\n"
    ok, err = run(tmp_path, text, world.office.number)
    assert not ok
    assert "clients.csv:4: service: 「continuation_b」は transition, retention_support" in err
    assert "clients.csv:2:" not in err and "clients.csv:3:" not in err
    assert not Client.objects.exists() and not Certificate.objects.exists()

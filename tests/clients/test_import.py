"""Rules of import_clients: a good file imports; bad rows are reported with their line numbers and nothing is
written (unless --partial); Japanese headers work; re-importing the same file changes nothing."""

from io import StringIO

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext

from clients.importing import MSG_SUMMARY
from clients.models import Certificate, Client, ClientStatus

HEADER = ("family_name,given_name,family_name_kana,given_name_kana,birth_date,status,first_visit_on,enrolled_on,"
          "referral_source,certificate_number,municipality,certificate_start,certificate_end,income_category")
GOOD = HEADER + """
山本,一郎,ヤマモト,イチロウ,1985-01-02,enrolled,2025-04-01,2025-04-15,hello_work,0123456789,札幌市,2025-04-15,2027-04-14,general_1
川口,さくら,カワグチ,サクラ,1999/12/31,見学,2025-06-01,,病院,,,,,
"""
BAD = """family_name,given_name,family_name_kana,given_name_kana,birth_date,status,first_visit_on,enrolled_on
山本,一郎,ヤマモト,イチロウ,1985-01-02,enrolled,2025-04-01,2025-04-15
川口,,カワグチ,サクラ,1999-12-31,visitor,2025-06-01,
森,花,モリ,ハナ,2001-02-30,visitor,2025-06-01,
"""


def write(tmp_path, text, name="clients.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_clients", *args, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def test_a_good_file_imports_clients_periods_and_certificates(world, tmp_path):
    ok, out, _ = run("--office", world.office.number, write(tmp_path, GOOD))
    assert ok, out
    yamamoto = Client.objects.get(family_name="山本")
    assert (yamamoto.status, yamamoto.office) == (ClientStatus.ENROLLED, world.office)
    assert yamamoto.periods.get().enrolled_on.isoformat() == "2025-04-15"
    assert Certificate.objects.get().copay_cap == 9300
    kawaguchi = Client.objects.get(family_name="川口")
    assert (kawaguchi.status, kawaguchi.referral_source) == (ClientStatus.VISITOR, "hospital")


def test_re_importing_the_same_file_changes_nothing(world, tmp_path):
    path = write(tmp_path, GOOD)
    run("--office", world.office.number, path)
    before = list(Client.objects.values_list("pk", "updated_at")), Certificate.objects.count()
    ok, out, _ = run("--office", world.office.number, path)
    summary = gettext(MSG_SUMMARY) % {"created": 0, "updated": 0, "unchanged": 2, "certificates": 0}
    assert ok and summary in out
    assert (list(Client.objects.values_list("pk", "updated_at")), Certificate.objects.count()) == before


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_written(world, tmp_path):
    ok, _, err = run("--office", world.office.number, write(tmp_path, BAD))
    assert not ok
    assert "clients.csv:3:" in err and "given_name" in err
    assert "clients.csv:4:" in err and "2001-02-30" in err
    assert "clients.csv:2:" not in err
    assert not Client.objects.exists()


def test_partial_writes_the_good_rows_and_reports_the_rest(world, tmp_path):
    ok, _, err = run("--office", world.office.number, "--partial", write(tmp_path, BAD))
    assert ok  # --partial asked for the good rows: done; the rows left out are reported on stderr
    assert list(Client.objects.values_list("family_name", flat=True)) == ["山本"]
    assert "clients.csv:3: given_name: " in err and "clients.csv:4: birth_date: " in err


def test_japanese_headers_in_an_xlsx_file_are_accepted(world, tmp_path):
    frame = pd.DataFrame([{"姓": "青木", "名": "次郎", "セイ": "アオキ", "メイ": "ジロウ", "生年月日": "1990-03-04",
                           "状態": "利用中", "見学日": "2025-05-01", "利用開始日": "2025-05-10",
                           "受給者証番号": "0000012345", "支給市町村": "江別市", "支給決定期間開始": "2025-05-10",
                           "支給決定期間終了": "2027-05-09", "所得区分": "生活保護"}])
    path = tmp_path / "clients.xlsx"
    frame.to_excel(path, index=False)
    ok, out, err = run("--office", world.office.number, str(path))
    assert ok, err
    client = Client.objects.get(family_name="青木")
    assert client.status == ClientStatus.ENROLLED
    assert client.certificates.get().copay_cap == 0


@pytest.mark.parametrize("office", ["9999999999"])
def test_an_unknown_office_is_refused(world, tmp_path, office):
    ok, _, err = run("--office", office, write(tmp_path, GOOD))
    assert not ok and "9999999999" in err

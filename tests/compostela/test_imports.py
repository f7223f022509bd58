"""Rules of the one import framework (compostela.tabular, compostela.importing), shown through the clients
import: UTF-8 with or without BOM and Shift_JIS CSV and XLSX are read; every bad row is reported as
``FILE:LINE: column: reason``; all or nothing, or the good rows with --partial; --dry-run writes nothing;
a file too large, a zip bomb, random bytes named .xlsx, a truncated XLSX and text in another encoding are
refused with one clear line and no traceback."""

from __future__ import annotations

import io
import zipfile
from io import StringIO

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils.translation import gettext as _

from clients.importing import CLIENTS, MSG_BAD_DATE, MSG_REQUIRED, import_clients
from clients.models import Client
from compostela import tabular
from compostela.errors import CompostelaError
from compostela.tabular import FileRefused

HEADER = "family_name,given_name,family_name_kana,given_name_kana,birth_date,status,first_visit_on,enrolled_on\n"
GOOD_ROW = "山本,一郎,ヤマモト,イチロウ,1985-01-02,enrolled,2025-04-01,2025-04-15\n"
GOOD = HEADER + GOOD_ROW
BAD = (
    HEADER
    + GOOD_ROW
    + "川口,,カワグチ,サクラ,1999-12-31,visitor,2025-06-01,\n"
    + "森,花,モリ,ハナ,2001-02-30,visitor,2025-06-01,\n"
)


def run(*args) -> tuple[bool, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_clients", *args, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_a_csv_in_utf8_with_or_without_bom_or_in_shift_jis_is_read(world, tmp_path, encoding):
    path = tmp_path / "clients.csv"
    path.write_bytes(GOOD.encode(encoding))
    ok, out, err = run("--office", world.office.number, str(path))
    assert ok, err
    assert Client.objects.get().family_name == "山本"


def test_a_bom_does_not_hide_the_first_column(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(GOOD.encode("utf-8-sig"))
    assert CLIENTS.open(path).columns[0] == "family_name"


def test_every_bad_row_is_reported_as_file_line_column_reason(world, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(BAD, encoding="utf-8")
    ok, _out, err = run("--office", world.office.number, str(path))
    assert not ok
    assert f"clients.csv:3: given_name: {_(MSG_REQUIRED)}" in err
    assert f"clients.csv:4: birth_date: {_(MSG_BAD_DATE) % {'value': '2001-02-30'}}" in err


def test_a_quoted_cell_over_two_lines_keeps_the_following_rows_line_numbers(world, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(
        HEADER.replace("\n", ",address\n")
        + GOOD_ROW.replace("\n", ',"札幌市\n北区"\n')
        + "森,花,モリ,ハナ,2001-02-30,visitor,2025-06-01,,\n",
        encoding="utf-8",
    )
    report = import_clients(office=world.office, path=path, by=world.manager)
    assert [(p.line, p.column) for p in report.errors] == [(4, "birth_date")]


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(world, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(BAD, encoding="utf-8")
    report = import_clients(office=world.office, path=path, by=world.manager)
    assert not report.written and report.created == 0
    assert not Client.objects.exists()


def test_partial_writes_the_good_rows(world, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(BAD, encoding="utf-8")
    report = import_clients(office=world.office, path=path, by=world.manager, partial=True)
    assert report.written and report.created == 1
    assert list(Client.objects.values_list("family_name", flat=True)) == ["山本"]


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(world, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(BAD, encoding="utf-8")
    ok, out, err = run("--office", world.office.number, "--dry-run", str(path))
    assert ok and "clients.csv:3: given_name" in err
    assert not Client.objects.exists()


def test_a_row_the_database_refuses_is_named_and_the_rest_of_its_batch_is_kept(world, tmp_path):
    # enrolled before the first visit: a database constraint of Client (checked when the batch is saved)
    path = tmp_path / "clients.csv"
    path.write_text(GOOD + "森,花,モリ,ハナ,2001-02-03,enrolled,2025-06-01,2025-05-01\n", encoding="utf-8")
    report = import_clients(office=world.office, path=path, by=world.manager, partial=True)
    assert [p.line for p in report.errors] == [3]
    assert list(Client.objects.values_list("family_name", flat=True)) == ["山本"]
    assert report.created == 1


def test_an_xlsx_file_is_read_in_streaming_mode(world, tmp_path):
    path = tmp_path / "clients.xlsx"
    pd.read_csv(io.StringIO(GOOD), dtype=str).to_excel(path, index=False)
    ok, out, err = run("--office", world.office.number, str(path))
    assert ok, err
    assert Client.objects.count() == 1


def refused(world, path) -> str:
    ok, out, err = run("--office", world.office.number, str(path))
    assert not ok and "Traceback" not in err
    assert not Client.objects.exists()
    return err


def test_a_file_over_the_size_limit_is_refused(world, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(GOOD, encoding="utf-8")
    with override_settings(IMPORT_MAX_FILE_BYTES=100):
        err = refused(world, path)
    assert err.strip() == f"clients.csv: {_(tabular.MSG_TOO_LARGE) % {'limit': f'{100 / 2**20:g}'}}"
    with override_settings(IMPORT_MAX_FILE_BYTES=100), pytest.raises(FileRefused) as caught:
        CLIENTS.open(path)
    assert caught.value.code == CompostelaError.IMPORT_TOO_LARGE


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_as_a_zip_bomb(world, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 2**20))  # 30 MB of zeros: a few KB packed
    assert path.stat().st_size < 100_000
    with override_settings(IMPORT_MAX_UNPACKED_BYTES=10 * 2**20):
        err = refused(world, path)
        with pytest.raises(FileRefused) as caught:
            CLIENTS.open(path)
    assert caught.value.code == CompostelaError.IMPORT_UNPACKS_TOO_LARGE
    assert _(tabular.MSG_UNPACKS_TOO_LARGE) % {"limit": "10"} in err


@pytest.mark.parametrize("content", [bytes(range(256)) * 40, b"PK\x03\x04" + b"\x00" * 50])
def test_random_bytes_named_xlsx_are_refused_with_one_line(world, tmp_path, content):
    path = tmp_path / "clients.xlsx"
    path.write_bytes(content)
    err = refused(world, path)
    assert err.strip() == f"clients.xlsx: {_(tabular.MSG_NOT_XLSX)}"


def test_a_truncated_xlsx_is_refused_with_one_line(world, tmp_path):
    whole = tmp_path / "whole.xlsx"
    pd.read_csv(io.StringIO(GOOD * 1), dtype=str).to_excel(whole, index=False)
    path = tmp_path / "clients.xlsx"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    err = refused(world, path)
    assert err.strip() == f"clients.xlsx: {_(tabular.MSG_NOT_XLSX)}"


def test_text_in_another_encoding_is_refused_with_one_line(world, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(GOOD.encode("utf-16"))
    err = refused(world, path)
    assert err.strip() == f"clients.csv: {_(tabular.MSG_ENCODING)}"


def test_bytes_in_neither_utf8_nor_shift_jis_are_refused(world, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(HEADER.encode() + b"\x80\xff\xfe\x81\x00" * 10)
    err = refused(world, path)
    assert err.strip() == f"clients.csv: {_(tabular.MSG_ENCODING)}"


def test_another_suffix_is_refused(world, tmp_path):
    path = tmp_path / "clients.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert refused(world, path).strip() == f"clients.pdf: {_(tabular.MSG_UNSUPPORTED)}"

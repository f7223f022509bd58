"""Rule: import_attendance brings past months in through the same rules as the roster — all or nothing with
a line-numbered report (or --partial), and re-importing the same file changes nothing."""

from datetime import date, time
from io import StringIO

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext as _

from attendance import importing as command
from attendance import rules
from attendance.models import Attendance, AttendanceStatus
from tests.factories import enrolled_client

HEADER = "certificate_number,client_id,date,status,start,end,transport,meal,note\n"


@pytest.fixture
def two_clients(world, today):
    first = enrolled_client(world.office, kana="ア")
    second = enrolled_client(world.office, kana="イ")
    return first, second, first.certificates.get().number


def run(world, path, *extra) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_attendance", str(path), "--office", world.office.number, *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, text: str, name="attendance.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def good_csv(tmp_path, first_number, second):
    return write(tmp_path, HEADER
                 + f"{first_number},,2025-05-12,通所,10:00,15:00,往復,1,\n"
                 + f",{second.pk},2025/5/12,absent,,,,,\n"
                 + f"{first_number},,2025-05-13,欠席時対応,,,,,電話で確認\n"
                 + f",{second.pk},2025-05-13,offsite,9:30,12:00,to,0,企業実習\n")


def test_a_good_file_is_imported(world, two_clients, tmp_path):
    first, second, number = two_clients
    out, err = run(world, good_csv(tmp_path, number, second))
    assert err == ""
    row = Attendance.objects.get(client=first, day=date(2025, 5, 12))
    assert (row.status, row.start_time, row.transport_to, row.transport_from, row.meal) == (
        AttendanceStatus.ATTENDED, time(10), True, True, True)
    assert Attendance.objects.get(client=first, day=date(2025, 5, 13)).note == "電話で確認"
    assert Attendance.objects.get(client=second, day=date(2025, 5, 13)).transport_to
    assert Attendance.objects.count() == 4
    assert Attendance.objects.first().updated_by == world.manager


def test_importing_the_same_file_twice_changes_nothing(world, two_clients, tmp_path):
    first, second, number = two_clients
    path = good_csv(tmp_path, number, second)
    run(world, path)
    before = list(Attendance.objects.order_by("pk").values_list("pk", "version", "updated_at"))
    out, err = run(world, path)
    assert list(Attendance.objects.order_by("pk").values_list("pk", "version", "updated_at")) == before
    assert out.strip() == _(
        "Imported from %(file)s: %(created)d created, %(updated)d updated, %(deleted)d removed, "
        "%(unchanged)d unchanged, %(failed)d lines with errors."
    ) % {"file": path.name, "created": 0, "updated": 0, "deleted": 0, "unchanged": 4, "failed": 0}


def test_bad_lines_are_reported_with_their_line_numbers_and_nothing_is_imported(world, two_clients, tmp_path):
    first, second, number = two_clients
    path = write(tmp_path, HEADER
                 + f"{number},,2025-05-12,通所,10:00,15:00,,,\n"  # line 2: good
                 + "0000000000,,2025-05-12,通所,,,,,\n"  # line 3: unknown certificate
                 + f",{second.pk},2025-05-40,通所,,,,,\n"  # line 4: bad date
                 + f",{second.pk},2025-05-14,休み,,,,,\n"  # line 5: bad status
                 + f",{second.pk},2025-05-15,通所,15:00,10:00,,,\n"  # line 6: end before start (a roster rule)
                 + f"{number},,2025-05-12,欠席,,,,,\n")  # line 7: duplicate of line 2
    with pytest.raises(CommandError):
        run(world, path)
    assert not Attendance.objects.exists()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_attendance", str(path), "--office", world.office.number, stderr=err, stdout=StringIO())
    report = err.getvalue()
    reported = {int(line.split(":")[1]) for line in report.splitlines()}  # FILE:LINE: column: reason
    assert reported == {3, 4, 5, 6, 7}
    assert f"attendance.csv:7: date: {_(command.MSG_DUPLICATE) % {'line': 2}}" in report


def test_roster_rules_apply_to_imported_lines(world, two_clients, tmp_path):
    first, second, number = two_clients
    path = write(tmp_path, HEADER + f"{number},,2024-03-01,通所,,,,,\n")  # before enrolment
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_attendance", str(path), "--office", world.office.number, stderr=err, stdout=StringIO())
    assert str(rules.MSG_BEFORE_ENROLMENT) in err.getvalue()


def test_partial_imports_the_good_lines_and_reports_the_others(world, two_clients, tmp_path):
    first, second, number = two_clients
    path = write(tmp_path, HEADER
                 + f"{number},,2025-05-12,通所,,,,,\n"
                 + f",{second.pk},2025-05-12,通所,15:00,10:00,,,\n")
    out, err = run(world, path, "--partial")
    assert Attendance.objects.filter(client=first).count() == 1
    assert not Attendance.objects.filter(client=second).exists()
    assert err.startswith("attendance.csv:3: ")


def test_another_offices_client_id_is_unknown(world, two_clients, tmp_path):
    stranger = enrolled_client(world.other_office)
    path = write(tmp_path, HEADER + f",{stranger.pk},2025-05-12,通所,,,,,\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_attendance", str(path), "--office", world.office.number, stderr=err, stdout=StringIO())
    assert _(command.MSG_UNKNOWN_CLIENT_ID) % {"id": stranger.pk} in err.getvalue()
    assert not Attendance.objects.exists()


def test_an_xlsx_file_with_japanese_headers_is_imported(world, two_clients, tmp_path):
    first, second, number = two_clients
    path = tmp_path / "attendance.xlsx"
    pd.DataFrame([
        {"受給者証番号": number, "日付": pd.Timestamp("2025-05-12"), "状況": "通所", "開始": "10:00", "終了": "15:00",
         "送迎": "往", "食事": "○", "備考": ""},
        {"受給者証番号": number, "日付": pd.Timestamp("2025-05-13"), "状況": "欠席", "開始": "", "終了": "",
         "送迎": "", "食事": "", "備考": ""},
    ]).to_excel(path, index=False)
    run(world, path)
    row = Attendance.objects.get(client=first, day=date(2025, 5, 12))
    assert (row.transport_to, row.transport_from, row.meal) == (True, False, True)
    assert Attendance.objects.filter(client=first).count() == 2


def test_a_shift_jis_csv_from_excel_is_read(world, two_clients, tmp_path):
    first, second, number = two_clients
    path = tmp_path / "sjis.csv"
    path.write_bytes(("受給者証番号,日付,状況\n" + f"{number},2025-05-12,通所\n").encode("cp932"))
    run(world, path)
    assert Attendance.objects.filter(client=first).exists()

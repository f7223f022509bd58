"""Rule: every import command survives a file with any cells (empty, huge, wrong type, out of range,
non-Japanese, 全角/半角, control characters): it imports, or it stops with a message naming the problem
and writes nothing (the default is all or nothing) — never a traceback, never a half-written import."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import enrolled_client
from tests.trust.fuzz import any_value, fuzz_settings
from tests.trust.helpers import database_state, state_difference

FUZZ_EXAMPLES = 25  # per import command

COMMANDS = {
    "import_clients": ["姓", "名", "セイ", "メイ", "生年月日", "状態", "利用開始日", "受給者証番号", "支給市町村",
                       "支給決定期間開始", "支給決定期間終了", "支給量", "所得区分", "負担上限月額"],
    "import_attendance": ["certificate_number", "date", "status", "start", "end", "transport", "meal", "note"],
    "import_placements": ["certificate_number", "employer", "job_title", "job_field", "recruitment_type",
                          "start_date", "hours_per_week", "hourly_wage", "employment_form", "disclosed"],
    "import_followups": ["certificate_number", "employer", "start_date", "day", "kind", "minutes", "staff"],
    "import_plans": ["種別", "受給者証番号", "版", "計画期間開始", "計画期間終了", "原案作成日", "同意日",
                     "総合的な支援の方針", "長期目標", "目標1", "目標1支援内容", "モニタリング日", "モニタリング結果",
                     "目標1進捗"],
}
VALID_ROWS = {
    "import_clients": ["山田", "一郎", "ヤマダ", "イチロウ", "1990-05-01", "利用中", "2025-04-15", "{cert}", "札幌市",
                       "2025-04-01", "2026-03-31", "22", "一般1", "9300"],
    "import_attendance": ["{cert}", "2025-06-02", "通所", "10:00", "15:00", "往復", "○", ""],
    "import_placements": ["{cert}", "札幌物流", "倉庫", "倉庫作業", "障がい者求人", "2025-10-01", "20", "1100", "無期",
                          "はい"],
    "import_followups": ["{cert}", "札幌物流", "2025-10-01", "2025-10-15", "面談", "30", "a-staff"],
    "import_plans": ["計画", "{cert}", "1", "2025-04-01", "2025-09-30", "2025-03-25", "2025-03-28", "面談を週1回",
                     "事務職で働く", "週4日通所", "面談", "", "", ""],
}


def _file(tmp_path, command, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COMMANDS[command])
    writer.writerows(rows)
    path = tmp_path / f"{command}.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("command", sorted(COMMANDS))
@settings(fuzz_settings, max_examples=FUZZ_EXAMPLES)
@given(data=st.data())
def test_an_import_of_any_cells_imports_or_explains_and_writes_nothing(command, world, tmp_path, data):
    # given a client with a certificate, and a file of two rows whose cells are kept or fuzzed
    if not hasattr(world, "_fuzz_client"):
        world._fuzz_client = enrolled_client(world.office)
    cert = world._fuzz_client.certificates.get().number
    valid = [cell.replace("{cert}", cert) for cell in VALID_ROWS[command]]
    rows = [[cell if data.draw(st.booleans()) else data.draw(any_value()) for cell in valid] for _ in range(2)]
    path = _file(tmp_path, command, rows)
    before = database_state()
    # when
    try:
        call_command(command, path, office=world.office.number, stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as error:
        # then a refusal says why and changes nothing
        assert str(error).strip()
        assert state_difference(before, database_state()) == {}

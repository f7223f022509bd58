"""Rule: one word per thing in the Japanese catalogue.  The role is サービス管理責任者 (never 統括), coming to
the office is 通所 (never 出席), a company is 企業, the roster's earlier status is 前回 and its times are 開始/終了,
a job title is 職名 (職種 is the job field)."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import po_fill  # noqa: E402

CATALOGUE = ROOT / "locale/ja/LC_MESSAGES/django.po"


def translations() -> dict[str, str]:
    entries = po_fill.load(CATALOGUE)[1:]
    return {
        po_fill.entry_key(e["fields"]): "".join(
            po_fill._unquote(v) for k, v in e["fields"].items() if k.startswith("msgstr")
        )
        for e in entries
    }


@pytest.mark.parametrize(("avoided", "use"), [("統括", "サービス管理責任者"), ("出席", "通所")])
def test_no_translation_uses_the_avoided_word(avoided, use):
    offending = {key: text for key, text in translations().items() if avoided in text}
    assert offending == {}, f"write {use} instead of {avoided}"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("[attendance roster]Previous", "前回"),
        ("[attendance time]Start", "開始"),
        ("job title", "職名"),
        ("job field", "職種"),
        ("employer", "企業"),
        ("Company name", "企業名"),
        ("[application]Employer", "応募先"),
        ("Employer", "就職先"),
        ("Supervisor", "サービス管理責任者"),
    ],
)
def test_each_thing_has_its_one_word(key, expected):
    assert translations()[key] == expected

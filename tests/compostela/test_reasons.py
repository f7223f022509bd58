"""Rule: a reason someone must give is a few words — not empty, one character, punctuation or digits."""

import pytest

from compostela.reasons import is_real_reason


@pytest.mark.parametrize("text", ["", "   ", "0", "12345", "x", "..", "ああ", "！？", "１２３"])
def test_these_say_nothing(text):
    assert not is_real_reason(text)


@pytest.mark.parametrize("text", ["通知", "出席の訂正", "誤入力", "city notice 2025-04", "入力ミス 3日分"])
def test_these_are_reasons(text):
    assert is_real_reason(text)

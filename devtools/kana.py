"""Numbers written in kana, for made-up readings (a reading is kana only: clients.rules.katakana_name).
Used by the benchmark's import rows and the test factories."""

KANA_DIGITS = "アイウエオカキクケコ"  # in kana order, so the numbers keep their order when sorted


def kana_number(n: int, width: int = 0) -> str:
    """``n`` with kana for digits, zero-padded to ``width``: 12 → イウ, (7, 4) → アアアク."""
    return "".join(KANA_DIGITS[int(digit)] for digit in f"{n:0{width}d}")

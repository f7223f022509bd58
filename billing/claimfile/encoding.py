"""How the claim file writes its values and lines (layout reference, "The file"): CP932, CRLF, commas; a value
is quoted with " when it holds a comma, a double quote, a space or any double-byte character, a double quote
inside doubled; every line ends with ``,`` + CRLF (the outer record's ブランク item)."""

from __future__ import annotations

import unicodedata

ENCODING = "cp932"
LINE_END = ",\r\n"


def byte_length(value: str) -> int:
    """The bytes of ``value`` in CP932 (raises ``UnicodeEncodeError`` for a character CP932 lacks)."""
    return len(value.encode(ENCODING))


def is_double_byte(char: str) -> bool:
    return len(char.encode(ENCODING)) > 1


def has_control_character(value: str) -> bool:
    if value.isascii():  # fast path: an ASCII string is printable unless it holds a control character
        return not value.isprintable()
    return any(unicodedata.category(c) == "Cc" for c in value)


def quoted(value: str) -> str:
    """``value`` as the file writes it: quoted when it holds a comma, a double quote, a space or a double-byte
    character; a double quote inside doubled."""
    if not value:
        return value
    if "," in value or '"' in value or " " in value or (not value.isascii() and any(is_double_byte(c) for c in value)):
        return '"' + value.replace('"', '""') + '"'
    return value


def line(values: list[str]) -> str:
    """One record: the values joined by commas, then ``,`` + CRLF."""
    return ",".join(quoted(v) for v in values) + LINE_END

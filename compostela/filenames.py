"""File names built from what people typed (a client's name in a ZIP of PDFs, a download's name): made of
safe parts only, so no name can climb out of its folder, split a header or break a file system.

One rule, used for ZIP entry names and ``Content-Disposition`` file names."""

from __future__ import annotations

import re
import unicodedata

# path separators, characters Windows refuses, quotes and the characters that end or split a header
UNSAFE = re.compile(r"[\\/:*?\"'<>|`;\x00-\x1f\x7f]")
MAX_PART = 60


def safe_filename_part(text: str, *, fallback: str = "file", max_length: int = MAX_PART) -> str:
    """``text`` as one piece of a file name: NFKC-normalised, control and format characters, path
    separators, quotes and characters file systems refuse dropped (runs of spaces left as one space), no
    leading dots, at most ``max_length`` characters; ``fallback`` when nothing is left.
    ``../../tmp/evil`` → ``tmp evil``."""
    normal = unicodedata.normalize("NFKC", text or "")
    kept = "".join(ch for ch in normal if unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp"})
    kept = UNSAFE.sub(" ", kept)
    kept = " ".join(kept.split())
    kept = kept.strip("._- ")
    kept = re.sub(r"\.{2,}", ".", kept)
    return kept[:max_length] or fallback


def safe_filename(name: str, *, fallback: str = "download") -> str:
    """A whole file name (stem and extension) made safe the same way, keeping its extension."""
    stem, dot, extension = (name or "").rpartition(".")
    if not dot:
        return safe_filename_part(name, fallback=fallback)
    safe_extension = safe_filename_part(extension, fallback="bin", max_length=8)
    return f"{safe_filename_part(stem, fallback=fallback)}.{safe_extension}"

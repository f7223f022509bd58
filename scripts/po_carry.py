"""Carry translations from another copy of the catalogue (e.g. a merged branch's) into this one: every entry
still untranslated here that the other copy translates gets that translation.

    python scripts/po_carry.py OTHER.po locale/ja/LC_MESSAGES/django.po
"""

from __future__ import annotations

import sys
from pathlib import Path

import po_fill


def translations(path: Path) -> dict[str, str]:
    found = {}
    for entry in po_fill.load(path)[1:]:
        fields = entry["fields"]
        strs = [po_fill._unquote(v) for k, v in fields.items() if k.startswith("msgstr")]
        fuzzy = any(c.startswith("#,") and "fuzzy" in c for c in entry["comments"])
        if strs and all(strs) and not fuzzy:
            found[po_fill.entry_key(fields)] = strs[0]
    return found


def main(other: str, target: str) -> int:
    known = translations(Path(other))
    missing = po_fill.untranslated(po_fill.load(Path(target))[1:])
    pairs = {key: known[key] for key in missing if key in known}
    print(f"carried {po_fill.fill(Path(target), pairs)} of {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))

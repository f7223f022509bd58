"""Fill or check translations in a gettext .po catalogue without needing extra tools.

    python scripts/po_fill.py fill locale/ja/LC_MESSAGES/django.po < pairs.tsv   # "msgid<TAB>msgstr" lines
    python scripts/po_fill.py missing locale/ja/LC_MESSAGES/django.po            # list untranslated msgids

``fill`` sets the translation of each listed msgid (and clears its fuzzy flag); escapes such as \\n in
the TSV are kept as written.  An entry with a context (msgctxt) is named ``[context]msgid`` in both
commands.  ``missing`` exits 1 when any entry is untranslated or fuzzy.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ENTRY_SPLIT = re.compile(r"\n\s*\n")


def _unquote(lines: list[str]) -> str:
    return "".join(re.match(r'^\s*(?:msg\w+(?:\[\d\])?\s+)?"(.*)"\s*$', line).group(1) for line in lines)


def parse_entry(block: str) -> dict:
    entry: dict = {"comments": [], "fields": {}}
    current = None
    for line in block.splitlines():
        if line.startswith("#"):
            entry["comments"].append(line)
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?)\s", line)
        if match:
            current = match.group(1)
            entry["fields"][current] = [line]
        elif current and line.strip().startswith('"'):
            entry["fields"][current].append(line)
    return entry


def render_entry(entry: dict) -> str:
    lines = list(entry["comments"])
    for _name, field_lines in entry["fields"].items():
        lines.extend(field_lines)
    return "\n".join(lines)


def load(path: Path) -> list[dict]:
    return [parse_entry(block) for block in ENTRY_SPLIT.split(path.read_text(encoding="utf-8").strip())]


def entry_key(fields: dict) -> str:
    """The msgid, prefixed with ``[context]`` when the entry has one."""
    msgid = _unquote(fields.get("msgid", ['msgid ""']))
    if "msgctxt" in fields and msgid:
        return f"[{_unquote(fields['msgctxt'])}]{msgid}"
    return msgid


def untranslated(entries: list[dict]) -> list[str]:
    missing = []
    for entry in entries:
        fields = entry["fields"]
        msgid = entry_key(fields)
        if not msgid:
            continue
        strs = [_unquote(v) for k, v in fields.items() if k.startswith("msgstr")]
        fuzzy = any(c.startswith("#,") and "fuzzy" in c for c in entry["comments"])
        if fuzzy or not all(strs):
            missing.append(msgid)
    return missing


def fill(path: Path, pairs: dict[str, str]) -> int:
    entries = load(path)
    done = 0
    for entry in entries:
        fields = entry["fields"]
        msgid = entry_key(fields)
        if msgid not in pairs or not msgid:
            continue
        for key in [k for k in fields if k.startswith("msgstr")]:
            fields[key] = [f'{key} "{pairs[msgid]}"']
        entry["comments"] = [
            c if not (c.startswith("#,") and "fuzzy" in c) else c.replace(" fuzzy,", "").replace(", fuzzy", "")
            for c in entry["comments"]
        ]
        entry["comments"] = [c for c in entry["comments"] if c.strip() not in {"#, fuzzy", "#,"}]
        entry["comments"] = [c for c in entry["comments"] if not c.startswith("#| ")]
        done += 1
    path.write_text("\n\n".join(render_entry(e) for e in entries) + "\n", encoding="utf-8")
    return done


def main(argv: list[str]) -> int:
    command, path = argv[1], Path(argv[2])
    if command == "missing":
        missing = untranslated(load(path)[1:])
        for msgid in missing:
            print(msgid)
        return 1 if missing else 0
    if command == "fill":
        pairs = {}
        for line in sys.stdin.read().splitlines():
            if "\t" in line:
                msgid, msgstr = line.split("\t", 1)
                pairs[msgid] = msgstr
        print(f"filled {fill(path, pairs)} of {len(pairs)}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/bin/sh
# Resolve a merge conflict in the Japanese catalogue: keep every translation from both sides, regenerate
# the catalogue from the sources, and fill it from the union.  Usage: sh scripts/merge_po.sh
set -eu
PO=locale/ja/LC_MESSAGES/django.po
tmp=$(mktemp -d)
git show ":2:$PO" > "$tmp/ours.po"
git show ":3:$PO" > "$tmp/theirs.po"
.venv/bin/python - "$tmp/ours.po" "$tmp/theirs.po" > "$tmp/pairs.tsv" <<'PY'
import sys
sys.path.insert(0, "scripts")
from pathlib import Path
from po_fill import load, _unquote
pairs = {}
for path in sys.argv[1:]:
    for entry in load(Path(path))[1:]:
        f = entry["fields"]
        msgid = _unquote(f.get("msgid", ['msgid ""']))
        strs = [_unquote(v) for k, v in f.items() if k.startswith("msgstr")]
        fuzzy = any(c.startswith("#,") and "fuzzy" in c for c in entry["comments"])
        if msgid and strs and strs[0] and not fuzzy:
            pairs[msgid] = strs[0]
for k, v in pairs.items():
    print(f"{k}\t{v}")
PY
cp "$tmp/theirs.po" "$PO"
.venv/bin/python manage.py makemessages --locale ja --ignore=.venv --ignore=.pgdata --no-obsolete >/dev/null
.venv/bin/python scripts/po_fill.py fill "$PO" < "$tmp/pairs.tsv"
.venv/bin/python manage.py compilemessages --ignore=.venv >/dev/null
echo "still untranslated:"; .venv/bin/python scripts/po_fill.py missing "$PO" || true
git add "$PO"

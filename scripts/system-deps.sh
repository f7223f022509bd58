#!/bin/sh
# Installs the Debian packages Compostela needs when they are missing:
#   gettext (compiled translations), chromium (browser tests), poppler-utils (reading PDFs back in tests).
# Usage: scripts/system-deps.sh [run|test]   — "run" needs only gettext.
set -eu
need="gettext:msgfmt"
if [ "${1:-test}" = "test" ]; then
  need="$need chromium:chromium poppler-utils:pdftotext"
fi
missing=""
for pair in $need; do
  pkg=${pair%%:*}; cmd=${pair##*:}
  command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "Missing system packages:$missing — install them (apt-get install$missing) and run again." >&2
  exit 1
fi
echo "Installing system packages:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null

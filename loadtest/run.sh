#!/bin/sh
# Starts gunicorn on 127.0.0.1:8001 (production settings relaxed for loopback HTTP by the Makefile's
# SERVE_ENV), runs locust headless — 50 users, 2 minutes, then it stops by itself — stops the server and
# writes bench/loadtest.json and bench/loadtest.md.  Usage: make loadtest (see the Makefile).
set -eu
PY=${PY:-.venv/bin/python}
LOCUST=${LOCUST:-.venv/bin/locust}
GUNICORN=${GUNICORN:-.venv/bin/gunicorn}
USERS=${LOADTEST_USERS:-50}
SPAWN_RATE=${LOADTEST_SPAWN_RATE:-10}
DURATION=${LOADTEST_DURATION:-120s}
HOST=http://127.0.0.1:8001
mkdir -p bench
"$PY" manage.py collectstatic --noinput -v0
GUNICORN_BIND=127.0.0.1:8001 "$GUNICORN" -c gunicorn.conf.py compostela.wsgi > bench/loadtest-server.log 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT INT TERM
"$PY" - "$HOST" <<'PYEOF'
import sys, time, urllib.request
for _ in range(60):
    try:
        urllib.request.urlopen(sys.argv[1] + "/login/", timeout=2)
        break
    except Exception:
        time.sleep(1)
else:
    sys.exit("the server did not start: see bench/loadtest-server.log")
PYEOF
"$LOCUST" -f loadtest/locustfile.py --headless --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$DURATION" \
    --stop-timeout 10 --host "$HOST" --csv bench/loadtest --only-summary --exit-code-on-error 0 || true
"$PY" loadtest/summarise.py bench/loadtest --users "$USERS" --duration "$DURATION"

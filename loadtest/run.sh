#!/bin/sh
# Starts LOADTEST_INSTANCES gunicorn instances (1 or 2) on 127.0.0.1:LOADTEST_PORT and the next port, all on
# the one database (production settings relaxed for loopback HTTP by the Makefile's SERVE_ENV), runs locust
# headless through loadtest/cpu.py — 50 users, 2 minutes, then it stops by itself — stops the servers and
# writes loadtest.json and loadtest.md (latencies, throughput, errors, where the CPU went) to LOADTEST_OUT
# (git-ignored); LOADTEST_UPDATE_SUMMARY=1 also writes them to bench/ (the committed copy).
# Exits 1 and says FAIL when any request failed.  Usage: make loadtest, make loadtest-two (see the Makefile).
set -eu
PY=${PY:-.venv/bin/python}
LOCUST=${LOCUST:-.venv/bin/locust}
GUNICORN=${GUNICORN:-.venv/bin/gunicorn}
USERS=${LOADTEST_USERS:-50}
SPAWN_RATE=${LOADTEST_SPAWN_RATE:-10}
DURATION=${LOADTEST_DURATION:-120s}
INSTANCES=${LOADTEST_INSTANCES:-1}
PORT=${LOADTEST_PORT:-8001}
OUT=${LOADTEST_OUT:-bench/out}
case "$INSTANCES" in 1|2) ;; *) echo "LOADTEST_INSTANCES must be 1 or 2, not $INSTANCES" >&2; exit 2 ;; esac
PORTS=$PORT
if [ "$INSTANCES" = 2 ]; then PORTS="$PORT $((PORT + 1))"; fi

for port in $PORTS; do
    "$PY" - "$port" <<'PYEOF' || exit 2
import socket, sys
port = int(sys.argv[1])
with socket.socket() as probe:
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn: closed connections do not count
    try:
        probe.bind(("127.0.0.1", port))
    except OSError as refused:
        sys.exit(f"port {port} on 127.0.0.1 is taken ({refused.strerror}): choose others with "
                 f"LOADTEST_PORT=<free port> (two instances use it and the next one)")
PYEOF
done

mkdir -p "$OUT"
rm -f "$OUT"/loadtest_*.csv
"$PY" manage.py collectstatic --noinput -v0
# The embedded database (DATABASE_URL unset) is started by manage.py above; its postmaster's pid is the
# first line of postmaster.pid.  With DATABASE_URL set, LOADTEST_PG_PID names it if it runs on this machine.
PGDATA_DIR=${COMPOSTELA_PGDATA:-.pgdata}
PG_PID=${LOADTEST_PG_PID:-}
if [ -z "$PG_PID" ] && [ -z "${DATABASE_URL:-}" ] && [ -f "$PGDATA_DIR/postmaster.pid" ]; then
    PG_PID=$(head -n 1 "$PGDATA_DIR/postmaster.pid")
fi

SERVERS=""
HOSTS=""
NAMES="A B"
stop_servers() {
    for pid in $SERVERS; do kill "$pid" 2>/dev/null || true; done
    for pid in $SERVERS; do wait "$pid" 2>/dev/null || true; done
}
trap stop_servers EXIT
trap 'exit 130' INT TERM
set --  # the positional parameters hold cpu.py's --group options (names with spaces)
for port in $PORTS; do
    name=${NAMES%% *}; NAMES=${NAMES#* }
    GUNICORN_BIND=127.0.0.1:$port "$GUNICORN" -c gunicorn.conf.py compostela.wsgi > "$OUT/server-$name.log" 2>&1 &
    SERVERS="$SERVERS $!"
    HOSTS="${HOSTS:+$HOSTS,}http://127.0.0.1:$port"
    set -- "$@" --group "gunicorn $name (127.0.0.1:$port)=$!"
done
if [ -n "$PG_PID" ]; then set -- "$@" --group "postgres=$PG_PID"; fi

"$PY" - "$OUT" $(echo "$HOSTS" | tr ',' ' ') <<'PYEOF'
import sys, time, urllib.request
for host in sys.argv[2:]:
    for _ in range(60):
        try:
            urllib.request.urlopen(host + "/login/", timeout=2)
            break
        except Exception:
            time.sleep(1)
    else:
        sys.exit(f"the server {host} did not start: see {sys.argv[1]}/server-*.log")
PYEOF

LOADTEST_HOSTS=$HOSTS LOADTEST_CSV=$OUT/loadtest "$PY" loadtest/cpu.py --out "$OUT/cpu.json" "$@" -- \
    "$LOCUST" -f loadtest/locustfile.py --headless --users "$USERS" --spawn-rate "$SPAWN_RATE" \
    --run-time "$DURATION" --stop-timeout 10 --host "${HOSTS%%,*}" --only-summary --exit-code-on-error 0 || true
set -- "$OUT/loadtest" --users "$USERS" --duration "$DURATION" --hosts "$HOSTS" --cpu "$OUT/cpu.json"
if [ "${LOADTEST_UPDATE_SUMMARY:-0}" = 1 ]; then set -- "$@" --summary-dir bench; fi
"$PY" loadtest/summarise.py "$@"

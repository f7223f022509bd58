"""Turns locust's final statistics (``<prefix>_stats.csv`` and ``_failures.csv``, written by the locustfile
once the last user stopped) and ``cpu.py``'s measurements into ``loadtest.json`` and ``loadtest.md`` in the
output folder: throughput, p50/p95/p99 and errors, overall and per request, and the share of the machine's CPU
each process group used.  ``--summary-dir bench`` also writes them to the committed summary.  Exits 1 and
says FAIL when there was any error."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import UTC, datetime
from pathlib import Path


def number(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def read_stats(path: Path) -> list[dict]:
    """Locust's per-request lines, the last one named "Aggregated"."""
    with path.open(encoding="utf-8") as handle:
        return [{"method": row["Type"], "name": row["Name"], "requests": int(row["Request Count"]),
                 "failures": int(row["Failure Count"]), "rps": number(row["Requests/s"]),
                 "p50_ms": number(row["50%"]), "p95_ms": number(row["95%"]), "p99_ms": number(row["99%"]),
                 "max_ms": number(row["Max Response Time"])}
                for row in csv.DictReader(handle)]


def cpu_shares(cpu: dict) -> list[dict]:
    """Each group's CPU seconds as a share of what the machine's cores could give over the run, then locust,
    the rest of the machine (other users' processes, the kernel) and idle; the shares add up to 100 %."""
    capacity = cpu["capacity_s"]
    measured = [(group["name"], group["cpu_s"], group["processes_after"]) for group in cpu["groups"]]
    measured.append(("locust", cpu["locust"]["cpu_s"], 1))
    busy = capacity - cpu["idle_s"]
    # /proc/stat and the processes' counters tick separately: a few hundredths may not match, never below 0
    other = max(0.0, busy - sum(seconds for _name, seconds, _count in measured))
    rows = [*measured, ("other processes on the machine", other, None), ("idle", cpu["idle_s"], None)]
    return [{"group": name, "processes": count, "cpu_s": round(seconds, 2),
             "share_pct": round(100 * seconds / capacity, 1) if capacity else None,
             "cores": round(seconds / cpu["elapsed_s"], 2) if cpu["elapsed_s"] else None}
            for name, seconds, count in rows]


def render(document: dict) -> str:
    total, hosts = document["total"], document["hosts"]
    where = (f"{len(hosts)} gunicorn instances ({', '.join(hosts)}) sharing one database"
             if len(hosts) > 1 else f"gunicorn on {hosts[0] if hosts else '127.0.0.1'}")
    lines = [f"# Load test: {document['users']} staff for {document['duration']} ({where}, loopback)", "",
             f"**{document['result']}**: {total['requests']} requests, {total['failures']} errors. "
             f"Throughput {total['rps']:.1f} requests/s; p50 {total['p50_ms']:.0f} ms, p95 {total['p95_ms']:.0f} ms, "
             f"p99 {total['p99_ms']:.0f} ms.", "",
             "| request | count | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in [*document["requests"], total]:
        lines.append(f"| {r['method']} {r['name']} | {r['requests']} | {r['failures']} | {r['rps']:.2f} | "
                     f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['max_ms']:.0f} |")
    cpu = document.get("cpu")
    if cpu:
        lines += ["", f"Where the CPU went ({cpu['cpus']} cores × {cpu['elapsed_s']:.0f} s = "
                      f"{cpu['capacity_s']:.0f} CPU-seconds; processes counted at the end):", "",
                  "| group | processes | CPU s | share of the machine | cores |", "|---|---:|---:|---:|---:|"]
        for row in cpu["shares"]:
            processes = "" if row["processes"] is None else row["processes"]
            lines.append(f"| {row['group']} | {processes} | {row['cpu_s']:.1f} | {row['share_pct']:.1f} % | "
                         f"{row['cores']:.2f} |")
    if document["failures"]:
        lines += ["", "Errors:", ""]
        lines += [f"* {f.get('Method', '')} {f.get('Name', '')}: {f.get('Error', '')} ×{f.get('Occurrences', '')}"
                  for f in document["failures"]]
    return "\n".join(lines) + "\n"


def summarise(*, prefix: str, users: int | None, duration: str | None, hosts: list[str],
              cpu_file: Path | None) -> dict:
    rows = read_stats(Path(f"{prefix}_stats.csv"))
    total = next(r for r in rows if r["name"] == "Aggregated")
    failures_file = Path(f"{prefix}_failures.csv")
    failures = []
    if failures_file.is_file():
        with failures_file.open(encoding="utf-8") as handle:
            failures = list(csv.DictReader(handle))
    cpu = None
    if cpu_file and cpu_file.is_file():
        cpu = json.loads(cpu_file.read_text(encoding="utf-8"))
        cpu["shares"] = cpu_shares(cpu)
    return {"generated_at": datetime.now(UTC).isoformat(), "users": users, "duration": duration, "hosts": hosts,
            "result": "PASS" if total["failures"] == 0 else "FAIL", "errors": total["failures"], "total": total,
            "requests": [r for r in rows if r is not total], "failures": failures, "cpu": cpu}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("prefix", help="locust's --csv prefix, e.g. bench/out/loadtest")
    parser.add_argument("--users", type=int)
    parser.add_argument("--duration")
    parser.add_argument("--hosts", default="", help="the servers' base URLs, comma-separated")
    parser.add_argument("--cpu", type=Path, help="cpu.py's JSON")
    parser.add_argument("--out-dir", type=Path, help="where loadtest.json/.md go (default: the prefix's folder)")
    parser.add_argument("--summary-dir", type=Path, help="also write loadtest.json/.md here (the committed copy)")
    args = parser.parse_args(argv)
    if not Path(f"{args.prefix}_stats.csv").is_file():
        print(f"no {args.prefix}_stats.csv: did locust run?", file=sys.stderr)
        return 1
    document = summarise(prefix=args.prefix, users=args.users, duration=args.duration,
                         hosts=[host for host in args.hosts.split(",") if host], cpu_file=args.cpu)
    text = render(document)
    for folder in filter(None, [args.out_dir or Path(args.prefix).parent, args.summary_dir]):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "loadtest.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        (folder / "loadtest.md").write_text(text, encoding="utf-8")
    print(text, end="")
    if document["errors"]:
        print(f"FAIL: {document['errors']} errors (see the table above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

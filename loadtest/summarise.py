"""Turns locust's CSV statistics (``bench/loadtest_stats.csv``) into ``bench/loadtest.json`` and ``.md``:
throughput, p50/p95/p99 and errors, overall and per request."""

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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("prefix")
    parser.add_argument("--users", type=int)
    parser.add_argument("--duration")
    args = parser.parse_args()
    stats = Path(f"{args.prefix}_stats.csv")
    if not stats.is_file():
        print(f"no {stats}: did locust run?", file=sys.stderr)
        return 1
    rows = []
    with stats.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append({
                "method": row["Type"], "name": row["Name"], "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]), "rps": number(row["Requests/s"]),
                "p50_ms": number(row["50%"]), "p95_ms": number(row["95%"]), "p99_ms": number(row["99%"]),
                "max_ms": number(row["Max Response Time"]),
            })
    total = next(r for r in rows if r["name"] == "Aggregated")
    failures_file = Path(f"{args.prefix}_failures.csv")
    failures = list(csv.DictReader(failures_file.open(encoding="utf-8"))) if failures_file.is_file() else []
    document = {"generated_at": datetime.now(UTC).isoformat(), "users": args.users,
                "duration": args.duration, "total": total, "requests": [r for r in rows if r is not total],
                "errors": total["failures"], "failures": failures}
    Path("bench/loadtest.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    lines = [f"# Load test: {args.users} staff for {args.duration} (gunicorn on 127.0.0.1, loopback)", "",
             f"Throughput {total['rps']:.1f} requests/s; p50 {total['p50_ms']:.0f} ms, p95 {total['p95_ms']:.0f} ms, "
             f"p99 {total['p99_ms']:.0f} ms; {total['requests']} requests, {total['failures']} errors.", "",
             "| request | count | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['method']} {r['name']} | {r['requests']} | {r['failures']} | {r['rps']:.2f} | "
                     f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['max_ms']:.0f} |")
    Path("bench/loadtest.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if total["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

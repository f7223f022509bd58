"""Where the CPU went during a load test: runs locust (the command after ``--``) and measures, from just
before it starts to just after it ends, the CPU time of each named process group and of the whole machine.

    python loadtest/cpu.py --out bench/out/cpu.json --group "gunicorn A=1234" --group "postgres=987" \\
        -- .venv/bin/locust -f loadtest/locustfile.py --headless …

A group is a root process (gunicorn's master, PostgreSQL's postmaster) and every process below it.  Its CPU
time is read from ``/proc/<pid>/stat``: utime + stime of every living process of the tree, plus cutime +
cstime, which hold the time of the children that already ended (a gunicorn worker recycled after its
``max_requests``, a PostgreSQL backend whose connection closed) once their parent reaped them.  Locust is
this script's child, so its time is ``getrusage(RUSAGE_CHILDREN)``.  The machine's capacity and idle time
come from the ``cpu`` line of ``/proc/stat`` (all cores).  ``summarise.py`` turns the seconds into shares.
Linux only.  Exits with locust's exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def read_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds: utime + stime + cutime + cstime) of one process, or None once it has ended."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after its closing one.
    fields = text[text.rindex(")") + 2 :].split()
    parent = int(fields[1])  # field 4
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])  # fields 14–17
    return parent, (utime + stime + cutime + cstime) / CLOCK_TICKS


def all_processes() -> dict[int, tuple[int, float]]:
    processes = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = read_stat(int(entry.name))
            if stat is not None:
                processes[int(entry.name)] = stat
    return processes


def tree_seconds(root: int, processes: dict[int, tuple[int, float]]) -> tuple[float, int]:
    """CPU seconds of ``root`` and every process below it, and how many processes that is."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _seconds) in processes.items():
        children.setdefault(parent, []).append(pid)
    seconds, count, todo = 0.0, 0, [root] if root in processes else []
    while todo:
        pid = todo.pop()
        seconds += processes[pid][1]
        count += 1
        todo.extend(children.get(pid, []))
    return seconds, count


def machine_seconds() -> tuple[float, float]:
    """(capacity, idle) in CPU seconds since boot, over all cores: the ``cpu`` line of /proc/stat."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()
    user, nice, system, idle, iowait, irq, softirq, steal = (int(value) for value in first[1:9])
    # guest time is already counted in user and nice
    capacity = user + nice + system + idle + iowait + irq + softirq + steal
    return capacity / CLOCK_TICKS, (idle + iowait) / CLOCK_TICKS


def snapshot(groups: dict[str, int]) -> dict:
    processes = all_processes()
    capacity, idle = machine_seconds()
    measured = {name: tree_seconds(root, processes) for name, root in groups.items()}
    return {"capacity": capacity, "idle": idle, "groups": measured}


def parse_group(text: str) -> tuple[str, int]:
    name, _, pid = text.rpartition("=")
    if not name or not pid.isdigit():
        raise argparse.ArgumentTypeError(f"expected NAME=PID, got {text!r}")
    return name, int(pid)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="where the JSON goes")
    parser.add_argument("--group", type=parse_group, action="append", default=[], help="NAME=ROOT_PID")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the locust command")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the locust command after --")
    groups = dict(args.group)

    before, started = snapshot(groups), time.monotonic()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    returncode = subprocess.call(command)  # noqa: S603 (the caller's own locust command)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    after, elapsed = snapshot(groups), time.monotonic() - started

    document = {
        "elapsed_s": elapsed,
        "cpus": os.cpu_count(),
        "capacity_s": after["capacity"] - before["capacity"],
        "idle_s": after["idle"] - before["idle"],
        "groups": [
            {"name": name, "root_pid": root, "cpu_s": after["groups"][name][0] - before["groups"][name][0],
             "processes_before": before["groups"][name][1], "processes_after": after["groups"][name][1]}
            for name, root in groups.items()
        ],
        "locust": {"cpu_s": (children_after.ru_utime + children_after.ru_stime)
                   - (children_before.ru_utime + children_before.ru_stime)},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return returncode


if __name__ == "__main__":
    sys.exit(main())

import json
import platform
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from devtools import bench, national
from devtools.management.commands.bench import ISSUE_DATASET


class Command(BaseCommand):
    help = ("National scale, simulated (issue 22): build a second database of 300 offices from the benchmark's 50 "
            "(--build), and compare every page's queries and time between the two (--compare; the default).  "
            "Results in bench/national.json.")

    def add_arguments(self, parser):
        parser.add_argument("--build", action="store_true",
                            help="Build the 300-office database when it is missing (and the 50-office data set "
                                 "first, when that is missing).")
        parser.add_argument("--rebuild", action="store_true", help="Build the 300-office database again.")
        parser.add_argument("--compare", action="store_true",
                            help="Compare the pages (the default when neither --build nor --rebuild is given).")
        parser.add_argument("--runs", type=int, default=national.RUNS, help="Timed runs per page and database.")
        parser.add_argument("--only", nargs="+", metavar="PAGE", help='Compare only these pages ("roster (one day)").')
        parser.add_argument("--copies", type=int, default=national.COPIES, help="Copies of the 50 offices to add.")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "bench" / "national.json"))
        # the children's roles (run by this command itself)
        parser.add_argument("--serve-worker", action="store_true", help="(internal) answer page requests")
        parser.add_argument("--grow", action="store_true", help="(internal) clone the offices in this database")

    def handle(self, *args, build, rebuild, compare, runs, only, copies, output, serve_worker, grow, **options):
        if serve_worker:
            national.serve_worker()
            return
        if grow:
            self.stdout.write(json.dumps(national.grow(copies=copies), default=str))
            return
        path = Path(output)
        base, target = national.base_database(), national.national_database()
        if build or rebuild:
            self._build(base=base, target=target, copies=copies, rebuild=rebuild, path=path)
        if compare or not (build or rebuild):
            self._compare(base=base, target=target, runs=runs, only=only, path=path)

    def _build(self, *, base: str, target: str, copies: int, rebuild: bool, path: Path) -> None:
        offices = national.TEMPLATE_OFFICES * (copies + 1)
        if not rebuild and national.database_exists(target) and self._ready(target, offices):
            self.stderr.write(f"bench_national: {target} is there ({offices} offices); --rebuild builds it again.")
            return
        started = time.monotonic()
        if not bench.dataset_ready(min_offices=national.TEMPLATE_OFFICES):
            self.stderr.write("bench_national: building the 50-office data set (seed_demo " + " ".join(ISSUE_DATASET)
                              + ") …")
            call_command("seed_demo", *ISSUE_DATASET, "--quiet-logins", stdout=self.stderr)
        self.stderr.write(f"bench_national: CREATE DATABASE {target} TEMPLATE {base} …")
        try:
            copy_s = national.copy_database(template=base, name=target)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stderr.write(f"bench_national: copied in {copy_s:.1f}s; cloning the offices ×{copies} …")
        child = national.run_command("bench_national", "--grow", "--copies", str(copies), database=target,
                                     stdout=subprocess.PIPE, text=True)
        out, _ = child.communicate()
        if child.returncode:
            raise CommandError(f"the clone stopped (exit {child.returncode}); {target} is left as copied")
        grown = json.loads(out)
        build = {"database": target, "template": base, "copies": copies, "template_copy_s": round(copy_s, 1),
                 "build_s": round(time.monotonic() - started, 1), **grown}
        national.write_json(path, section="build", content=build)
        counts, clone = grown["counts"], grown["clone"]
        self.stdout.write(
            f"Built {target}: {counts['offices']} offices, {counts['clients']} clients, {counts['attendance_rows']:,} "
            f"attendance rows, {counts['hires']} hires, {counts['followups']} follow-up contacts; "
            f"{clone['written_rows']:,} rows cloned in {clone['seconds']:.1f}s, database copy {copy_s:.1f}s, "
            f"in all {build['build_s']:.1f}s."
        )
        if grown["crossing_references"]:
            raise CommandError(f"copied rows refer to other offices: {grown['crossing_references']}")

    def _ready(self, target: str, offices: int) -> bool:
        with national.Worker(target) as worker:
            return worker.ask(op="pages")["counts"]["offices"] >= offices

    def _compare(self, *, base: str, target: str, runs: int, only: list[str] | None, path: Path) -> None:
        if not national.database_exists(target):
            raise CommandError(f"The 300-office database {target} is missing. Build it with\n"
                               "  python manage.py bench_national --build  (make bench-national does).")
        started = time.monotonic()
        try:
            lines, counts = national.compare(base=base, national=target, runs=runs, only=only)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Demo office {counts['office']} in both: {counts['50']['offices']} offices / "
            f"{counts['50']['attendance_rows']:,} attendance rows against {counts['300']['offices']} offices / "
            f"{counts['300']['attendance_rows']:,}; median of {runs} interleaved runs; PASS = same queries and "
            f"≤ {national.TIME_RATIO}× the time.")
        self.stdout.write(national.render_comparison(lines))
        for line in lines:
            for size, explained in line.explain.items():
                self.stdout.write(f"\n{line.name}, slowest query at {size} offices ({explained['ms']:.1f} ms):\n"
                                  f"{explained['sql']}\n{explained['plan']}")
        national.write_json(path, section="comparison", content={
            "duration_s": round(time.monotonic() - started, 1), "runs": runs, "ratio_limit": national.TIME_RATIO,
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "datasets": counts, "pages": national.lines_json(lines), "passed": all(line.passed for line in lines),
        })
        failed = [line.name for line in lines if not line.passed]
        self.stdout.write(f"Written {path}. " + (f"FAIL: {', '.join(failed)}" if failed else "Every page passed."))
        sys.stdout.flush()

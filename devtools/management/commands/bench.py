import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from compostela.audit import audit_context
from devtools import bench

ISSUE_DATASET = ["--offices", "50", "--clients-per-office", "30", "--years", "3", "--seed", "1"]


class Command(BaseCommand):
    help = ("Benchmark the screens and computations on the large demo data set (issue 11): one table with "
            "PASS/FAIL per budget, and bench/results.json.")

    def add_arguments(self, parser):
        parser.add_argument("--build", action="store_true",
                            help="Build the data set first when it is missing (seed_demo " + " ".join(ISSUE_DATASET)
                            + "; about five minutes).")
        parser.add_argument("--offices", type=int, default=50, help="Demo offices the data set must have.")
        parser.add_argument("--runs", type=int, default=20, help="Timed runs per operation (after a warm-up).")
        parser.add_argument("--heavy-runs", type=int, default=3, help="Timed runs of the all-offices and PDF lines.")
        parser.add_argument("--large-clients", type=int, default=300, help="Clients of the large comparison office.")
        parser.add_argument("--small-clients", type=int, default=5, help="Clients of the small comparison office.")
        parser.add_argument("--twin-scale", type=float, default=1.0,
                            help="Scale of the twin offices' clients (tests use a fraction; 1 for the budgets).")
        parser.add_argument("--only", nargs="+", metavar="STEP",
                            help="Run only these steps (e.g. case_review roster_page); every step by default.")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "bench" / "results.json"))

    def handle(self, *args, build, offices, runs, heavy_runs, large_clients, small_clients, twin_scale, only, output,
               **options):
        started = time.monotonic()
        if not bench.dataset_ready(min_offices=offices):
            if not build:
                raise CommandError(
                    f"The data set is missing (need {offices} demo offices with attendance). Build it with\n"
                    f"  python manage.py seed_demo {' '.join(ISSUE_DATASET)} --quiet-logins\n"
                    "or run  python manage.py bench --build  (make bench does)."
                )
            self.stderr.write("bench: building the data set (seed_demo " + " ".join(ISSUE_DATASET) + ") …")
            call_command("seed_demo", *ISSUE_DATASET, "--quiet-logins", stdout=self.stderr)
        self.stderr.write("bench: comparison offices (small and large) …")
        with audit_context(reason="command: bench"):
            small = bench.ensure_size_office(index=bench.SMALL_INDEX, clients=small_clients, capacity=20, years=1)
            # capacity 20 for both: the loaded fee schedule has the ≤ 20 band only
            large = bench.ensure_size_office(index=bench.LARGE_INDEX, clients=large_clients, capacity=20, years=1)
            twins = {index: bench.ensure_size_office(index=index, clients=round(clients * twin_scale), capacity=20,
                                                     years=1)
                     for index, clients in bench.TWIN_OFFICES.items()}
        self.stderr.write("bench: ANALYZE (the planner's statistics of the data set as it is now) …")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        demo = bench.demo_offices()[:offices]
        data = bench.DataSet(offices=demo, office=demo[0], small=small, large=large, twins=twins)
        counts = bench.dataset_counts()
        lines = bench.Bench(data, runs=runs, heavy_runs=heavy_runs, only=only).run()
        self.stdout.write(
            f"Data set: {counts['offices']} offices, {counts['clients']} clients, {counts['attendance_rows']} "
            f"attendance rows, {counts['hires']} hires, {counts['followups']} follow-up contacts; "
            f"{runs} timed runs per line."
        )
        self.stdout.write(bench.render_table(lines))
        plans = bench.render_plans(lines)
        if plans:
            self.stdout.write("The heaviest queries of each page (EXPLAIN ANALYZE on this data set):\n" + plans)
        path = Path(output)
        bench.write_json(path, lines=lines, counts=counts, started=started)
        failed = [line.name for line in lines if line.status == "FAIL"]
        self.stdout.write(f"Written {path}. " + (f"FAIL: {', '.join(failed)}" if failed else "Every budget passed."))

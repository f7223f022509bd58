import importlib
import inspect
import random
import sys
import time

from django.core.management.base import BaseCommand

from compostela.audit import audit_context
from devtools.demo.offices import DEMO_PASSWORD, demo_seed_offices

# Each app that has demo rows provides ``<app>/demo.py`` with
#   seed(*, offices, clients_per_office, years, rng, stdout) -> None
# (idempotent, deterministic for the rng).  They run in this order, each after the ones it builds on.
APP_SEEDERS = ["devtools.demo.clients", "devtools.demo.placements", "devtools.demo.attendance", "devtools.demo.billing"]


class Command(BaseCommand):
    help = "Build (or bring up to date) the demo data: offices, staff logins and, per app, their records."

    def add_arguments(self, parser):
        parser.add_argument("--offices", type=int, default=1)
        parser.add_argument("--clients-per-office", type=int, default=25)
        parser.add_argument("--years", type=int, default=2)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, offices, clients_per_office, years, seed, quiet_logins, **options):
        if offices < 1 or clients_per_office < 0 or years < 1:
            self.stderr.write("--offices and --years must be at least 1, --clients-per-office at least 0.")
            raise SystemExit(2)
        started = time.monotonic()
        stages = len(APP_SEEDERS) + 1
        progress = StageProgress(stages=stages, started=started)
        progress.begin("offices and logins")
        with audit_context(reason="command: seed_demo"):
            result = demo_seed_offices(offices=offices, seed=seed)
        progress.end()
        for module_name in APP_SEEDERS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name != module_name:
                    raise
                continue
            progress.begin(module_name)
            extra = {}
            if "progress" in inspect.signature(module.seed).parameters:
                extra["progress"] = progress.step  # per-office progress for the long stages
            # invented people: the per-row audit trigger is switched off for the seeders' writes (it made the
            # placements stage take minutes for 50 offices); see compostela.audit.audit_context
            with audit_context(reason=f"command: seed_demo {module_name}", bulk_seed=True):
                module.seed(
                    offices=result.offices, clients_per_office=clients_per_office, years=years,
                    rng=random.Random(f"{seed}:{module_name}"),  # noqa: S311 - demo data
                    stdout=self.stdout, **extra,
                )
            progress.end()
        progress.finish()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(result.offices)} office(s)."))
        if not quiet_logins:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for username, office, role in result.logins[:10]:
                self.stdout.write(f"  {username:<14} {role:<11} {office}")
            if len(result.logins) > 10:
                self.stdout.write(f"  … and {len(result.logins) - 10} more (o<N>-manager, o<N>-supervisor, …)")


class StageProgress:
    """A progress bar on stderr: one line per stage with its time, and a bar of offices for the stages that
    report per office (``progress(done, total)``).  stdout keeps the seeders' summaries."""

    WIDTH = 30

    def __init__(self, *, stages: int, started: float, stream=None):
        self.stages, self.started, self.stream = stages, started, stream or sys.stderr
        self.index, self.stage_started, self.name = 0, started, ""

    def begin(self, name: str) -> None:
        self.index += 1
        self.name, self.stage_started = name, time.monotonic()
        self._write(f"[{self.index}/{self.stages}] {name} …")

    def step(self, done: int, total: int) -> None:
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        elapsed = time.monotonic() - self.stage_started
        self._write(f"[{self.index}/{self.stages}] {self.name} [{bar}] {done}/{total} offices {elapsed:5.1f}s",
                    end="\r" if done < total else "\n")

    def end(self) -> None:
        self._write(f"[{self.index}/{self.stages}] {self.name} done in {time.monotonic() - self.stage_started:.1f}s")

    def finish(self) -> None:
        self._write(f"seed_demo: {time.monotonic() - self.started:.1f}s in all")

    def _write(self, text: str, end: str = "\n") -> None:
        self.stream.write(text + end)
        self.stream.flush()

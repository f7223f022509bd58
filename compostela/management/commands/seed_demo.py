import importlib
import random

from django.core.management.base import BaseCommand

from compostela.demo import DEMO_PASSWORD, demo_seed_offices

# Each app that has demo rows provides ``<app>/demo.py`` with
#   seed(*, offices, clients_per_office, years, rng, stdout) -> None
# (idempotent, deterministic for the rng).  They run in this order, each after the ones it builds on.
APP_SEEDERS = ["clients.demo", "placements.demo", "clients.attendance_demo", "billing.demo"]


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
        result = demo_seed_offices(offices=offices, seed=seed)
        for module_name in APP_SEEDERS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name != module_name:
                    raise
                continue
            module.seed(
                offices=result.offices, clients_per_office=clients_per_office, years=years,
                rng=random.Random(f"{seed}:{module_name}"),  # noqa: S311 - demo data
                stdout=self.stdout,
            )
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(result.offices)} office(s)."))
        if not quiet_logins:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for username, office, role in result.logins[:10]:
                self.stdout.write(f"  {username:<14} {role:<11} {office}")
            if len(result.logins) > 10:
                self.stdout.write(f"  … and {len(result.logins) - 10} more (o<N>-manager, o<N>-supervisor, …)")

from pathlib import Path

from django.core.management.base import BaseCommand

from billing.fee_data import fee_data_load
from compostela.audit import audit_context


class Command(BaseCommand):
    help = "Load fee data (schedules, add-ons, unit prices) from a JSON file in fixtures/ (default: shipped files)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="A fee file such as fixtures/fee_schedule_2024.json")

    def handle(self, *args, path, **options):
        with audit_context(reason="command: billing_load_fees"):
            written = fee_data_load(path=Path(path) if path else None)
        self.stdout.write(f"{written} fee rows loaded (matched by natural key; unchanged rows stay as they are).")

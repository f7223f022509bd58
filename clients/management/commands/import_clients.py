from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clients.importing import import_clients
from compostela.audit import audit_context
from compostela.models import Office


class Command(BaseCommand):
    help = ("Import clients from a CSV or XLSX file (one row per client; see README, \"Importing clients\"). "
            "Nothing is written unless every row is valid, or with --partial the valid rows are written.")

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="The office number (10 digits).")
        parser.add_argument("--partial", action="store_true", help="Write the valid rows, report the others.")
        parser.add_argument("--user", help="Username recorded as the one who imported (optional).")
        parser.add_argument("file", type=Path)

    def handle(self, *args, office, partial, user, file, **options):
        try:
            target = Office.objects.get(number=office)
        except Office.DoesNotExist:
            raise CommandError(f"No office with number {office}.") from None
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        by = get_user_model().objects.filter(username=user).first() if user else None
        if user and by is None:
            raise CommandError(f"No user {user}.")
        try:
            with audit_context(reason=f"command: import_clients {file.name}"):  # by (--user) names the person
                result = import_clients(office=target, path=file, partial=partial, by=by)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        for error in result.errors:
            self.stderr.write(f"{file.name}:{error.line}: {error.message}")
        summary = (f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
                   f"certificates {result.certificates}")
        if not result.written:
            raise CommandError(f"Nothing imported: {len(result.errors)} row(s) with errors. "
                               "Fix them, or use --partial to import the valid rows.")
        self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))
        if result.errors:
            raise CommandError(f"{len(result.errors)} row(s) were not imported (see above).")

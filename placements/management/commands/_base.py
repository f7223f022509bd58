"""What import_placements and import_followups share: office lookup, the report, the exit status."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compostela.audit import audit_context
from compostela.models import Membership, Office, Role
from placements.imports import ImportFileError


class ImportCommand(BaseCommand):
    importer = None  # set by subclasses: a function(*, office, path, by, partial) -> ImportReport

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="The office number (10 digits).")
        parser.add_argument("file", help="CSV (UTF-8) or XLSX file; the columns are listed in the README.")
        parser.add_argument("--partial", action="store_true",
                            help="Write the good lines and report the others (default: all or nothing).")

    def handle(self, *args, office, file, partial, **options):
        try:
            office_obj = Office.objects.get(number=office)
        except Office.DoesNotExist as error:
            raise CommandError(f"No office with number {office}.") from error
        manager = (Membership.objects.filter(office=office_obj, role=Role.MANAGER).select_related("user")
                   .order_by("pk").first())
        if manager is None:
            raise CommandError("The office has no manager; imported rows are recorded in a manager's name.")
        command = type(self).__module__.rsplit(".", 1)[-1]  # the command's name, as manage.py knows it
        try:
            with audit_context(reason=f"command: {command} {Path(file).name}"):
                report = type(self).importer(office=office_obj, path=file, by=manager.user, partial=partial)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        for message in report.errors:
            self.stderr.write(message)
        if report.errors and not partial:
            raise CommandError(f"{len(report.errors)} line(s) with problems; nothing was imported.")
        self.stdout.write(self.style.SUCCESS(
            f"{report.rows} line(s): {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.errors)} skipped."))

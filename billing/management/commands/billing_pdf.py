import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from billing.documents.pdfs import (
    KIND_FOLLOWUP,
    MONTH_KINDS,
    DocumentError,
    billing_month_pdf_file,
    billing_month_zip,
    followup_cost_pdf_file,
)
from billing.forms import parse_month
from billing.management.commands._common import office_by_number

KIND_SEPARATE = "separate"


class Command(BaseCommand):
    help = ("An office's billing PDFs: the month (summary, statements, service record sheets — all in one file, "
            "one part, or separate files in a ZIP) or the follow-up cost report of a year.")

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="Office number (10 digits).")
        parser.add_argument("--month", help="YYYY-MM (month documents).")
        parser.add_argument("--year", type=int, help="Calendar year (follow-up cost report).")
        parser.add_argument("--kind", default="all", choices=[*MONTH_KINDS, KIND_SEPARATE, KIND_FOLLOWUP],
                            help="all (default), summary, statements, records, separate (ZIP), followup.")
        parser.add_argument("--closing-version", type=int, dest="version", help="A stored version of the month.")
        parser.add_argument("--output", required=True, help="File to write (.pdf, or .zip for --kind separate).")

    def handle(self, *args, office, month, year, kind, version, output, **options):
        office_obj = office_by_number(office)
        started = time.perf_counter()
        pages = None
        try:
            if kind == KIND_FOLLOWUP:
                if year is None:
                    raise CommandError("--kind followup needs --year YYYY.")
                pdf = followup_cost_pdf_file(office=office_obj, year=year)
                data, pages = pdf.data, pdf.pages
            else:
                first = parse_month(month or "")
                if first is None:
                    raise CommandError("--month must be YYYY-MM.")
                if kind == KIND_SEPARATE:
                    data = billing_month_zip(office=office_obj, month=first, version=version)
                else:
                    pdf = billing_month_pdf_file(office=office_obj, month=first, kind=kind, version=version)
                    data, pages = pdf.data, pdf.pages
        except DocumentError as error:
            raise CommandError(str(error)) from error
        Path(output).write_bytes(data)
        counted = "" if pages is None else f", {pages} pages"
        self.stdout.write(f"{output}: {len(data):,} bytes{counted}, {time.perf_counter() - started:.1f} s")

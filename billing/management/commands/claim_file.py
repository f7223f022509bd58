from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from billing.claimfile import MSG_REFUSED, ClaimFileRefused, claim_file_build
from billing.forms import parse_month
from billing.management.commands._common import office_by_number


class Command(BaseCommand):
    help = ("The electronic claim file (国保連 CSV, CP932) of an office's closed month; without --output it is "
            "written in the current directory under its default name (billing.claimfile: J + YYMM + V + the "
            "closing's version, or SAMPLE + version for EXAMPLE fee data).  A month with problems gives no file: "
            "each problem is printed and the command exits non-zero.")

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="Office number (10 digits).")
        parser.add_argument("--month", required=True, help="The service month, YYYY-MM.")
        parser.add_argument("--output", help="File to write (default: the file's own name).")

    def handle(self, *args, office, month, output, **options):
        office_obj = office_by_number(office)
        first = parse_month(month or "")
        if first is None:
            raise CommandError("--month must be YYYY-MM.")
        try:
            claim = claim_file_build(office=office_obj, month=first)
        except ClaimFileRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem.text())
            raise CommandError(MSG_REFUSED % {"count": len(refused.problems)}) from refused
        path = Path(output or claim.name)
        path.write_bytes(claim.content)
        self.stdout.write(f"{path}: {claim.records} records, {len(claim.content):,} bytes")
        if claim.sample:
            self.stdout.write(claim.notice)

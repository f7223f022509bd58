from django.core.management.base import BaseCommand, CommandError

from billing.forms import parse_month
from billing.management.commands._common import add_format, office_by_number
from billing.reports import LINE_COLUMNS, month_report, to_csv, to_json
from billing.selectors import billing_month_statement
from compostela.audit import audit_context, audit_record_export


class Command(BaseCommand):
    help = "An office's monthly claim (the stored snapshot when the month is closed, else computed)."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="Office number (10 digits).")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--closing-version", type=int, dest="version", help="A stored version.")
        add_format(parser)

    def handle(self, *args, office, month, version, format, **options):
        first = parse_month(month)
        if first is None:
            raise CommandError("--month must be YYYY-MM.")
        the_office = office_by_number(office)
        report = month_report(billing_month_statement(office=the_office, month=first, version=version))
        if report["error"]:
            raise CommandError(report["error"])
        # the claim names clients and their certificate numbers: every export is recorded
        with audit_context(reason="command: billing_month"):
            audit_record_export(user=None, office=the_office, what=f"billing month {first:%Y-%m} ({format})",
                                rows=len(report["lines"]))
        if format == "json":
            self.stdout.write(to_json(report))
        elif format == "csv":
            self.stdout.write(to_csv(report["lines"], LINE_COLUMNS), ending="")
        else:
            state = f"closed v{report['version']}" if report["closed"] else "open (computed)"
            self.stdout.write(f"{report['office']} {report['month']} — {state}")
            for line in report["lines"]:
                self.stdout.write(
                    f"  {line['client_name']:<16} {line['service']:<18} {line['billable_days']:>3} days "
                    f"{line['total_units']:>7} units {line['total_yen']:>9} yen  co-pay {line['copayment']:>6}  "
                    f"claimed {line['claimed']:>9}"
                )
            t = report["totals"]
            self.stdout.write(f"  total {t['total_units']} units, {t['total_yen']} yen, co-payments "
                              f"{t['copayment']} yen, claimed {t['claimed']} yen")
            for warning in report["warnings"]:
                self.stdout.write(f"  ! {warning}")

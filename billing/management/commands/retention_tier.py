from django.core.management.base import BaseCommand, CommandError

from billing.management.commands._common import add_format, office_by_number
from billing.reports import tier_report, to_csv, to_json
from billing.services.fees import BillingConfigurationError
from billing.services.tier import retention_tier

TIER_COLUMNS = ["office", "fiscal_year", "numerator", "denominator", "computed_rate", "new_office", "overridden",
                "rate", "label", "units"]


class Command(BaseCommand):
    help = "The 就労移行支援 retention tier of a fiscal year: hires, capacity, rate, tier and units."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="Office number (10 digits).")
        parser.add_argument("--fiscal-year", type=int, required=True, dest="fiscal_year")
        add_format(parser)

    def handle(self, *args, office, fiscal_year, format, **options):
        try:
            report = tier_report(retention_tier(office=office_by_number(office), fiscal_year=fiscal_year))
        except BillingConfigurationError as error:
            raise CommandError(str(error)) from error
        if format == "json":
            self.stdout.write(to_json(report))
            return
        rows = [{**report, "overridden": report["override"] is not None and report["override"]["rate"] is not None,
                 "label": p["label"], "units": p["units"]} for p in report["periods"]]
        if format == "csv":
            self.stdout.write(to_csv(rows, TIER_COLUMNS), ending="")
            return
        self.stdout.write(f"{report['office']} FY{report['fiscal_year']}: {report['numerator']} retained ÷ "
                          f"{report['denominator']} capacity = {report['computed_rate']} (rate used {report['rate']}"
                          f"{', new office' if report['new_office'] else ''})")
        for period in report["periods"]:
            self.stdout.write(f"  from {period['from']}: {period['label']} — {period['units']} units a day")
        for hire in report["hires"]:
            self.stdout.write(f"  {hire['start_date']} {hire['client_name']} {hire['status']}")

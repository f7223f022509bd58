from django.core.management.base import BaseCommand, CommandError

from billing.forms import parse_day_list
from billing.management.commands._common import add_format, office_by_number
from billing.reports import followup_report, to_csv, to_json, what_if_report
from billing.services.fees import BillingConfigurationError
from billing.services.followup_cost import followup_cost_year, followup_what_if

HIRE_COLUMNS = ["hire_id", "client_id", "client_name", "start_date", "days_before", "fees", "fee_source", "contacts",
                "minutes", "cost_method", "cost", "net", "net_per_day"]
WHAT_IF_COLUMNS = ["days", "fee", "followups", "cost", "net", "net_per_day"]


class Command(BaseCommand):
    help = "The unpaid follow-up cost of an office's hires in a year, or the what-if table."

    def add_arguments(self, parser):
        parser.add_argument("--office", help="Office number (10 digits).")
        parser.add_argument("--year", type=int)
        parser.add_argument("--what-if", action="store_true", dest="what_if")
        parser.add_argument("--yen-per-day", type=int, default=10000, dest="yen_per_day")
        parser.add_argument("--followups", type=int, default=35)
        parser.add_argument("--cost-per-followup", type=int, default=10000, dest="cost_per_followup")
        parser.add_argument("--days", default="500,250,100,50,30", help="Comma-separated day counts.")
        add_format(parser)

    def handle(self, *args, office, year, what_if, yen_per_day, followups, cost_per_followup, days, format,
               **options):
        if what_if:
            try:
                day_list = parse_day_list(days)
            except ValueError as error:
                raise CommandError("--days must be positive whole numbers separated by commas.") from error
            rows = followup_what_if(yen_per_day=yen_per_day, followups=followups,
                                    cost_per_followup=cost_per_followup, days=day_list)
            report = what_if_report(yen_per_day=yen_per_day, followups=followups,
                                    cost_per_followup=cost_per_followup, rows=rows)
            if format == "json":
                self.stdout.write(to_json(report))
            elif format == "csv":
                self.stdout.write(to_csv(report["rows"], WHAT_IF_COLUMNS), ending="")
            else:
                for r in report["rows"]:
                    self.stdout.write(f"{r['days']:>5} days  fee {r['fee']:>10,}  follow-ups {r['followups']:>3}  "
                                      f"cost {r['cost']:>9,}  net {r['net']:>10,}  net/day {r['net_per_day']:>7,}")
            return
        if year is None:
            raise CommandError("--year YYYY is required (or use --what-if).")
        try:
            report = followup_report(followup_cost_year(office=office_by_number(office), year=year))
        except BillingConfigurationError as error:
            raise CommandError(str(error)) from error
        if format == "json":
            self.stdout.write(to_json(report))
        elif format == "csv":
            self.stdout.write(to_csv(report["hires"], HIRE_COLUMNS), ending="")
        else:
            self.stdout.write(f"{report['office']} {report['year']}: {len(report['hires'])} hires, unpaid follow-up "
                              f"cost {report['total_cost']:,} yen = {report['cost_share_of_fees']} of "
                              f"{report['year_fees']:,} yen fees; a day {report['per_day_without_duty']} yen without, "
                              f"{report['per_day_with_duty']} yen with the duty")
            for h in report["hires"]:
                self.stdout.write(f"  {h['start_date']} {h['client_name']:<16} {h['days_before']:>4} days "
                                  f"{h['fees']:>10,} ({h['fee_source']}) − {h['cost']:>8,} = {h['net']:>10,} "
                                  f"({h['net_per_day']} a day)")

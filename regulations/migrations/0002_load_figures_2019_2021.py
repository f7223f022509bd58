"""The figures billing used before they were data: one row from 2018-04-01 and one from 2021-04-01 (the
monthly support report of 就労定着支援).  Written out here, not read from a module, so that this migration
loads the same rows whatever later code says."""

from datetime import date
from decimal import Decimal

from django.db import migrations

from compostela.audit import audit_context

MIGRATION = "migration: regulations.0002_load_figures_2019_2021"  # the system actor of its writes
SOURCE = (
    "Public explanations of the ministry's notices, as collected in shared/domain.md (Billing rules); "
    "fee tables from the ministry's overview 障害者総合支援法における福祉サービスの概要 (shared/seeds/003)"
)
NOT_VERIFIED = (
    "No figure of this row has been checked against the notice itself. The ministry's overview in "
    "shared/seeds/003 gives the fee tables only, not these figures; they come from public explanations of the "
    "ministry's notices as domain.md collects them, and are the values billing used as constants "
    "(COPAY_PERCENT, OVER_CAPACITY_PERCENT, PLAN_MISSING_*, STANDARD_COPAY_CAPS, NEW_OFFICE_*). "
)
COMMON = {
    "copay_percent": 10,
    "cap_welfare": 0,
    "cap_low_income": 0,
    "cap_general_1": 9300,
    "cap_general_2": 37200,
    "over_capacity_percent": 70,
    "plan_missing_early_percent": 70,
    "plan_missing_later_percent": 50,
    "plan_missing_early_months": 2,
    "new_office_rate": Decimal("0.3"),
    "new_office_fiscal_years": 2,
    "source_title": SOURCE,
    "source_url": "",
    "checked_on": None,
    "checked_by": "",
    "to_verify": True,
}
ROWS = [
    {
        **COMMON,
        "valid_from": date(2018, 4, 1),
        "support_report_required": False,
        "verification_note": NOT_VERIFIED + (
            "2018-04-01 is the revision that began the retention-based tiers (domain.md), the earliest fiscal year "
            "whose tier billing computes (billing applied these figures to every date before they were data); "
            "they held before it too."
        ),
    },
    {
        **COMMON,
        "valid_from": date(2021, 4, 1),
        "support_report_required": True,
        "verification_note": NOT_VERIFIED + (
            "domain.md says a support report is required 'from 2021'; the day 2021-04-01 (the 2021 revision) is "
            "billing's SUPPORT_REPORT_REQUIRED_FROM, to verify. The other figures are copied unchanged from the "
            "2018-04-01 row, also to verify for the 2021 revision."
        ),
    },
]


def load(apps, schema_editor):
    figures = apps.get_model("regulations", "RegulatoryFigures")
    with audit_context(reason=MIGRATION):
        for row in ROWS:
            values = dict(row)
            figures.objects.update_or_create(valid_from=values.pop("valid_from"), defaults=values)


def unload(apps, schema_editor):
    figures = apps.get_model("regulations", "RegulatoryFigures")
    with audit_context(reason=MIGRATION):
        figures.objects.filter(valid_from__in=[row["valid_from"] for row in ROWS]).delete()


class Migration(migrations.Migration):
    dependencies = [("regulations", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]

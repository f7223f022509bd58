"""Load the shipped fee data (``fixtures/fee_schedule_*.json``) into the fee tables.

Used by migration 0003 (with the migration's historical models) and by ``manage.py billing_load_fees``.
Rows are matched by natural key and updated, so loading twice changes nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SHIPPED_FEE_FILES = ["fee_schedule_2019.json"]


def fee_data_load(*, apps=None, path: Path | None = None) -> int:
    """Load one fee file (default: every shipped file); returns the number of rows written."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    schedule_model = apps.get_model("billing", "FeeSchedule")
    fee_model = apps.get_model("billing", "BasicFee")
    addon_model = apps.get_model("billing", "AddOnRate")
    price_model = apps.get_model("billing", "AreaUnitPrice")
    paths = [path] if path else [FIXTURES / name for name in SHIPPED_FEE_FILES]
    written = 0
    for file in paths:
        data = json.loads(file.read_text(encoding="utf-8"))
        for item in data.get("schedules", []):
            schedule, _ = schedule_model.objects.update_or_create(
                service=item["service"], valid_from=item["valid_from"],
                defaults={"name": item["name"], "to_verify": item.get("to_verify", False)},
            )
            written += 1
            for fee in item["fees"]:
                fee_model.objects.update_or_create(
                    schedule=schedule, band_min=fee["band_min"], min_rate=Decimal(fee["min_rate"]),
                    min_inclusive=fee["min_inclusive"],
                    defaults={"band_max": fee["band_max"], "units": fee["units"]},
                )
                written += 1
        for item in data.get("addons", []):
            addon_model.objects.update_or_create(
                kind=item["kind"], valid_from=item["valid_from"],
                defaults={"units": item["units"], "monthly_max": item["monthly_max"],
                          "to_verify": item.get("to_verify", False)},
            )
            written += 1
        for item in data.get("area_prices", []):
            price_model.objects.update_or_create(
                area_grade=item["area_grade"], service=item["service"], valid_from=item["valid_from"],
                defaults={"yen_per_unit": Decimal(item["yen_per_unit"]), "to_verify": item.get("to_verify", False)},
            )
            written += 1
    return written

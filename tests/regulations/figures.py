"""Figures for the rule tests, as plain values (the database rows are tested in test_figures.py)."""

from datetime import date
from decimal import Decimal

from regulations.rules import Figures

CAPS = {"welfare": 0, "low_income": 0, "general_1": 9300, "general_2": 37200}


def make_figures(**overrides) -> Figures:
    """The 2021-04-01 figures (billing's values before they were data), with ``overrides``."""
    values = {
        "valid_from": date(2021, 4, 1),
        "copay_percent": 10,
        "copay_caps": CAPS,
        "over_capacity_percent": 70,
        "plan_missing_early_percent": 70,
        "plan_missing_later_percent": 50,
        "plan_missing_early_months": 2,
        "new_office_rate": Decimal("0.3"),
        "new_office_fiscal_years": 2,
        "support_report_required": True,
        "plan_monitoring_months": {"transition": 3, "retention_support": 6},
        "to_verify": True,
    }
    values.update(overrides)
    return Figures(**values)


FIGURES = make_figures()
FIGURES_2019 = make_figures(valid_from=date(2019, 10, 1), support_report_required=False)

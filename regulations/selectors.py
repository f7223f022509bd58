"""Reads of the regulatory figures: the whole history in one query, and the figures in force on a day.

A caller that needs figures for many days (a month's claims, a fiscal year's tier) reads the history once
and passes it: ``figures_on(day=d, history=history)`` then makes no query.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ImproperlyConfigured

from regulations.models import RegulatoryFigures
from regulations.rules import Figures, figures_in_force

FIGURES_MISSING_CODE = "regulatory_figures_missing"
MSG_FIGURES_MISSING = (
    "No regulatory figures are in force on {day}: the earliest row starts {earliest}. Run the migrations "
    "(regulations 0002 loads the shipped rows) or add a row in the admin."
)


class FiguresNotConfigured(ImproperlyConfigured):
    """No ``RegulatoryFigures`` row is in force on the day asked: a configuration error, not a user's."""

    code = FIGURES_MISSING_CODE


def figures_of(row: RegulatoryFigures) -> Figures:
    """One row as plain values."""
    return Figures(
        valid_from=row.valid_from,
        copay_percent=row.copay_percent,
        copay_caps={"welfare": row.cap_welfare, "low_income": row.cap_low_income,
                    "general_1": row.cap_general_1, "general_2": row.cap_general_2},
        over_capacity_percent=row.over_capacity_percent,
        plan_missing_early_percent=row.plan_missing_early_percent,
        plan_missing_later_percent=row.plan_missing_later_percent,
        plan_missing_early_months=row.plan_missing_early_months,
        new_office_rate=row.new_office_rate,
        new_office_fiscal_years=row.new_office_fiscal_years,
        support_report_required=row.support_report_required,
        plan_monitoring_months={"transition": row.plan_monitoring_months_transition,
                                "retention_support": row.plan_monitoring_months_retention},
        to_verify=row.to_verify,
    )


def figures_history() -> list[Figures]:
    """Every revision's figures, oldest first — one query."""
    return [figures_of(row) for row in RegulatoryFigures.objects.order_by("valid_from")]


def figures_on(*, day: date, history: list[Figures] | None = None) -> Figures:
    """The figures in force on ``day`` (the latest ``valid_from`` on or before it).  One query unless
    ``history`` (``figures_history()``) is given; ``FiguresNotConfigured`` when none is in force."""
    if history is None:
        history = figures_history()
    found = figures_in_force(history, day)
    if found is None:
        earliest = history[0].valid_from.isoformat() if history else "nowhere (the table is empty)"
        raise FiguresNotConfigured(MSG_FIGURES_MISSING.format(day=day.isoformat(), earliest=earliest))
    return found

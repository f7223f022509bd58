"""The standard co-payment cap of a demo certificate: the regulations' rule with the figures in force."""

from __future__ import annotations

from datetime import date
from functools import cache

from regulations import rules as regulations
from regulations.selectors import figures_history, figures_on


@cache
def _history() -> tuple[regulations.Figures, ...]:
    return tuple(figures_history())


def demo_copay_cap(income_category: str, day: date) -> int:
    return regulations.standard_copay_cap(income_category, figures_on(day=day, history=list(_history())))

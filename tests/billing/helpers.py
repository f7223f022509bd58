"""Helpers of the billing tests (the rows themselves come from tests/factories.py)."""

from datetime import date, timedelta


def weekdays(first: date, last: date) -> list[date]:
    """Monday to Friday from ``first`` to ``last``, both included."""
    out, day = [], first
    while day <= last:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out

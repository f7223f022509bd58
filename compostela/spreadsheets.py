"""Cells of every export meant for people (CSV and XLSX opened in a spreadsheet): text that a spreadsheet
would read as a formula is neutralised, numbers stay numbers (the OWASP rule against CSV injection).

A client named ``=HYPERLINK("http://e.x/","x")`` or ``+cmd|' /C calc'!A0`` must come out as that text, not
as a live formula.  The 国保連 claim file is not such an export: its own layout check governs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

import pandas as pd

# a spreadsheet starts a formula (or DDE) at a cell that begins with one of these
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NOT_TEXT = (bool, int, float, Decimal, date, datetime, time)


def spreadsheet_cell(value):
    """The value as a spreadsheet may safely receive it: numbers, dates and empty cells unchanged; any
    other value as text, with a leading apostrophe when it would start a formula."""
    if value is None or isinstance(value, NOT_TEXT):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def spreadsheet_row(values: Iterable) -> list:
    return [spreadsheet_cell(value) for value in values]


def spreadsheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell (and column title) made safe; numeric columns untouched."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(spreadsheet_cell)
    safe.columns = [spreadsheet_cell(title) for title in safe.columns]
    return safe

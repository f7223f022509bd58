"""Several reads in one round trip: a statement that returns ONE JSON document (``json_build_object`` of
sub-selects), parsed with exact decimals, and rows turned back into model instances field by field.

Used where a computation needs many small tables at once and its speed is budgeted (the billing month):
each sub-select is an ordinary query, but the database is asked once instead of once per table, and the
ORM's per-query compilation is skipped.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connection


def json_document(sql: str, params: dict) -> dict:
    """Run ``sql`` (which selects one JSON value cast to text) and return it parsed; decimals stay exact."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return json.loads(cursor.fetchone()[0], parse_float=Decimal)


def instances(model, rows: list[dict]) -> list:
    """Model instances from JSON rows (column → value), each value through its field's ``to_python`` (dates,
    times and timestamps arrive as ISO strings)."""
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    convert = [(f.column, f.to_python) for f in fields]
    return [model.from_db(DEFAULT_DB_ALIAS, names, [to_python(row[column]) for column, to_python in convert])
            for row in rows]


def iso_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)

"""Helpers every test directory can use."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from attendance.services import DayRejected


def codes_of(error: ValidationError | DayRejected) -> set[str | None]:
    """Every code a refusal carries, whatever its shape: each message of a ``ValidationError`` (a single
    message, a list, or a dict of fields), or each day and row message of a ``DayRejected``.  A message
    raised without a code shows up as ``None``, so comparing with the expected set catches it."""
    if isinstance(error, DayRejected):
        return {*error.codes, *(code for codes in error.row_codes.values() for code in codes)}
    if hasattr(error, "error_dict"):
        return {code for errors in error.error_dict.values() for each in errors for code in codes_of(each)}
    return {each.code for each in error.error_list}

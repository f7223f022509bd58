"""Helpers every test directory can use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from unittest import mock

from django.core.exceptions import ValidationError
from django.utils import translation

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


@contextmanager
def translation_calls() -> Iterator[Callable[[], int]]:
    """The calls to gettext, ngettext, pgettext and npgettext (the ``{% translate %}`` tags, lazy strings and
    the ``gettext`` functions all end in ``django.utils.translation._trans``) inside the block."""
    with ExitStack() as stack:
        mocks = [stack.enter_context(mock.patch.object(translation._trans, name,  # noqa: SLF001 - the count
                                                       wraps=getattr(translation._trans, name)))  # noqa: SLF001
                 for name in ("gettext", "ngettext", "pgettext", "npgettext")]
        yield lambda: sum(m.call_count for m in mocks)

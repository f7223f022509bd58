"""Rule (regulations.rules.addon_count): an add-on counted per occurrence claims at most its monthly maximum
and at most what the earlier months of the fiscal year left of its yearly maximum — one rule for absence with
support (a monthly maximum) and the regional cooperation meetings (monthly and yearly)."""

import pytest

from regulations.rules import AddOnCap, RuleError, RuleErrorCode, addon_count


@pytest.mark.parametrize(("occurrences", "monthly", "yearly", "earlier", "expected"), [
    (3, None, None, (), (3, None)),  # no maximum
    (5, 4, None, (), (4, AddOnCap.MONTHLY)),  # absence with support: at most 4 a month
    (4, 4, None, (), (4, None)),  # at the maximum: not cut
    (2, 2, 3, (2,), (1, AddOnCap.YEARLY)),  # one left of the year
    (1, 2, 3, (2, 2), (0, AddOnCap.YEARLY)),  # the year's maximum is reached: nothing
    (1, 1, 4, (3, 3), (1, None)),  # earlier months count only what their monthly maximum let them (1 + 1)
    (0, 1, 4, (), (0, None)),
    (3, None, 2, (), (2, AddOnCap.YEARLY)),  # a yearly maximum alone
])
def test_the_count_of_a_month(occurrences, monthly, yearly, earlier, expected):
    counted = addon_count(occurrences=occurrences, monthly_max=monthly, yearly_max=yearly, earlier_in_year=earlier)
    assert (counted.count, counted.capped_by) == expected
    assert counted.capped_from == (occurrences if counted.count != occurrences else None)


def test_a_negative_number_of_occurrences_is_refused_with_its_code():
    with pytest.raises(RuleError) as refused:
        addon_count(occurrences=1, monthly_max=None, earlier_in_year=(-1,))
    assert refused.value.code == RuleErrorCode.COUNT_NEGATIVE

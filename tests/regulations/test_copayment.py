"""Rules: the co-payment is 10 % of the month's total, fraction dropped, at most the monthly cap."""

import pytest

from regulations.rules import (
    RuleError,
    RuleErrorCode,
    copayment,
    copayment_before_cap,
    standard_copay_cap,
)
from tests.regulations.figures import FIGURES, make_figures


@pytest.mark.parametrize(("total", "cap", "copay"), [
    (0, 9300, 0),
    (12345, 37200, 1234),  # 1,234.5 → 1,234
    (93009, 9300, 9300),  # 9,300.9 → 9,300: exactly the cap
    (200000, 9300, 9300),  # 20,000 capped at general 1
    (200000, 37200, 20000),  # under general 2's cap
    (200000, 0, 0),  # public assistance and low income pay nothing
])
def test_copayment_is_ten_percent_floored_at_most_the_cap(total, cap, copay):
    assert copayment(total_yen=total, cap=cap, figures=FIGURES) == copay


def test_copayment_before_the_cap_drops_the_fraction_below_one_yen():
    assert copayment_before_cap(total_yen=19999, figures=FIGURES) == 1999


def test_the_copayment_percentage_comes_from_the_figures():
    assert copayment(total_yen=100000, cap=37200, figures=make_figures(copay_percent=5)) == 5000


@pytest.mark.parametrize(("category", "cap"), [
    ("welfare", 0), ("low_income", 0), ("general_1", 9300), ("general_2", 37200),
])
def test_standard_copay_caps_by_income_category(category, cap):
    assert standard_copay_cap(category, FIGURES) == cap


def test_an_unknown_income_category_is_refused():
    with pytest.raises(RuleError) as error:
        standard_copay_cap("general_3", FIGURES)
    assert error.value.code == RuleErrorCode.UNKNOWN_INCOME_CATEGORY


@pytest.mark.parametrize(("kwargs"), [{"total_yen": -1, "cap": 9300}, {"total_yen": 1000, "cap": -1}])
def test_negative_yen_is_refused(kwargs):
    with pytest.raises(RuleError) as error:
        copayment(**kwargs, figures=FIGURES)
    assert error.value.code == RuleErrorCode.YEN_NEGATIVE

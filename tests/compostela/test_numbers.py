"""Rule: every percentage and figure shown is rounded half up (2/23 shows 8.7 %, 7/34 shows 20.6 %), never
truncated."""

from decimal import Decimal
from fractions import Fraction

import pytest

from compostela.numbers import percent_of, round_half_up
from placements.templatetags.placements_tags import decimal, percent


@pytest.mark.parametrize(
    ("share", "shown"),
    [(2 / 23, "8.7 %"), (7 / 34, "20.6 %"), (Fraction(1, 8), "12.5 %"), (Decimal("0.0005"), "0.1 %"),
     (1, "100.0 %"), (0, "0.0 %")],
)
def test_percentages_round_half_up(share, shown):
    assert percent(share) == shown


def test_percent_with_no_decimals_and_none():
    assert percent(2 / 3, 0) == "67 %"
    assert percent(None) == "–"


def test_figures_round_half_up():
    assert decimal(12.35, 1) == "12.4"
    assert decimal(Decimal("2.675"), 2) == "2.68"
    assert round_half_up(-2.5) == Decimal(-3)
    assert percent_of(Decimal("0.125"), 0) == Decimal(13)

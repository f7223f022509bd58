"""Rules: 定員超過利用減算, the daily rule by capacity band and the rolling three-month rule."""

from decimal import Decimal

import pytest

from regulations.rules import (
    RollingOverCapacity,
    RuleError,
    RuleErrorCode,
    day_over_capacity,
    rolling_limit_x100,
    rolling_over_capacity,
)


@pytest.mark.parametrize(("capacity", "allowed"), [
    (1, 1),  # 1.5
    (10, 15),  # the example: 13 a day is not over on the daily rule
    (20, 30),
    (50, 75),  # last capacity of the 150 % band
    (51, 76),  # (51 − 50) × 125 % + 75 = 76.25
    (60, 87),  # 87.5
    (100, 137),  # 137.5
])
def test_the_daily_rule_allows_exactly_the_limit_of_the_capacity_band(capacity, allowed):
    assert day_over_capacity(users=allowed, capacity=capacity) is False
    assert day_over_capacity(users=allowed + 1, capacity=capacity) is True


def test_capacity_10_with_13_users_a_day_is_not_over_on_the_daily_rule():
    assert day_over_capacity(users=13, capacity=10) is False


def test_capacity_60_with_89_users_is_over():
    assert day_over_capacity(users=89, capacity=60) is True


def test_above_capacity_50_the_band_rule_applies_not_150_percent():
    # capacity 52: 150 % would allow 78 users; (52 − 50) × 125 % + 75 allows 77.5
    assert day_over_capacity(users=78, capacity=52) is True


def test_no_users_is_never_over():
    assert day_over_capacity(users=0, capacity=1) is False


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"users": 5, "capacity": 0}, RuleErrorCode.CAPACITY_NOT_POSITIVE),
    ({"users": -1, "capacity": 20}, RuleErrorCode.USERS_NEGATIVE),
])
def test_the_daily_rule_refuses_impossible_values(kwargs, code):
    with pytest.raises(RuleError) as error:
        day_over_capacity(**kwargs)
    assert error.value.code == code


@pytest.mark.parametrize(("capacity", "per_day_x100"), [
    (1, 400),  # capacity + 3
    (10, 1300),
    (11, 1400),  # last of the small band: 14, not 13.75
    (12, 1500),  # first of the 125 % band: 15 (both readings agree here)
    (13, 1625),  # 16.25, not 16
    (20, 2500),
])
def test_the_rolling_allowance_a_day_is_capacity_plus_3_up_to_11_and_125_percent_from_12(capacity, per_day_x100):
    assert rolling_limit_x100(capacity) == per_day_x100


def test_rolling_capacity_11_allows_capacity_plus_3_a_day():
    allowed = rolling_over_capacity(days=[(14, 11)] * 60)
    assert allowed == RollingOverCapacity(user_days=840, open_days=60, limit=Decimal("840"), over=False)
    assert rolling_over_capacity(days=[(14, 11)] * 59 + [(15, 11)]).over is True


def test_rolling_capacity_12_allows_125_percent_a_day():
    assert rolling_over_capacity(days=[(15, 12)] * 60).over is False
    assert rolling_over_capacity(days=[(15, 12)] * 59 + [(16, 12)]).over is True


def test_rolling_capacity_13_counts_quarter_users_in_the_limit():
    result = rolling_over_capacity(days=[(16, 13)] * 4)  # 64 user-days against 4 × 16.25 = 65
    assert result.limit == Decimal("65") and result.over is False
    assert rolling_over_capacity(days=[(16, 13)] * 3 + [(18, 13)]).over is True  # 66


def test_rolling_capacity_10_with_13_users_every_day_is_not_over_and_14_is():
    assert rolling_over_capacity(days=[(13, 10)] * 60).over is False
    assert rolling_over_capacity(days=[(14, 10)] * 60).over is True


def test_rolling_limit_is_summed_day_by_day_when_capacity_changes():
    result = rolling_over_capacity(days=[(14, 11), (15, 12), (1, 13)])
    assert result.limit == Decimal("45.25")  # 14 + 15 + 16.25
    assert (result.user_days, result.open_days, result.over) == (30, 3, False)


def test_days_without_users_are_not_open_days():
    result = rolling_over_capacity(days=[(0, 20), (10, 20), (0, 20)])
    assert (result.open_days, result.limit) == (1, Decimal("25"))


def test_no_open_days_is_not_over():
    assert rolling_over_capacity(days=[]) == RollingOverCapacity(0, 0, Decimal("0"), False)


def test_the_rolling_rule_refuses_capacity_0_on_an_open_day():
    with pytest.raises(RuleError) as error:
        rolling_over_capacity(days=[(3, 0)])
    assert error.value.code == RuleErrorCode.CAPACITY_NOT_POSITIVE

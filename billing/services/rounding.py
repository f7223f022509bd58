"""Every rounding of billing, written once.

* a percentage applied to units → whole units, half up (四捨五入), one step at a time (an office reduction
  rounds the part it takes; the staff-pay add-on rounds the month's units × its rate);
* units → yen: drop the fraction below one yen (切り捨て), once per client-month;
* co-payment: 10 % of the yen total, fraction dropped;
* yen per day in reports: half away from zero (−1,666.67 → −1,667).

Only ``Decimal`` and integers; never float.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal

RATE_PLACES = Decimal("0.0001")


def round_half_up(value: Decimal) -> int:
    """Half up for the magnitude (ROUND_HALF_UP is half away from zero for negatives too)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def units_percent(*, units: int, percent: int) -> int:
    """``units`` × ``percent`` %, rounded to a whole unit half up: 811 × 70 % = 567.7 → 568."""
    return round_half_up(Decimal(units) * Decimal(percent) / Decimal(100))


def units_less_percent(*, units: int, percent: int) -> int:
    """``units`` less ``percent`` % of them, the part taken rounded to a whole unit half up (所定単位数の100分の
    X に相当する単位数を減算): 650 less 1 % = 650 − 7 (6.5 → 7) = 643."""
    return units - units_percent(units=units, percent=percent)


def units_times_rate(*, units: int, rate: Decimal) -> int:
    """``units`` × a rate given as a fraction, rounded to a whole unit half up (the staff-pay add-on: the
    month's units × 0.102): 12,345 × 0.102 = 1,259.19 → 1,259."""
    if not isinstance(rate, Decimal):
        raise TypeError("a rate must be a Decimal")
    return round_half_up(Decimal(units) * rate)


def units_to_yen(*, units: int, yen_per_unit: Decimal) -> int:
    """floor(units × yen per unit): 12,345 units × 10.17 = 125,548.65 → 125,548 yen."""
    if not isinstance(yen_per_unit, Decimal):
        raise TypeError("yen per unit must be a Decimal")
    return int((Decimal(units) * yen_per_unit).to_integral_value(rounding=ROUND_FLOOR))


def yen_percent_floor(*, yen: int, percent: int) -> int:
    """``yen`` × ``percent`` %, fraction dropped (the co-payment's 10 %)."""
    return int((Decimal(yen) * Decimal(percent) / Decimal(100)).to_integral_value(rounding=ROUND_DOWN))


def divide_half_away_from_zero(numerator: int, denominator: int) -> int:
    """numerator ÷ denominator to whole yen, half away from zero: −50,000 ÷ 30 = −1,666.67 → −1,667."""
    if denominator == 0:
        raise ZeroDivisionError("division by zero days")
    return round_half_up(Decimal(numerator) / Decimal(denominator))


def rate(numerator: int, denominator: int) -> Decimal:
    """An exact ratio kept as Decimal (for display it is quantized to 4 places, never used rounded in a
    comparison): 22 ÷ 40 → Decimal('0.55')."""
    if denominator == 0:
        return Decimal(0)
    return Decimal(numerator) / Decimal(denominator)


def rate_text(value: Decimal) -> str:
    """A rate as a decimal string with 4 places (for JSON and CSV)."""
    return str(value.quantize(RATE_PLACES, rounding=ROUND_HALF_UP))

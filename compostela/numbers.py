"""How figures are shown: one rounding rule for every percentage and decimal on a page or a document —
half up (2/23 = 8.695… % shows as 8.7 %, not 8.6 %).  Money has its own rules (billing.services.rounding)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def _exact(value) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(str(value))


def round_half_up(value, digits: int = 0) -> Decimal:
    """``value`` rounded to ``digits`` places, halves away from zero (the way people round)."""
    return _exact(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def percent_of(share, digits: int = 1) -> Decimal:
    """A share (0.08695…) as the percentage shown (8.7)."""
    return round_half_up(_exact(share) * 100, digits)

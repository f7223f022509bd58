from django import template
from django.utils.formats import number_format

from compostela.numbers import percent_of, round_half_up

register = template.Library()


@register.filter
def percent(value, digits: int = 1) -> str:
    """0.616 → "61.6 %", rounded half up (compostela.numbers); None → "–"."""
    if value is None:
        return "–"
    return f"{number_format(percent_of(value, digits), decimal_pos=digits)} %"


@register.filter
def decimal(value, digits: int = 1) -> str:
    """A figure rounded half up to ``digits`` places (compostela.numbers); None → "–"."""
    if value is None:
        return "–"
    return number_format(round_half_up(value, digits), decimal_pos=digits)

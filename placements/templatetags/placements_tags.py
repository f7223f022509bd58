from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value, digits: int = 1) -> str:
    """0.616 → "61.6 %"; None → "–"."""
    if value is None:
        return "–"
    return f"{number_format(value * 100, decimal_pos=digits)} %"


@register.filter
def decimal(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return number_format(value, decimal_pos=digits)

"""Formatting of yen and units for the active language."""

from django import template
from django.utils import translation
from django.utils.formats import number_format

register = template.Library()


@register.filter
def yen(value) -> str:
    """12345 → "12,345円" in Japanese, "¥12,345" in English.  Money is integer yen."""
    if value is None or value == "":
        return ""
    amount = number_format(int(value), force_grouping=True)
    if translation.get_language() == "ja":
        return f"{amount}円"
    return f"¥{amount}" if int(value) >= 0 else f"−¥{number_format(-int(value), force_grouping=True)}"


@register.filter
def units(value) -> str:
    if value is None or value == "":
        return ""
    return number_format(int(value), force_grouping=True)

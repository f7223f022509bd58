"""Filters for the billing documents."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def yen_sign(value) -> str:
    """12345 → "¥12,345", −50000 → "−¥50,000" (U+2212), as in the office's own what-if table."""
    if value is None or value == "":
        return ""
    amount = int(value)
    text = "¥" + number_format(abs(amount), force_grouping=True)
    return text if amount >= 0 else "−" + text


@register.filter
def mark(value) -> str:
    """A tick for a yes/no cell of the record sheet (○), empty otherwise."""
    return "○" if value else ""


@register.filter
def hhmm(value) -> str:
    return value.strftime("%H:%M") if value else ""


@register.filter
def rate_percent(value) -> str:
    """A rate stored as a decimal string ("0.3000") as a percent with one decimal ("30.0%")."""
    from decimal import Decimal, InvalidOperation

    try:
        return f"{Decimal(str(value)) * 100:.1f}%"
    except (InvalidOperation, ValueError):
        return ""


# what a held line waits for, as the office's Japanese documents say it (``ClaimLineResult.holds`` codes)
HOLD_JA = {
    "copay_cap_to_confirm": "負担上限月額",
    "retention_support_held": "就労定着率",
    "treatment_rate_missing": "処遇改善加算の率",
    "office_reduction_rate_missing": "減算の率",
}


@register.filter
def holds_ja(holds) -> str:
    """A held line's cell: ``要確認（負担上限月額）``."""
    names = [HOLD_JA.get(code, code) for code in holds or []]
    return f"要確認（{'、'.join(names)}）" if names else ""

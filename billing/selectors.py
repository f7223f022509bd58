from datetime import date

from billing.models import MonthClosing
from compostela.models import Office


def billing_closed_months(*, office: Office, months: list[date]) -> set[date]:
    """Of ``months`` (first days), those that are closed for ``office`` right now — one query."""
    return set(
        MonthClosing.objects.filter(office=office, month__in=months, reopened_at__isnull=True).values_list(
            "month", flat=True
        )
    )


def billing_month_is_closed(*, office: Office, month: date) -> bool:
    return bool(billing_closed_months(office=office, months=[month.replace(day=1)]))

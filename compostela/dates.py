"""The dates a service can have: 2000 to 2100.  Checked once, where a date or month enters a view (a URL
part, a GET parameter, a form field), so no page meets year 1 or 9999 — the holiday calendar, date
arithmetic and the database would fail there with a 500.  Birth dates have their own range (1900 to today)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compostela.errors import CompostelaError

FIRST_SERVICE_DAY = date(2000, 1, 1)
LAST_SERVICE_DAY = date(2100, 12, 31)
FIRST_BIRTH_DAY = date(1900, 1, 1)

SERVICE_DATE_ERROR = _("Enter a date between 2000 and 2100.")
FUTURE_DATE_ERROR = _("This records what happened: the date cannot be after today.")
BIRTH_DATE_ERROR = _("Enter a date of birth between 1900 and today.")


def is_service_date(day: date) -> bool:
    return FIRST_SERVICE_DAY <= day <= LAST_SERVICE_DAY


def service_month(year: int, month: int) -> date | None:
    """The first day of that month, or None when it is no month of 2000–2100."""
    if not (FIRST_SERVICE_DAY.year <= year <= LAST_SERVICE_DAY.year and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def parse_service_day(text: str | None) -> date | None:
    """``YYYY-MM-DD`` of 2000–2100, or None."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if is_service_date(day) else None


def parse_service_month(text: str | None) -> date | None:
    """``YYYY-MM`` of 2000–2100 (the first day of it), or None."""
    parts = (text or "").strip().split("-")
    if len(parts) != 2 or not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in parts):
        return None
    return service_month(int(parts[0]), int(parts[1]))


def is_after_today(day: date, today: date | None = None) -> bool:
    """The rule for records of what happened (attendance, follow-up, outreach, employer contacts, case
    notes): they may not be dated after today.  What is planned is a due date, not a record."""
    return day > (today or timezone.localdate())


def refuse_future_date(day: date, *, field: str = "day", today: date | None = None) -> None:
    """Raise the refusal, on ``field``, of a record of what happened dated after today."""
    if is_after_today(day, today):
        raise ValidationError({field: ValidationError(FUTURE_DATE_ERROR, code=CompostelaError.FUTURE_DATE)})


def validate_service_date(day: date) -> None:
    """Form and model validator: a date of service, 2000–2100."""
    if not is_service_date(day):
        raise ValidationError(SERVICE_DATE_ERROR, code="date_out_of_range")


def validate_birth_date(day: date) -> None:
    """Form and model validator: a date of birth, 1900 to today."""
    if not FIRST_BIRTH_DAY <= day <= timezone.localdate():
        raise ValidationError(BIRTH_DATE_ERROR, code="birth_date_out_of_range")


class ServiceYearConverter:
    """``<service_year:year>`` in a URL: four digits, 2000–2100; anything else matches no URL (404)."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not FIRST_SERVICE_DAY.year <= year <= LAST_SERVICE_DAY.year:
            raise ValueError(value)
        return year

    def to_url(self, value: int) -> str:
        return f"{value:04d}"


class MonthNumberConverter:
    """``<month_number:month>`` in a URL: 1–12; anything else matches no URL (404)."""

    regex = "[0-9]{1,2}"

    def to_python(self, value: str) -> int:
        month = int(value)
        if not 1 <= month <= 12:
            raise ValueError(value)
        return month

    def to_url(self, value: int) -> str:
        return str(value)


class ServiceDayConverter:
    """``<service_day:day>`` in a URL: ``YYYY-MM-DD`` of 2000–2100, given to the view as a date."""

    regex = "[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> date:
        day = parse_service_day(value)
        if day is None:
            raise ValueError(value)
        return day

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)

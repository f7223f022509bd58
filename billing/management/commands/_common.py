from __future__ import annotations

from django.core.management.base import CommandError

from compostela.models import Office

FORMATS = ["json", "csv", "text"]


def add_format(parser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="text", help="json, csv or text (default).")


def office_by_number(number: str | None) -> Office:
    if not number:
        raise CommandError("--office NUMBER is required.")
    try:
        return Office.objects.get(number=number)
    except Office.DoesNotExist as error:
        raise CommandError(f"No office with number {number}.") from error

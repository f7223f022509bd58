"""The codes of the ground app's refusals: every ``ValidationError`` it raises carries one, so tests (and
any caller) tell refusals apart without reading the message in the user's language."""

from django.db import models


class CompostelaError(models.TextChoices):
    OFFICE_NUMBER_FORMAT = "office_number_format", "an office number is not exactly 10 digits"
    FUTURE_DATE = "future_date", "a record of what happened is dated after today"

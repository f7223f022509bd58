"""The codes of the regulations app's refusals: every ``ValidationError`` it raises (its models' constraints,
checked by ``full_clean`` in the admin) carries one, so tests tell refusals apart without reading the message
in the user's language."""

from django.db import models


class RegulationsError(models.TextChoices):
    PERCENT_RANGE = "percent_range", "a percentage outside its range"
    MONTHS_POSITIVE = "months_positive", "a number of months below 1"
    RATE_RANGE = "rate_range", "a rate outside 0 to 1"
    SOURCE_NAMED = "source_named", "figures without their source"
    VERIFIED_SAYS_WHO_AND_WHEN = "verified_says_who_and_when", "figures marked verified without when and by whom"

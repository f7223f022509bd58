"""The codes of the case review's refusals: every ``ValidationError`` it raises carries one, so tests tell
refusals apart without reading the message in the user's language."""

from django.db import models


class ReviewError(models.TextChoices):
    QUIET_DAYS_RANGE = "quiet_days_range", "the days without contact before a flag are outside 1–60"
    MARKED_ALREADY = "marked_already", "the person is marked as reviewed on that day already"

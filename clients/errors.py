"""The codes of the clients app's refusals: every ``ValidationError`` a rule or service raises carries one,
so tests (and any caller) tell refusals apart without reading the message in the user's language."""

from django.db import models


class ClientError(models.TextChoices):
    NO_STANDARD_CAP = "no_standard_cap", "no standard co-payment cap for the day"

"""The codes of billing's refusals: every ``ValidationError`` a rule, service or form raises carries one,
so tests (and any caller) tell refusals apart without reading the message in the user's language."""

from django.db import models


class BillingError(models.TextChoices):
    # month closing
    MONTH_NOT_OVER = "month_not_over", "the month has not ended yet"
    ALREADY_CLOSED = "already_closed", "the month is closed already"
    REOPEN_NEEDS_REASON = "reopen_needs_reason", "reopening needs a reason"
    NOT_CLOSED = "not_closed", "the month to reopen is not closed"
    # the retention tier
    OVERRIDE_NEEDS_REASON = "override_needs_reason", "overriding the retention rate needs a reason"
    # forms
    MONTH_FORMAT = "month_format", "a month is not written YYYY-MM"
    DAYS_FORMAT = "days_format", "the days are not positive whole numbers separated by commas"
    DOCUMENT_NEEDS_YEAR = "document_needs_year", "the follow-up report needs its year"
    DOCUMENT_NEEDS_MONTH = "document_needs_month", "a month's document needs its month"
    # a certificate that changes mid-month: the line is held until the manager confirms the month's cap
    COPAY_CAP_TO_CONFIRM = "copay_cap_to_confirm", "the month's co-payment cap is to confirm (certificates differ)"
    COPAY_CAP_NOT_A_CHOICE = "copay_cap_not_a_choice", "the certificate is not one of the month's with a different cap"
    COPAY_CAP_MONTH_CLOSED = "copay_cap_month_closed", "the month is closed: its cap cannot change"

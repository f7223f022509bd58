"""The codes of billing's refusals: every ``ValidationError`` a rule, service or form raises carries one,
so tests (and any caller) tell refusals apart without reading the message in the user's language."""

from django.db import models


class BillingError(models.TextChoices):
    # month closing
    MONTH_NOT_OVER = "month_not_over", "the month has not ended yet"
    ALREADY_CLOSED = "already_closed", "the month is closed already"
    REOPEN_NEEDS_REASON = "reopen_needs_reason", "reopening needs a reason"
    NOT_CLOSED = "not_closed", "the month to reopen is not closed"
    EARLIER_MONTH_OPEN = "earlier_month_open", "an earlier month is still open (closing out of order needs a reason)"
    STALE_CONFIRMATION = "stale_confirmation", "the points to check changed since the confirmation page was shown"
    RETENTION_SUPPORT_HELD = "retention_support_held", "retention-support lines are held (rate with no history unset)"
    ADDON_RATE_MISSING = "addon_rate_missing", "a line is held: an add-on it counts has no units loaded for the month"
    # the retention-support rate of an office with no history
    NO_HISTORY_BASIS_NEEDS_NOTICE = "no_history_basis_needs_notice", "the rate basis needs the notice it comes from"
    NO_HISTORY_RATE_FRACTION = "no_history_rate_fraction", "the rate with no history is a fraction from 0 to 1"
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
    COPAY_CAP_DECIDED = "copay_cap_decided", "the month's cap of the person is confirmed already (one row)"
    # the database constraints (their messages are on the constraints, billing.models)
    UNKNOWN_CHOICE = "unknown_choice", "a value outside the field's choices"
    ONE_PER_DAY = "one_per_day", "a row of the same kind is in force from that date already"
    ONE_PER_TIER = "one_per_tier", "the schedule has that tier already"
    RATE_NOT_NEGATIVE = "rate_not_negative", "a negative rate"
    BAND_ORDERED = "band_ordered", "a band ends below where it starts"
    UNITS_POSITIVE = "units_positive", "units below 1"
    PRICE_POSITIVE = "price_positive", "a yen per unit below 1"
    PRICE_OVERRIDE_NEEDS_REASON = "price_override_needs_reason", "a hand-entered yen per unit without its reason"
    MONTH_FIRST_DAY = "month_first_day", "a month not stored as its first day"
    CLOSING_VERSION_TAKEN = "closing_version_taken", "that version of the month's closing exists already"
    TOTALS_ADD_UP = "totals_add_up", "stored totals that do not add up"
    CLAIM_LINE_ONCE = "claim_line_once", "the closing has a line of that service for that client already"
    COPAY_WITHIN_TOTAL = "copay_within_total", "a co-payment above the total"
    DOCUMENT_NEEDS_PERIOD = "document_needs_period", "a document without its year or month"
    PROGRESS_WITHIN_TOTAL = "progress_within_total", "a document's progress past its total"
    DONE_HAS_FILE = "done_has_file", "a finished document without its file"
    SERVICE_CODE_FORMAT = "service_code_format", "a service code that is not six characters"
    TREATMENT_RATE_FRACTION = "treatment_rate_fraction", "a staff-pay add-on rate outside 0 to 1"
    REDUCTION_ONE_MEASURE = "reduction_one_measure", "an office reduction with both or neither measure"
    # a line the month cannot compute in full: held (not claimable) until the data is there
    TREATMENT_RATE_MISSING = "treatment_rate_missing", "a staff-pay add-on category the revision has no rate for"
    OFFICE_REDUCTION_RATE_MISSING = "office_reduction_rate_missing", "an office reduction flagged with no rate loaded"
    # the electronic claim file (billing.claimfile): each class of problem that keeps a month from a file
    CLAIM_FILE_NOT_CLOSED = "claim_file_not_closed", "the month is not closed: no claim file"
    CLAIM_FILE_FEES_UNVERIFIED = "claim_file_fees_unverified", "the month's fee values are to verify: no claim file"
    CLAIM_FILE_EXAMPLE_DATA = "claim_file_example_data", "EXAMPLE fee data on an office that is not a demonstration"
    CLAIM_FILE_CODE_MISSING = "claim_file_code_missing", "a billed item without its service code or form number"
    CLAIM_FILE_FIELD_MISSING = "claim_file_field_missing", "a required field of a record is empty"
    CLAIM_FILE_FIELD_TOO_LONG = "claim_file_field_too_long", "a field is longer than its bytes in CP932"
    CLAIM_FILE_NOT_DIGITS = "claim_file_not_digits", "a numeric or code field holds more than half-width digits"
    CLAIM_FILE_NOT_ENCODABLE = "claim_file_not_encodable", "a character CP932 cannot write, or a control character"
    CLAIM_FILE_TOTALS = "claim_file_totals", "the records' units or yen differ from the closed month's"
    # after sending (billing.submissions): the sending of a month's file, each line's result, the re-claim
    SUBMISSION_NOT_IN_FORCE = "submission_not_in_force", "the version sent is not the month's closing in force"
    SUBMISSION_BEFORE_CLOSING = "submission_before_closing", "a file sent before its month was closed"
    SUBMISSION_ONCE = "submission_once", "the sending of that closing version is recorded already"
    SUBMISSION_FILE_NAME = "submission_file_name", "a file name that is not 8 letters or digits + .CSV"
    RESULT_LINE_NOT_SENT = "result_line_not_sent", "the line did not travel in that sending"
    RESULT_BEFORE_SENDING = "result_before_sending", "a result dated before the file was sent"
    RESULT_ONCE = "result_once", "the line's result of that sending is recorded already"
    RESULT_STATUS = "result_status", "a result other than accepted or returned (withdrawal is its own step)"
    RETURN_NEEDS_REASON = "return_needs_reason", "a return (返戻) without the reason the notice gives"
    WITHDRAW_NOT_ACCEPTED = "withdraw_not_accepted", "withdrawing (過誤申立) a line that was not accepted"
    WITHDRAWAL_INCOMPLETE = "withdrawal_incomplete", "a withdrawal without its date and reason"
    WITHDRAWN_BEFORE_ACCEPTED = "withdrawn_before_accepted", "a withdrawal dated before the acceptance"
    RECLAIM_NOT_UNPAID = "reclaim_not_unpaid", "re-claiming a line that is not returned or withdrawn"
    RECLAIM_NOT_LATER = "reclaim_not_later", "a re-claim (月遅れ請求) in a month not later than the line's"
    RECLAIM_MONTH_SENT = "reclaim_month_sent", "the later month's file is recorded as sent already"
    RECLAIM_MONTH_OPEN = "reclaim_month_open", "the line's month is reopened: close the corrected version first"
    RECLAIM_NO_LINE = "reclaim_no_line", "the month's latest version has no line of that client and service"
    RECLAIM_ONCE = "reclaim_once", "the return or withdrawal is re-claimed already"
    # fee revision files (billing.services.revisions)
    REVISION_FILE_INVALID = "revision_file_invalid", "the revision file does not follow the schema"
    REVISION_VALUE_INVALID = "revision_value_invalid", "a value of the revision file is refused by the tables"
    REVISION_FILE_TOO_LARGE = "revision_file_too_large", "the uploaded revision file is larger than the limit"
    REVISION_STALE = "revision_stale", "what loading the file changes differs from the confirmation page shown"
    # a manager's confirmation of an unverified fee value against the notice (billing.services.fee_confirmations)
    FEE_VALUE_NOT_TO_VERIFY = "fee_value_not_to_verify", "the fee row is not an unverified value (or not a fee row)"
    FEE_VALUE_EXAMPLE = "fee_value_example", "an EXAMPLE value cannot be confirmed against a notice"
    FEE_VALUE_CHANGED = "fee_value_changed", "the fee row's value is not the value confirmed (it changed)"
    FEE_CONFIRMATION_NEEDS_NOTICE = "fee_confirmation_needs_notice", "a confirmation names the notice checked"
    FEE_CONFIRMATION_ONCE = "fee_confirmation_once", "the office has a confirmation of that fee row already"
    # the office's dated fee settings entered on the fee page (billing.services.fee_settings)
    SETTINGS_MONTH_CLOSED = "settings_month_closed", "a setting dated in or before a closed month"


class CloseCheck(models.TextChoices):
    """The kinds of points listed before a month is closed (``billing.checks.close_checks``): what costs money
    or breaks a rule, each with where it is fixed."""

    PLAN_MISSING = "plan_missing", "missing support plan reduction"
    OVER_CAPACITY = "over_capacity", "over-capacity reduction"
    OUTSIDE_PERIOD_OF_USE = "outside_period_of_use", "attendance outside a period of use"
    OUTSIDE_CERTIFICATE = "outside_certificate", "attendance outside a certificate"
    BEYOND_GRANTED_DAYS = "beyond_granted_days", "days beyond the granted days"
    MISSING_TIMES = "missing_times", "days of service without start or end time"
    EARLIER_MONTH_OPEN = "earlier_month_open", "earlier months still open"
    RETENTION_SUPPORT_HELD = "retention_support_held", "retention support held: rate with no history not set"
    FEES_UNVERIFIED = "fees_unverified", "the month is computed with fee values to verify (要確認)"
    FEE_RATE_MISSING = "fee_rate_missing", "a staff-pay add-on or office reduction with no rate in force"
    RETENTION_SUPPORT_NOTE = "retention_support_note", "retention support not claimed for a person"
    COPAY_CAP_TO_CONFIRM = "copay_cap_to_confirm", "co-payment cap to confirm: a certificate changed mid-month"
    ADDON_RATE_MISSING = "addon_rate_missing", "an add-on with occurrences has no units loaded: the line is held"

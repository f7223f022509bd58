"""The codes of attendance's refusals: each refusal of a day's save (``DayRejected``) carries one per
message, so tests (and any caller) tell refusals apart without reading the message in the user's language."""

from django.db import models


class AttendanceError(models.TextChoices):
    # the whole day
    FUTURE_DAY = "future_day", "the day is after today"
    MONTH_CLOSED = "month_closed", "billing has closed the month"
    OVERRIDE_SUPERVISOR_ONLY = "override_supervisor_only", "a confirmation beyond granted days by a non-supervisor"
    OVERRIDE_REASON_TOO_LONG = "override_reason_too_long", "the confirmation's reason is too long"
    # one row
    DUPLICATE_ROW = "duplicate_row", "the client appears more than once"
    UNKNOWN_CLIENT = "unknown_client", "the client is not a client of the office"
    UNKNOWN_STATUS = "unknown_status", "the status is not an attendance status"
    END_NOT_AFTER_START = "end_not_after_start", "the end time is not after the start time"
    ABSENCE_NO_TRANSPORT_OR_MEAL = "absence_no_transport_or_meal", "an absence with transport or a meal"
    ABSENCE_NO_TIMES = "absence_no_times", "an absence with a start or end time"
    SUPPORT_NEEDS_NOTE = "support_needs_note", "an absence with support has no note"
    BEFORE_ENROLMENT = "before_enrolment", "the client was not enrolled yet on the day"
    AFTER_END = "after_end", "the client's use had ended by the day"
    OUTSIDE_CERTIFICATE = "outside_certificate", "no transition certificate is valid on the day"
    OVER_GRANTED_DAYS = "over_granted_days", "the day would be beyond the month's granted days"
    # the database constraints of attendance's other records
    MONTH_FIRST_DAY = "month_first_day", "a month not stored as its first day"
    OVERRIDE_ONCE_PER_MONTH = "override_once_per_month", "days beyond the granted days are confirmed already"
    OVERRIDE_NEEDS_REASON = "override_needs_reason", "a confirmation beyond granted days without a reason"
    ROW_INVALID = "row_invalid", "the row breaks a rule of the model's fields (no code of its own)"
    # regional cooperation meetings (地域連携会議, RegionalMeeting)
    MEETING_KIND_UNKNOWN = "meeting_kind_unknown", "the meeting's kind is not (I) or (II)"
    MEETING_ONCE_A_DAY = "meeting_once_a_day", "the client has a meeting of that kind on that day already"
    MEETING_NEEDS_PARTICIPANTS = "meeting_needs_participants", "a meeting without who took part"

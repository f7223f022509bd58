"""The codes of the clients app's refusals: every ``ValidationError`` a rule or service raises carries one,
so tests (and any caller) tell refusals apart without reading the message in the user's language."""

from django.db import models


class ClientError(models.TextChoices):
    NO_STANDARD_CAP = "no_standard_cap", "no standard co-payment cap for the day"
    # the client's status and periods of use
    HIRE_BEFORE_PERIOD = "hire_before_period", "a hire starts before the current period of use"
    NOT_IN_OFFICE = "not_in_office", "a specialist or case manager has no role in the client's office"
    BAD_TRANSITION = "bad_transition", "the status cannot move from the current one to the target"
    ENROLL_NEEDS_DATE = "enroll_needs_date", "an enrolled client needs the enrolment date"
    DATE_BEFORE_PERIOD = "date_before_period", "the date is before the start of the current period of use"
    ENROLLED_BEFORE_VISIT = "enrolled_before_visit", "the enrolment date is before the first visit"
    END_NEEDS_REASON = "end_needs_reason", "ending needs a reason"
    RETURN_ONLY_ENDED = "return_only_ended", "only a client whose use has ended can come back"
    RETURN_OVERLAPS = "return_overlaps", "a return starts on or before the end of the last period"
    KANA_ONLY = "kana_only", "a name's reading (フリガナ) is not written in kana"
    ENDED_NEEDS_DATE = "ended_needs_date", "an ended client without the end date"
    USUAL_END_BEFORE_START = "usual_end_before_start", "the usual end time is not after the usual start time"
    PERIOD_ENDS_BEFORE_START = "period_ends_before_start", "a period of use ends before it starts"
    PERIOD_OVERLAP = "period_overlap", "a period of use overlaps another of the same client"
    UNKNOWN_CHOICE = "unknown_choice", "a value outside the field's choices"
    # recipient certificates
    CERTIFICATE_NUMBER_FORMAT = "certificate_number_format", "a certificate number is not exactly 10 digits"
    CERTIFICATE_ENDS_BEFORE_START = "certificate_ends_before_start", "the service period ends before it starts"
    GRANTED_DAYS_RANGE = "granted_days_range", "granted days outside 1–31"
    CERTIFICATE_TOO_LONG = "certificate_too_long", "the service period is longer than the service allows"
    CERTIFICATE_OVERLAP = "certificate_overlap", "the period overlaps another certificate of the same service"
    CERTIFICATE_NUMBER_TAKEN = "certificate_number_taken", "the number belongs to another client of the office"
    EXTENSION_TRANSITION_ONLY = "extension_transition_only", "only a transition certificate is extended"
    EXTENSION_NEEDS_CERTIFICATE = "extension_needs_certificate", "an extension without an earlier certificate"
    EXTENSION_ONCE = "extension_once", "the service period was extended already"
    # health and benefits
    PENSION_AMOUNT_WITHOUT_PENSION = "pension_amount_without_pension", "a pension amount without a pension grade"
    PENSION_KIND_WITH_GRADE = "pension_kind_with_grade", "a pension grade without its kind, or a kind without a grade"
    BASIC_PENSION_GRADE_3 = "basic_pension_grade_3", "the basic disability pension has no grade 3"
    GRADE_WITHOUT_CERTIFICATE = "grade_without_certificate", "a disability grade without a disability certificate"
    # support plans and case notes
    PLAN_CLOSED = "plan_closed", "the support plan is closed"
    PLAN_ENDS_BEFORE_START = "plan_ends_before_start", "the plan period ends before it starts"
    REVIEW_NEEDS_SUMMARY = "review_needs_summary", "a plan review without its summary"
    CASE_NOTE_NEEDS_TEXT = "case_note_needs_text", "a case note without text"
    PLAN_AGREED_BEFORE_CREATED = "plan_agreed_before_created", "the agreement is dated before the plan"
    PLAN_CLOSE_BEFORE_CREATED = "plan_close_before_created", "the closing is dated before the plan"
    REVIEW_BEFORE_PLAN = "review_before_plan", "the plan review is dated before the plan"
    CASE_NOTE_MINUTES_RANGE = "case_note_minutes_range", "a case note's minutes are outside 1–720"
    # the career profile
    HOURS_PER_WEEK_RANGE = "hours_per_week_range", "hours a week outside 1–60"
    DAYS_PER_WEEK_RANGE = "days_per_week_range", "days a week outside 1–7"
    WORK_ENDS_BEFORE_START = "work_ends_before_start", "an earlier job ends before it started"
    WORK_NEEDS_EMPLOYER = "work_needs_employer", "an earlier job without its employer"
    # the spreadsheet import (clients.importing)
    IMPORT_UNSUPPORTED_FILE = "import_unsupported_file", "the file is neither .csv nor .xlsx"
    IMPORT_REQUIRED = "import_required", "a required column of the row is empty"
    IMPORT_BAD_DATE = "import_bad_date", "a cell is not a date"
    IMPORT_BAD_NUMBER = "import_bad_number", "a cell is not a whole number"
    IMPORT_BAD_CHOICE = "import_bad_choice", "a cell is not one of the column's values"
    IMPORT_EMPLOYED = "import_employed", "a row imports a client as employed (that comes from a hire)"
    IMPORT_CERTIFICATE_INCOMPLETE = "import_certificate_incomplete", "a row has some certificate columns only"

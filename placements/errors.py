"""The codes of the placements app's refusals: every ``ValidationError`` a rule or service raises carries
one, so tests (and any caller) tell refusals apart without reading the message in the user's language."""

from django.db import models


class PlacementError(models.TextChoices):
    OTHER_OFFICE = "other_office", "a record of another office was given"
    INTERVIEW_BEFORE_APPLICATION = "interview_before_application", "the interview is before the application"
    HIRE_ALREADY_RECORDED = "hire_already_recorded", "the hire (same employer and start) is recorded already"
    FIXED_TERM_NEEDS_END = "fixed_term_needs_end", "a fixed-term job without an end, or a permanent one with one"
    FIXED_TERM_ENDS_BEFORE_START = "fixed_term_ends_before_start", "the term ends before the job starts"
    CLOSED_JOB_DISCLOSED = "closed_job_disclosed", "an ordinary job without disclosure is marked disclosed"
    JOB_ALREADY_ENDED = "job_already_ended", "the job has ended already"
    JOB_END_NEEDS_REASON = "job_end_needs_reason", "an end date without a reason, or a reason without a date"
    JOB_ENDS_BEFORE_START = "job_ends_before_start", "the job ends before it starts"
    FOLLOWUP_BEFORE_START = "followup_before_start", "the follow-up contact is before the job started"
    HIRE_BEFORE_OFFICE_OPENED = "hire_before_office_opened", "the hire starts before the office opened"
    HIRE_BEFORE_FIRST_USE = "hire_before_first_use", "the hire starts before the client's first period of use"
    # the database constraints (their messages are on the constraints, placements.models)
    UNKNOWN_CHOICE = "unknown_choice", "a value outside the field's choices"
    EMPLOYER_NAME_TAKEN = "employer_name_taken", "the office has an employer of that name already"
    PERSON_NAME_TAKEN = "person_name_taken", "the employer has a contact person of that name already"
    HOURS_PER_WEEK_RANGE = "hours_per_week_range", "hours a week outside more than 0 to 60"
    MINUTES_RANGE = "minutes_range", "minutes outside 1–720"
    RESULT_NEEDS_DATE = "result_needs_date", "a result without its date (or a pending one with a date)"
    ACCOMPANIED_NEEDS_STAFF = "accompanied_needs_staff", "an accompanied interview without the staff member"

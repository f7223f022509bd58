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

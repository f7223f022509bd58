"""Case review (issue 7): the employed-side flags, the job-search stage and the placements facts the board
reads — each rule written once here, over plain values; the facts for a whole office in fixed queries.

Employed-side flags (each names its edge; a test pins both sides of it):
* ``six_month``: the six-month day (``rules.six_month_date``) comes within 30 days (30 flagged, 31 not).
* ``first_week``: the first week after the start (start … start + 6) is over without a follow-up contact;
  shown during the first month.
* ``no_followup_month``: in months 0–6 (unpaid follow-up), no follow-up contact yet this calendar month, and
  one is due now (``monthly_contact_due``).
* ``retention_face_to_face``: in the 就労定着支援 phase (month 7 to year 3½), no face-to-face contact with
  the person yet this calendar month — the month is not billable without one
  (``rules.retention_support_month_billable``) — and one is due now (``monthly_contact_due``).
* ``retention_certificate``: in the 就労定着支援 phase, at an office that runs the service, no 就労定着支援
  recipient certificate covers the day — the months cannot be billed until the municipality's decision is on
  file (apply for it, or record it).
* ``job_ended``: the job ended within the last 30 days — offer to come back (再利用).

People in follow-up: not in service (visitor/trial/enrolled), with a hire started less than 3½ years ago
(``rules.RETENTION_SUPPORT_LAST_MONTH``) that is still going, or that ended within the last 30 days.
"""

from __future__ import annotations

import enum
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.utils.translation import gettext_noop

from clients.models import Certificate
from compostela.models import Office
from placements.models import (
    FACE_TO_FACE_EMPLOYER_KINDS,
    ApplicationResult,
    EmployerContact,
    FollowUpContact,
    FollowUpKind,
    Hire,
    Interview,
    JobApplication,
    Outreach,
)
from regulations.rules import (
    RETENTION_SUPPORT_LAST_MONTH,
    FollowUpPhase,
    followup_phase,
    month_after_start,
    month_end,
    retention_support_span,
    six_month_date,
)
from review.flags import ALERT, IN_SERVICE, NOTICE, WARN, Due, Flag
from review.labels import gettext_once as _  # a text translated once, not once per row

SIX_MONTH_NOTICE_DAYS = 30
FIRST_WEEK_DAYS = 7  # the first week: the start day and the six days after it
JOB_ENDED_RECENTLY_DAYS = 30
# A contact owed once a calendar month (a follow-up in months 0–6, a face-to-face meeting in 就労定着支援) is
# flagged when it is due, not from the 1st: from this day of the month (about ten days left to arrange it) …
MONTHLY_CONTACT_DUE_FROM_DAY = 20
# … or earlier when the last one is more than this many days ago (the monthly rhythm has slipped: last month
# had none, or it came early in the month).
MONTHLY_CONTACT_INTERVAL_DAYS = 35


def _day(value: date) -> str:
    return value.isoformat()  # as in review.flags: fast, and the Y-m-d the other screens show


# --- a job's dates, remembered -----------------------------------------------------------------------------
# One row asks for the same job's dates several times (the row, four flags, the next due), and relativedelta
# arithmetic is slow (~15 µs a call; a 300-person board made ~2,300 of them): the rules of
# ``regulations.rules`` that give them, pure functions of the start day (and the board's day), are remembered.
_REMEMBERED_JOBS = 8192
job_six_month_date = lru_cache(maxsize=_REMEMBERED_JOBS)(six_month_date)
job_retention_support_span = lru_cache(maxsize=_REMEMBERED_JOBS)(retention_support_span)
job_month_after_start = lru_cache(maxsize=_REMEMBERED_JOBS)(month_after_start)


@lru_cache(maxsize=_REMEMBERED_JOBS)
def job_phase(start: date, day: date) -> FollowUpPhase:
    """``regulations.rules.followup_phase``, remembered."""
    return followup_phase(start=start, day=day)


# --- job-search stage ------------------------------------------------------------------------------------


class SearchStage(enum.StrEnum):
    PROFILE = "profile"
    CONTACTING = "contacting"
    APPLYING = "applying"
    INTERVIEWING = "interviewing"
    HIRED = "hired"


STAGE_LABELS = {  # translated by the row (``gettext_once``)
    SearchStage.PROFILE: gettext_noop("Profile only"),
    SearchStage.CONTACTING: gettext_noop("Contacting employers"),
    SearchStage.APPLYING: gettext_noop("Applying"),
    SearchStage.INTERVIEWING: gettext_noop("Interviewing"),
    SearchStage.HIRED: gettext_noop("Hired"),
}


def search_stage(*, active_hire: bool, pending_interview: bool, pending_application: bool,
                 last_employer_contact: date | None, search_since: date | None) -> SearchStage:
    """The furthest stage of the current job search: a job now; an interview or an application still open;
    an employer contact for the person since the search began (enrolment, else first visit)."""
    if active_hire:
        return SearchStage.HIRED
    if pending_interview:
        return SearchStage.INTERVIEWING
    if pending_application:
        return SearchStage.APPLYING
    if last_employer_contact and (search_since is None or last_employer_contact >= search_since):
        return SearchStage.CONTACTING
    return SearchStage.PROFILE


def placement_client_annotations(*, office: Office, day: date) -> dict:
    """Subqueries for the board's one client query: the last outreach, employer contact (and face-to-face
    one) and follow-up of the person, the job-search stage's facts and the next interview.  Each reads the
    office's rows only (its ``office`` index): without it PostgreSQL may answer an EXISTS by hashing every
    office's rows."""
    contacts = EmployerContact.objects.filter(office=office, clients=OuterRef("pk"), day__lte=day)
    pending_interviews = Interview.objects.filter(office=office, application__client=OuterRef("pk"),
                                                  application__result=ApplicationResult.PENDING)
    return {
        "last_outreach": Subquery(Outreach.objects.filter(office=office, client=OuterRef("pk"), day__lte=day)
                                  .order_by("-day").values("day")[:1]),
        "last_employer_contact": Subquery(contacts.order_by("-day").values("day")[:1]),
        # the latest, not "any since enrolment": an EXISTS with ``day >= enrolled_on`` lets PostgreSQL scan the
        # office's contacts since each person's enrolment (0.4 ms a row, 300 rows: 130 ms); the latest is read
        # through the person's own contacts, and ``face_to_face_since`` compares it
        "last_face_to_face_employer_contact": Subquery(contacts.filter(kind__in=FACE_TO_FACE_EMPLOYER_KINDS)
                                                       .order_by("-day").values("day")[:1]),
        "last_followup": Subquery(FollowUpContact.objects.filter(office=office, hire__client=OuterRef("pk"),
                                                                 day__lte=day)
                                  .order_by("-day").values("day")[:1]),
        "pending_interview": Exists(pending_interviews),
        "next_interview": Subquery(pending_interviews.filter(day__gte=day).order_by("day").values("day")[:1]),
        "pending_application": Exists(JobApplication.objects.filter(office=office, client=OuterRef("pk"),
                                                                    result=ApplicationResult.PENDING)),
        "active_hire": Exists(Hire.objects.filter(office=office, client=OuterRef("pk"), start_date__lte=day)
                              .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))),
    }


def face_to_face_since(*, last_face_to_face: date | None, since: date | None) -> bool:
    """A face-to-face employer contact for the person on or after ``since`` (their enrolment): the latest one
    is (``last_face_to_face_employer_contact`` of ``placement_client_annotations``)."""
    return last_face_to_face is not None and since is not None and last_face_to_face >= since


# --- people in follow-up ---------------------------------------------------------------------------------


def hire_is_active(hire: Hire, day: date) -> bool:
    return hire.ended_on is None or hire.ended_on >= day


HIRE_ROW_FIELDS = ("client", "employer__name", "job_title", "start_date", "ended_on")


def employed_hires(*, office: Office, day: date) -> dict[int, Hire]:
    """``client id → hire`` of the people in follow-up (the job still going first, else the latest), each
    hire annotated with its follow-up counts: ``first_week``, ``month_contacts``, ``month_face_to_face``,
    ``last_followup_day`` and ``last_face_to_face_day``, and ``retention_certificate`` (a 就労定着支援
    certificate covers the day).  One query (index hire_office_start)."""
    month = day.replace(day=1)
    hires = (
        # the person and the employer are the office's too: said, so that PostgreSQL joins them by their
        # office index rather than reading every office's clients and employers
        Hire.objects.filter(office=office, client__office=office, employer__office=office, start_date__lte=day,
                            start_date__gt=day - relativedelta(months=RETENTION_SUPPORT_LAST_MONTH))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day - timedelta(days=JOB_ENDED_RECENTLY_DAYS)))
        .exclude(client__status__in=IN_SERVICE)
        # what the rows, their flags and the detail panel read of a job (the grouping sorts every selected
        # column with each of the job's follow-ups: a hire and an employer have two dozen)
        .only(*HIRE_ROW_FIELDS)
        .select_related("employer")
        .annotate(
            first_week=Count("followups", filter=Q(
                followups__day__gte=F("start_date"),
                followups__day__lt=F("start_date") + timedelta(days=FIRST_WEEK_DAYS))),
            month_contacts=Count("followups", filter=Q(followups__day__gte=month, followups__day__lte=day)),
            month_face_to_face=Count("followups", filter=Q(followups__day__gte=month, followups__day__lte=day,
                                                            followups__kind=FollowUpKind.FACE_TO_FACE)),
            last_followup_day=Max("followups__day", filter=Q(followups__day__lte=day)),
            last_face_to_face_day=Max("followups__day", filter=Q(followups__day__lte=day,
                                                                 followups__kind=FollowUpKind.FACE_TO_FACE)),
            retention_certificate=Exists(Certificate.objects.retention_support().filter(
                client_id=OuterRef("client_id"), period_start__lte=day, period_end__gte=day)),
        )
    )
    chosen: dict[int, Hire] = {}
    for hire in sorted(hires, key=lambda h: (not hire_is_active(h, day), -h.start_date.toordinal(), -h.pk)):
        chosen.setdefault(hire.client_id, hire)
    return chosen


def flag_six_month(*, start: date, active: bool, day: date) -> Flag | None:
    six = job_six_month_date(start)
    left = (six - day).days
    if not active or not 0 <= left <= SIX_MONTH_NOTICE_DAYS:
        return None
    explanation = _("The job reaches six months on %(day)s (in %(days)d days): it then counts for the "
                    "retention rate, and retention support can start.") % {"day": _day(six), "days": left}
    return Flag("six_month", _("6 months in %(days)dd") % {"days": left}, explanation, NOTICE)


def flag_first_week(*, start: date, first_week_contacts: int, active: bool, day: date) -> Flag | None:
    """The first week is over (day ≥ start + 7) with no follow-up in it; shown in the first month."""
    if not active or first_week_contacts or (day - start).days < FIRST_WEEK_DAYS:
        return None
    if job_month_after_start(start, day) > 1:
        return None
    explanation = _("No follow-up contact in the first week after the start on %(start)s.") % {"start": _day(start)}
    return Flag("first_week", _("No first-week follow-up"), explanation, ALERT)


def monthly_contact_due(*, day: date, held_this_month: bool, last_contact: date | None, since: date) -> bool:
    """A contact owed once a calendar month and not yet held this month is due (flagged) from the
    ``MONTHLY_CONTACT_DUE_FROM_DAY``-th, or as soon as the last one (else ``since``, when the duty began) is
    more than ``MONTHLY_CONTACT_INTERVAL_DAYS`` days ago.  So the 2nd of a month with a contact late last
    month flags nobody, and the 20th flags everyone still without one."""
    if held_this_month:
        return False
    if day.day >= MONTHLY_CONTACT_DUE_FROM_DAY:
        return True
    return (day - (last_contact or since)).days > MONTHLY_CONTACT_INTERVAL_DAYS


def flag_no_followup_month(*, start: date, month_contacts: int, last_contact: date | None, active: bool,
                           day: date) -> Flag | None:
    """Months 0–6: no follow-up contact yet this calendar month (after the first week), and one is due
    (``monthly_contact_due``; the duty begins when the first week is over)."""
    if not active or month_contacts or (day - start).days < FIRST_WEEK_DAYS:
        return None
    if job_phase(start, day) != FollowUpPhase.UNPAID:
        return None
    if not monthly_contact_due(day=day, held_this_month=False, last_contact=last_contact,
                               since=start + timedelta(days=FIRST_WEEK_DAYS)):
        return None
    explanation = _("No follow-up contact yet this month (%(month)s). The office owes follow-up for the first "
                    "six months after the start.") % {"month": f"{day.year}-{day.month:02}"}
    return Flag("no_followup_month", _("No follow-up this month"), explanation, WARN)


def flag_retention_face_to_face(*, start: date, month_face_to_face: int, last_face_to_face: date | None,
                                active: bool, day: date) -> Flag | None:
    """就労定着支援 phase: no face-to-face contact with the person yet this calendar month, and one is due
    (``monthly_contact_due``; the duty begins on the six-month day)."""
    if not active or month_face_to_face:
        return None
    if job_phase(start, day) != FollowUpPhase.RETENTION_SUPPORT:
        return None
    if not monthly_contact_due(day=day, held_this_month=False, last_contact=last_face_to_face,
                               since=job_six_month_date(start)):
        return None
    explanation = _("Retention support: no face-to-face contact with the person yet this month (%(month)s). The "
                    "month can be billed only with one (and a shared support report).") % {
        "month": f"{day.year}-{day.month:02}"}
    return Flag("retention_face_to_face", _("No face-to-face this month"), explanation, WARN)


def flag_retention_certificate(*, start: date, has_certificate: bool, active: bool, day: date) -> Flag | None:
    """就労定着支援 phase (at an office that runs it): no retention-support certificate covers ``day``."""
    if not active or has_certificate:
        return None
    if job_phase(start, day) != FollowUpPhase.RETENTION_SUPPORT:
        return None
    explanation = _("Retention support: no recipient certificate for retention support covers today. Its months cannot "
                    "be billed until the municipality's decision is recorded on the client page.")
    return Flag("retention_certificate", _("No retention-support certificate"), explanation, WARN)


def flag_job_ended(*, ended_on: date | None, day: date) -> Flag | None:
    if ended_on is None or not 0 <= (day - ended_on).days <= JOB_ENDED_RECENTLY_DAYS:
        return None
    explanation = _("The job ended on %(day)s. Offer the person to come back to the office.") % {
        "day": _day(ended_on)}
    return Flag("job_ended", _("Job ended: offer return"), explanation, ALERT)


def employed_flags(*, hire: Hire, day: date, retention_support: bool = False) -> list[Flag]:
    """Every employed-side flag of one person's hire, most urgent first.  ``hire`` comes from
    ``employed_hires`` (it carries the follow-up counts); ``retention_support``: the office runs 就労定着支援."""
    active = hire_is_active(hire, day)
    flags = [
        flag_retention_certificate(start=hire.start_date, has_certificate=hire.retention_certificate,
                                   active=active, day=day) if retention_support else None,
        flag_job_ended(ended_on=hire.ended_on if not active else None, day=day),
        flag_first_week(start=hire.start_date, first_week_contacts=hire.first_week, active=active, day=day),
        flag_six_month(start=hire.start_date, active=active, day=day),
        flag_retention_face_to_face(start=hire.start_date, month_face_to_face=hire.month_face_to_face,
                                    last_face_to_face=hire.last_face_to_face_day, active=active, day=day),
    ]
    if flags[2] is None:  # the first-week flag says it already
        flags.append(flag_no_followup_month(start=hire.start_date, month_contacts=hire.month_contacts,
                                            last_contact=hire.last_followup_day, active=active, day=day))
    return sorted((f for f in flags if f), key=lambda f: -f.weight)


def employed_next_due(*, hire: Hire, day: date) -> Due | None:
    """The next dated thing for an employed person."""
    if not hire_is_active(hire, day):
        return None
    start = hire.start_date
    if not hire.first_week and (day - start).days < FIRST_WEEK_DAYS:
        return Due(start + timedelta(days=FIRST_WEEK_DAYS - 1), _("First-week follow-up"))
    six = job_six_month_date(start)
    if day <= six:
        return Due(six, _("6-month mark"))
    if job_phase(start, day) == FollowUpPhase.RETENTION_SUPPORT:
        if not hire.month_face_to_face:
            return Due(month_end(day), _("Face-to-face this month"))
        return Due(job_retention_support_span(start)[1], _("End of retention support"))
    return None

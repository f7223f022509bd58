"""Case review (issue 7): the client-side flags and the facts they are computed from.

The rules are pure functions over plain values (no queries), each written once here; the facts are read
for a whole office in a fixed number of queries by ``client_review_facts``.  The employed-side flags
live in ``placements/review_flags.py``; ``clients/review_selectors.py`` assembles the board.

Client-side flags (each names its edge; a test pins both sides of it):
* ``no_contact``: no contact of any kind (attendance or supported absence, case note, outreach, employer
  contact for the client, follow-up) for **more than** ``quiet_days`` days (office setting, default 7).
* ``absent_in_a_row``: the last three recorded attendance days are all absences.
* ``certificate_ending``: the transition certificate valid today ends within 60 days and no following one
  is on file (``clients.rules.certificate_warning``); also when no transition certificate covers today.
  A 就労定着支援 certificate does not count: it is not one to attend with.
* ``granted_days``: two or fewer of this month's granted days are left.
* ``plan_review``: the support plan's monitoring (モニタリング) is overdue or due within 14 days — the plan and the
  due day by the missing-plan rule billing uses (``clients.selectors.plan_to_review`` /
  ``plan_review_status``: ``regulations.rules.plan_monitoring_due_on`` on the service's interval in the
  figures), so a monitoring one day late shows overdue that day; for a client in service their 就労移行支援
  plan, for an employed person in retention support their 就労定着支援 plan (``employed_plan_flags``).
* ``rapid_search``: enrolled for more than 30 days without a face-to-face employer contact for the client
  since enrolment (IPS rapid job search, ``placements.rules.FIDELITY_DAYS_TO_FIRST_EMPLOYER_CONTACT``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import OuterRef, Q, QuerySet, Subquery

from attendance import rules as attendance_rules
from attendance.models import Attendance, AttendanceStatus
from attendance.selectors import attendance_month_counts
from clients.models import (
    IN_TRANSITION_SERVICE,
    CaseNote,
    Certificate,
    CertificateService,
    Client,
    ClientStatus,
    SupportPlan,
    SupportPlanReview,
)
from clients.rules import CERTIFICATE_WARNING_DAYS, CertificateWarning, certificate_warning
from clients.selectors import ReviewStatus, plan_review_status, plan_to_review
from compostela.models import Office
from placements.rules import FIDELITY_DAYS_TO_FIRST_EMPLOYER_CONTACT
from regulations import rules as regulations
from regulations.selectors import figures_on
from review.labels import gettext_once as _  # a text translated once, not once per row
from review.labels import ngettext_once as ngettext

STRIP_DAYS = 14  # the attendance strip: the last two weeks, today included
ABSENT_IN_A_ROW = 3
GRANTED_DAYS_LEFT_WARNING = 2  # "nearly used": this many days left, or fewer
# Attendance that is a contact with the person; a plain absence is not (a supported absence is a call).
CONTACT_ATTENDANCE = (AttendanceStatus.ATTENDED, AttendanceStatus.OFFSITE, AttendanceStatus.ABSENT_SUPPORTED)
IN_SERVICE = (ClientStatus.VISITOR, ClientStatus.TRIAL, ClientStatus.ENROLLED)  # the board's clients in service
# What the plans' rules read of a support plan (``clients.selectors.plan_to_review``, ``plan_review_status``).
PLAN_RULE_FIELDS = ("client", "service", "period_start", "period_end", "agreed_on", "closed_on")

ALERT = 3  # flag weights, for the urgency order
WARN = 2
NOTICE = 1
_LEVELS = {ALERT: "alert", WARN: "warn"}  # a flag's level (CSS) by its weight; any other is a notice


@dataclass(frozen=True)
class Flag:
    """One flag on a row: a code (CSS and tests), a short visible text and the sentence that explains it."""

    code: str
    label: str
    explanation: str
    weight: int = WARN

    @property
    def level(self) -> str:
        return _LEVELS.get(self.weight, "notice")


@dataclass(frozen=True)
class Due:
    """The next thing due for a person: a day and what it is."""

    day: date
    label: str


def _day(value: date) -> str:
    """Dates in flag texts, as the other screens write them (Y-m-d); isoformat is ~50× faster than
    date_format, which matters for 300 rows."""
    return value.isoformat()


# --- the rules -------------------------------------------------------------------------------------------


def days_since(day: date, earlier: date | None) -> int | None:
    return None if earlier is None else (day - earlier).days


def flag_no_contact(*, last_contact: date | None, known_since: date | None, day: date, quiet_days: int) -> Flag | None:
    """More than ``quiet_days`` days since the last contact of any kind (or, with none ever, since the person
    became known to the office)."""
    reference = last_contact or known_since
    if reference is None or (day - reference).days <= quiet_days:
        return None
    days = (day - reference).days
    if last_contact is None:
        text = ngettext("No contact of any kind recorded since %(since)s (%(days)d day).",
                        "No contact of any kind recorded since %(since)s (%(days)d days).", days)
    else:
        text = ngettext("No contact of any kind for %(days)d day (last on %(since)s).",
                        "No contact of any kind for %(days)d days (last on %(since)s).", days)
    explanation = text % {"days": days, "since": _day(reference)} + " " + _(
        "Counted: attendance, case notes, outreach, employer contacts for the person, follow-ups. "
        "The office flags more than %(n)d days.") % {"n": quiet_days}
    return Flag("no_contact", _("No contact %(days)dd") % {"days": days}, explanation, ALERT)


@dataclass(frozen=True)
class StripDay:
    day: date
    status: str  # an AttendanceStatus value, or "" when nothing is recorded
    closed: bool  # weekend, public holiday or year-end break
    label: str = ""  # "6/18 通所" — the mark's tooltip


@dataclass(frozen=True)
class StripMarks:
    """The strip's days on a board's day (oldest first) and every mark each of them can show — one per
    attendance status and one for nothing recorded — built once for a board and shared by all its rows."""

    days: tuple[date, ...]
    marks: dict[tuple[date, str], StripDay]


def strip_marks(*, day: date) -> StripMarks:
    first = day - timedelta(days=STRIP_DAYS - 1)
    days = tuple(first + timedelta(days=offset) for offset in range(STRIP_DAYS))
    labels = {status.value: str(status.label) for status in AttendanceStatus}
    labels[""] = _("nothing recorded")
    closed_text = _(" (office closed)")
    marks = {}
    for d in days:
        closed = attendance_rules.office_closed_day(d)
        for status, label in labels.items():
            marks[d, status] = StripDay(d, status, closed, f"{d.month}/{d.day} {label}{closed_text if closed else ''}")
    return StripMarks(days, marks)


def attendance_strip(*, day: date, records: dict[date, str], marks: StripMarks | None = None) -> list[StripDay]:
    """One mark per day for the last ``STRIP_DAYS`` days, oldest first.  (``marks``: the office-wide reader
    builds the calendar and its marks once, not once per client.)"""
    marks = marks if marks is not None else strip_marks(day=day)
    return [marks.marks[d, records.get(d, "")] for d in marks.days]


def flag_absent_in_a_row(*, strip: list[StripDay]) -> Flag | None:
    """The last three recorded days (of the strip) are all absences."""
    recorded = [d for d in strip if d.status]
    last = recorded[-ABSENT_IN_A_ROW:]
    if len(last) < ABSENT_IN_A_ROW or any(d.status not in attendance_rules.ABSENCES for d in last):
        return None
    explanation = _("Absent on the last %(n)d recorded days: %(days)s.") % {
        "n": ABSENT_IN_A_ROW, "days": ", ".join(_day(d.day) for d in last)}
    return Flag("absent_in_a_row", _("Absent %(n)d in a row") % {"n": ABSENT_IN_A_ROW}, explanation, ALERT)


@dataclass(frozen=True)
class CertificateState:
    current_end: date | None  # end of the certificate valid today
    has_following: bool  # a later certificate is already on file


def flag_certificate_ending(*, state: CertificateState, day: date) -> Flag | None:
    if state.current_end is None:
        return Flag("certificate_ending", _("No certificate"),
                    _("No recipient certificate covers today: attendance cannot be billed."), ALERT)
    if state.has_following:
        return None
    warning = certificate_warning(state.current_end, day)
    if warning not in (CertificateWarning.DAYS_60, CertificateWarning.DAYS_30):
        return None
    left = (state.current_end - day).days
    explanation = _("The recipient certificate's service period ends on %(end)s (in %(days)d days) and "
                    "no renewal is on file yet.") % {"end": _day(state.current_end), "days": left}
    weight = ALERT if warning == CertificateWarning.DAYS_30 else WARN
    return Flag("certificate_ending", _("Certificate ends %(days)dd") % {"days": left}, explanation, weight)


def flag_granted_days(*, used: int, granted: int | None) -> Flag | None:
    """Two or fewer of the month's granted days left (支給量)."""
    if granted is None or granted - used > GRANTED_DAYS_LEFT_WARNING:
        return None
    left = max(granted - used, 0)
    explanation = _("%(used)d of %(granted)d granted days used this month; %(left)d left.") % {
        "used": used, "granted": granted, "left": left}
    return Flag("granted_days", _("%(left)d granted days left") % {"left": left}, explanation, WARN)


def flag_plan_review(*, status: ReviewStatus | None, day: date) -> Flag | None:
    """The support plan's monitoring is overdue, or due within 14 days (``clients.selectors.plan_review_status``,
    the missing-plan rule's due day)."""
    if status is None or not (status.overdue or status.due_soon):
        return None
    if status.overdue:
        days = (day - status.due_on).days
        explanation = _("The support plan review was due on %(due)s, %(days)d days ago.") % {
            "due": _day(status.due_on), "days": days}
        return Flag("plan_review", _("Plan review overdue"), explanation, ALERT)
    explanation = _("The support plan review is due on %(due)s.") % {"due": _day(status.due_on)}
    return Flag("plan_review", _("Plan review due"), explanation, NOTICE)


def flag_rapid_search(*, status: str, enrolled_on: date | None, face_to_face_since_enrolment: bool,
                      day: date) -> Flag | None:
    """Enrolled for more than 30 days with no face-to-face employer contact for the person (IPS)."""
    if status != ClientStatus.ENROLLED or enrolled_on is None or face_to_face_since_enrolment:
        return None
    days = (day - enrolled_on).days
    if days <= FIDELITY_DAYS_TO_FIRST_EMPLOYER_CONTACT:
        return None
    explanation = _("Enrolled %(days)d days ago and no face-to-face employer contact for this person yet. "
                    "IPS: rapid job search, the first employer contact within %(n)d days.") % {
        "days": days, "n": FIDELITY_DAYS_TO_FIRST_EMPLOYER_CONTACT}
    return Flag("rapid_search", _("No employer met"), explanation, WARN)


# --- the facts, for a whole office at once ----------------------------------------------------------------


@dataclass
class ClientFacts:
    strip: list[StripDay] = field(default_factory=list)
    used_days: int = 0  # billable days this month
    granted_days: int | None = None
    certificate: CertificateState = CertificateState(None, False)
    plan_review: ReviewStatus | None = None  # the 就労移行支援 plan's monitoring
    support_plan_review: ReviewStatus | None = None  # the 就労定着支援 plan's (an employed person's)


def client_contact_annotations(*, day: date) -> dict:
    """Subqueries for the board's one client query: the last day of a contact the clients app records."""
    attendance = Attendance.objects.filter(client=OuterRef("pk"), day__lte=day, status__in=CONTACT_ATTENDANCE)
    notes = CaseNote.objects.filter(client=OuterRef("pk"), day__lte=day)
    return {
        "last_attendance_contact": Subquery(attendance.order_by("-day").values("day")[:1]),
        "last_note": Subquery(notes.order_by("-day").values("day")[:1]),
    }


def client_review_facts(*, office: Office, day: date, people: QuerySet[Client]) -> dict[int, ClientFacts]:
    """``client id → ClientFacts`` for the office's clients (the plans: of ``people``, the office's clients on the
    board, a subquery that PostgreSQL answers through the plans' client index), in six queries whatever their
    number: the strip's attendance, the month's counts, certificates, the plans still followed and their
    monitoring records, the figures in force (the monitoring intervals)."""
    facts: dict[int, ClientFacts] = defaultdict(ClientFacts)
    first = day - timedelta(days=STRIP_DAYS - 1)
    records: dict[int, dict[date, str]] = defaultdict(dict)
    for client_id, record_day, status in Attendance.objects.filter(
        office=office, day__range=(first, day)  # index attendance_office_day
    ).values_list("client_id", "day", "status"):
        records[client_id][record_day] = status
    month = attendance_rules.month_start(day)
    counts = attendance_month_counts(office=office, month=month)
    certificates: dict[int, list[attendance_rules.CertificateFacts]] = defaultdict(list)
    for client_id, *certificate in (
        Certificate.objects.transition().filter(office=office, period_end__gte=month).order_by("period_start")
        .values_list("client_id", "number", "period_start", "period_end", "granted_days")
    ):
        certificates[client_id].append(attendance_rules.CertificateFacts(*certificate))
    # the plans still followed that a row flags — a client in service's 就労移行支援 plan, a person in follow-up's
    # 就労定着支援 plan (not the 就労移行支援 plans employed people often leave open) — and their monitoring records,
    # with what the missing-plan rule reads of them (``plan_to_review``, ``plan_review_status``), not their texts
    flagged = (Q(service=CertificateService.TRANSITION, client__status__in=IN_SERVICE)
               | (Q(service=CertificateService.RETENTION_SUPPORT) & ~Q(client__status__in=IN_SERVICE)))
    plans = (SupportPlan.objects.filter(client__in=people).filter(flagged)
             .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day)))
    monitoring: dict[int, list[SupportPlanReview]] = defaultdict(list)
    # the records of those plans by a subquery, not by a list of ~400 plan ids sent back (as a prefetch would)
    for review in SupportPlanReview.objects.filter(plan__in=plans.values("pk")).only("plan", "reviewed_on"):
        monitoring[review.plan_id].append(review)
    intervals = figures_on(day=day).plan_monitoring_months
    own_plans: dict[tuple[int, str], list[SupportPlan]] = defaultdict(list)
    for plan in plans.only(*PLAN_RULE_FIELDS).order_by("client_id", "period_start", "pk"):
        own_plans[plan.client_id, plan.service].append(plan)
    statuses: dict[tuple[int, str], ReviewStatus] = {}
    for key, own in own_plans.items():
        reviews = {p.pk: monitoring[p.pk] for p in own}
        followed = plan_to_review(own, day=day, monitoring_months=intervals[key[1]], reviews=reviews)
        if followed is not None:
            statuses[key] = plan_review_status(plan=followed, today=day, reviews=reviews[followed.pk],
                                               monitoring_months=intervals[key[1]])
    plan_clients = {client_id for client_id, _service in statuses}
    marks = strip_marks(day=day)
    for client_id in set(records) | set(counts) | set(certificates) | plan_clients:
        f = facts[client_id]
        f.strip = attendance_strip(day=day, records=records.get(client_id, {}), marks=marks)
        f.used_days = counts[client_id].billable if client_id in counts else 0
        certs = certificates.get(client_id, [])
        current = next((c for c in certs if c.covers(day)), None)
        f.certificate = CertificateState(
            current.period_end if current else None,
            bool(current) and any(c.period_start > current.period_end for c in certs),
        )
        month_certificate = regulations.certificate_for_month(
            certs, month, counts[client_id].billable_days if client_id in counts else [])
        f.granted_days = (None if month_certificate is None
                          else regulations.granted_days(month_certificate.granted_days, month))
        f.plan_review = statuses.get((client_id, CertificateService.TRANSITION))
        f.support_plan_review = statuses.get((client_id, CertificateService.RETENTION_SUPPORT))
    return facts


def empty_facts(*, day: date) -> ClientFacts:
    return ClientFacts(strip=attendance_strip(day=day, records={}))


def client_flags(*, client, facts: ClientFacts, last_contact: date | None, face_to_face_since_enrolment: bool,
                 day: date, quiet_days: int) -> list[Flag]:
    """Every client-side flag of one client in service, most urgent first."""
    in_billed_service = client.status in IN_TRANSITION_SERVICE
    flags = [
        flag_no_contact(last_contact=last_contact, known_since=client.enrolled_on or client.first_visit_on,
                        day=day, quiet_days=quiet_days),
        flag_absent_in_a_row(strip=facts.strip),
        flag_certificate_ending(state=facts.certificate, day=day) if in_billed_service else None,
        flag_granted_days(used=facts.used_days, granted=facts.granted_days) if in_billed_service else None,
        flag_plan_review(status=facts.plan_review, day=day),
        flag_rapid_search(status=client.status, enrolled_on=client.enrolled_on,
                          face_to_face_since_enrolment=face_to_face_since_enrolment, day=day),
    ]
    return sorted((f for f in flags if f), key=lambda f: -f.weight)


def employed_plan_flags(*, facts: ClientFacts | None, day: date) -> list[Flag]:
    """An employed person's 就労定着支援 plan: its monitoring overdue or due soon (``flag_plan_review``)."""
    flag = flag_plan_review(status=facts.support_plan_review, day=day) if facts else None
    return [flag] if flag else []


def client_next_due(*, facts: ClientFacts, next_interview: date | None, day: date) -> Due | None:
    """The next dated thing for a client: an interview, the plan review, the certificate's end."""
    options = []
    if next_interview:
        options.append(Due(next_interview, _("Interview")))
    if facts.plan_review:
        options.append(Due(facts.plan_review.due_on, _("Plan review")))
    end = facts.certificate.current_end
    if end and not facts.certificate.has_following and (end - day).days <= CERTIFICATE_WARNING_DAYS[0]:
        options.append(Due(facts.certificate.current_end, _("Certificate ends")))
    return min(options, key=lambda d: d.day, default=None)


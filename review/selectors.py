"""The morning case-review board (issue 7): every client in service and every employed person in follow-up,
one compact row each, in a fixed number of queries whatever the size of the office.

``review_board(office=, day=, user=, filters=)`` is the one entry point (the benchmark times it); the
detail panel and the row fragments reuse it for one person (``review_row``).  Flags come from
``review.flags`` and ``review.placement_flags``; nothing is computed in the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import Q
from django.urls import reverse

from billing.selectors import billing_runs_retention_support
from clients.models import Client, ClientStatus
from compostela.models import Membership, Office, User
from placements.models import Hire
from regulations.rules import FollowUpPhase
from review.flags import (
    ClientFacts,
    Due,
    Flag,
    StripDay,
    client_contact_annotations,
    client_flags,
    client_next_due,
    client_review_facts,
    employed_plan_flags,
    empty_facts,
)
from review.labels import gettext_once as _  # the rows' words translated once, not once per row
from review.models import REVIEW_QUIET_DAYS_DEFAULT, CaseReviewMark, CaseReviewSettings
from review.placement_flags import (
    IN_SERVICE,
    STAGE_LABELS,
    SearchStage,
    employed_flags,
    employed_hires,
    employed_next_due,
    face_to_face_since,
    hire_is_active,
    job_month_after_start,
    job_phase,
    placement_client_annotations,
    search_stage,
)


def _person_url(pk: int) -> str:
    """``reverse("review:person")`` for a row, without a reverse() per row (300 rows: ~30 ms saved)."""
    global _PERSON_URL_PREFIX
    if _PERSON_URL_PREFIX is None:
        _PERSON_URL_PREFIX = reverse("review:person", kwargs={"pk": 0})[:-2]
    return f"{_PERSON_URL_PREFIX}{pk}/"


_PERSON_URL_PREFIX: str | None = None
# What a row reads of the person (``ReviewRow`` and the flags; the rest of a client is never shown on the board).
ROW_CLIENT_FIELDS = ("family_name", "given_name", "status", "first_visit_on", "enrolled_on",
                     "specialist__username", "specialist__first_name", "specialist__last_name")
ORDER_SPECIALIST = "specialist"
ORDER_URGENCY = "urgency"


@dataclass(frozen=True)
class BoardFilters:
    mine: bool = False  # specialist or case manager is the user
    flagged: bool = False
    specialist_id: int | None = None
    order: str = ORDER_SPECIALIST
    only_client_id: int | None = None  # one row (detail panel, row fragments)


@dataclass
class ReviewRow:
    client: Client
    section: str  # "clients" | "employed"
    status_label: str
    days_enrolled: int | None  # since enrolment (clients in service)
    strip: list[StripDay]
    stage: SearchStage
    last_employer_contact: date | None
    last_followup: date | None
    last_contact: date | None
    next_due: Due | None
    flags: list[Flag]
    reviewed: bool
    hire: Hire | None = None
    hire_month: int | None = None  # 1 = the first month after the start
    phase: FollowUpPhase | None = None
    day: date | None = None

    @property
    def person_url(self) -> str:
        return _person_url(self.client.pk)

    @property
    def mark_url(self) -> str:
        return _person_url(self.client.pk) + "mark/"

    @property
    def stage_label(self) -> str:
        return _(STAGE_LABELS[self.stage])

    @property
    def urgency(self) -> int:
        return sum(flag.weight for flag in self.flags)

    @property
    def next_due_short(self) -> str:
        """"6/20", or "2027/5/15" when not in this year."""
        if self.next_due is None:
            return ""
        d = self.next_due.day
        return f"{d.month}/{d.day}" if d.year == self.day.year else f"{d.year}/{d.month}/{d.day}"

    @property
    def days_since_employer_contact(self) -> int | None:
        return None if self.last_employer_contact is None else (self.day - self.last_employer_contact).days

    @property
    def days_since_followup(self) -> int | None:
        return None if self.last_followup is None else (self.day - self.last_followup).days

    @cached_property  # the grouping asks for it three times a row
    def specialist_name(self) -> str:
        return str(self.client.specialist) if self.client.specialist else ""


@dataclass
class RowGroup:
    title: str  # the specialist's name ("" for the urgency order)
    rows: list[ReviewRow]


@dataclass
class Section:
    key: str
    groups: list[RowGroup]

    @property
    def rows(self) -> list[ReviewRow]:
        return [row for group in self.groups for row in group.rows]


@dataclass
class Board:
    office: Office
    day: date
    quiet_days: int
    filters: BoardFilters
    clients: Section
    employed: Section

    @property
    def sections(self) -> list[Section]:
        return [self.clients, self.employed]

    @property
    def rows(self) -> list[ReviewRow]:
        return self.clients.rows + self.employed.rows

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def remaining(self) -> int:
        return sum(1 for row in self.rows if not row.reviewed)


def review_quiet_days(*, office: Office) -> int:
    settings = CaseReviewSettings.objects.filter(office=office).first()
    return settings.quiet_days if settings else REVIEW_QUIET_DAYS_DEFAULT


def review_specialists(*, office: Office) -> list[User]:
    """The office's staff, for the "one specialist" filter (one query)."""
    return [m.user for m in Membership.objects.filter(office=office).select_related("user").order_by("user__username")]


def _latest(*days: date | None) -> date | None:
    known = [d for d in days if d is not None]
    return max(known) if known else None


def _client_row(client: Client, facts: ClientFacts, *, day: date, quiet_days: int, reviewed: bool,
                status_labels: dict[str, str]) -> ReviewRow:
    last_contact = _latest(client.last_attendance_contact, client.last_note, client.last_outreach,
                           client.last_employer_contact, client.last_followup)
    stage = search_stage(active_hire=client.active_hire, pending_interview=client.pending_interview,
                         pending_application=client.pending_application,
                         last_employer_contact=client.last_employer_contact,
                         search_since=client.enrolled_on or client.first_visit_on)
    return ReviewRow(
        client=client, section="clients", status_label=status_labels[client.status],
        days_enrolled=(day - client.enrolled_on).days if client.enrolled_on else None,
        strip=facts.strip, stage=stage, last_employer_contact=client.last_employer_contact,
        last_followup=client.last_followup, last_contact=last_contact,
        next_due=client_next_due(facts=facts, next_interview=client.next_interview, day=day),
        flags=client_flags(client=client, facts=facts, last_contact=last_contact,
                           face_to_face_since_enrolment=face_to_face_since(
                               last_face_to_face=client.last_face_to_face_employer_contact,
                               since=client.enrolled_on),
                           day=day,
                           quiet_days=quiet_days),
        reviewed=reviewed, day=day,
    )


def _employed_row(client: Client, hire: Hire, *, day: date, reviewed: bool, retention_support: bool,
                  facts: ClientFacts | None = None) -> ReviewRow:
    active = hire_is_active(hire, day)
    last_contact = _latest(client.last_attendance_contact, client.last_note, client.last_outreach,
                           client.last_employer_contact, client.last_followup)
    return ReviewRow(
        client=client, section="employed",
        status_label=_("Employed") if active else _("Job ended"),
        days_enrolled=None, strip=[], stage=SearchStage.HIRED if active else SearchStage.PROFILE,
        last_employer_contact=client.last_employer_contact, last_followup=client.last_followup,
        last_contact=last_contact, next_due=employed_next_due(hire=hire, day=day),
        flags=sorted(employed_flags(hire=hire, day=day, retention_support=retention_support)
                     + employed_plan_flags(facts=facts, day=day), key=lambda f: -f.weight),
        reviewed=reviewed, hire=hire,
        hire_month=job_month_after_start(hire.start_date, day) if active else None,
        phase=job_phase(hire.start_date, day) if active else None, day=day,
    )


def _group(rows: list[ReviewRow], *, order: str, key: str) -> Section:
    if order == ORDER_URGENCY:
        rows = sorted(rows, key=lambda r: (-r.urgency, r.reviewed))
        return Section(key=key, groups=[RowGroup(title="", rows=rows)] if rows else [])
    groups: dict[str, list[ReviewRow]] = {}
    for row in sorted(rows, key=lambda r: (r.specialist_name == "", r.specialist_name)):
        groups.setdefault(row.specialist_name, []).append(row)
    return Section(key=key, groups=[RowGroup(title=title or _("No specialist assigned"), rows=group_rows)
                                    for title, group_rows in groups.items()])


def review_board(*, office: Office, day: date, user: User | None, filters: BoardFilters | None = None) -> Board:
    """The whole board of ``office`` on ``day``.  About a dozen queries, the same for 20 people or 300:
    settings, the people in follow-up (hires), one client query with the last contacts as subqueries,
    the strip's attendance, the month's counts, certificates, open plans and their reviews and the day's
    marks, and whether the office runs 就労定着支援 (its fee settings, for the certificate flag).  (The view
    adds one for the staff list of the filter: ``review_specialists``.)"""
    filters = filters or BoardFilters()
    quiet_days = review_quiet_days(office=office)
    hires = employed_hires(office=office, day=day)
    retention_support = bool(hires) and billing_runs_retention_support(office=office, day=day)
    # the people on the board: the clients in service and the people in follow-up, as the filters narrow them
    people = Client.objects.filter(office=office).filter(Q(status__in=IN_SERVICE) | Q(pk__in=list(hires)))
    if filters.only_client_id is not None:
        people = people.filter(pk=filters.only_client_id)
    if filters.mine and user is not None:
        people = people.filter(Q(specialist=user) | Q(case_manager=user))
    if filters.specialist_id:
        people = people.filter(specialist_id=filters.specialist_id)
    clients = list(
        people
        # the row's fields only, and of the specialist the name (the group's title): a client has two dozen
        # fields and the rows read five (300 rows: 23 ms instead of 31 with the case manager's User too)
        .only(*ROW_CLIENT_FIELDS)
        .select_related("specialist")
        .annotate(**client_contact_annotations(day=day), **placement_client_annotations(office=office, day=day))
        .order_by("family_name_kana", "given_name_kana", "pk")
    )
    facts = client_review_facts(office=office, day=day, people=people) if clients else {}
    marked = set(CaseReviewMark.objects.filter(office=office, day=day).values_list("client_id", flat=True))
    client_rows, employed_rows = [], []
    no_facts: ClientFacts | None = None  # one empty strip for everybody without records (not one per client)
    status_labels = {value: str(label) for value, label in ClientStatus.choices}  # translated once, not per row
    for client in clients:
        reviewed = client.pk in marked
        if client.status in IN_SERVICE:
            client_facts = facts.get(client.pk)
            if client_facts is None:
                client_facts = no_facts = no_facts or empty_facts(day=day)
            client_rows.append(_client_row(client, client_facts, day=day, quiet_days=quiet_days, reviewed=reviewed,
                                           status_labels=status_labels))
        else:
            employed_rows.append(_employed_row(client, hires[client.pk], day=day, reviewed=reviewed,
                                               retention_support=retention_support, facts=facts.get(client.pk)))
    if filters.flagged:
        client_rows = [r for r in client_rows if r.flags]
        employed_rows = [r for r in employed_rows if r.flags]
    return Board(
        office=office, day=day, quiet_days=quiet_days, filters=filters,
        clients=_group(client_rows, order=filters.order, key="clients"),
        employed=_group(employed_rows, order=filters.order, key="employed"),
    )


def review_row(*, office: Office, day: date, client: Client) -> ReviewRow | None:
    """One person's row, computed exactly as on the board (None when the person is not on it)."""
    board = review_board(office=office, day=day, user=None, filters=BoardFilters(only_client_id=client.pk))
    rows = board.rows
    return rows[0] if rows else None


def review_recent_notes(*, client: Client, limit: int = 5):
    """The person's latest case notes, for the detail panel (one query)."""
    return list(client.notes.select_related("author")[:limit])


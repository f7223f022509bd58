"""Reads of the placements app: the querysets and summaries behind its screens.

Figures (retention, attendance before a hire, re-use) are in ``placements/figures.py`` and the IPS
fidelity indicators in ``placements/fidelity.py``; the rules they apply live in ``placements/rules.py``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from clients.selectors import TimelineEntry as ClientTimelineEntry
from compostela.models import Office
from placements.models import (
    ApplicationResult,
    Employer,
    EmployerContact,
    FollowUpContact,
    FollowUpKind,
    Hire,
    Interview,
    JobApplication,
    Outreach,
)
from regulations import rules as regulations
from regulations.rules import (
    FollowUpPhase,
    Retention,
    followup_phase,
    hire_retention,
    month_after_start,
    retention_support_span,
)
from regulations.selectors import figures_history

PHASE_LABELS = {
    FollowUpPhase.UNPAID: _("Months 0–6: unpaid follow-up"),
    FollowUpPhase.RETENTION_SUPPORT: _("Month 7 to year 3½: retention support"),
    FollowUpPhase.AFTER: _("After year 3½"),
}
RETENTION_LABELS = {
    Retention.RETAINED: _("Retained 6 months"),
    Retention.SHORT_FIXED_TERM: _("Short fixed-term"),
    Retention.LEFT: _("Left within 6 months"),
    Retention.PENDING: _("Not yet 6 months"),
}


# --- Employers -------------------------------------------------------------------------------------------


def employer_list(*, office: Office, query: str = "") -> QuerySet[Employer]:
    """The office's employer list with contact and hire counts; ``query`` searches name, industry, area,
    address, notes and contact people."""
    employers = Employer.objects.filter(office=office)
    query = query.strip()
    if query:
        matching_people = Q(people__name__icontains=query) | Q(people__position__icontains=query)
        employers = employers.filter(
            Q(name__icontains=query) | Q(industry__icontains=query) | Q(area__icontains=query)
            | Q(address__icontains=query) | Q(notes__icontains=query)
            | Q(pk__in=Employer.objects.filter(matching_people).values("pk"))
        )
    return employers.annotate(
        contact_count=Count("contacts", distinct=True),
        last_contact=Max("contacts__day"),
        hire_count=Count("hires", distinct=True),
    ).order_by("name")


def employer_contacts(*, employer: Employer) -> QuerySet[EmployerContact]:
    """Every contact with one employer, newest first, with staff, person and clients."""
    return (
        employer.contacts.select_related("staff", "person")
        .prefetch_related(Prefetch("clients", queryset=Client.objects.select_related("profile")))
        .order_by("-day", "-pk")
    )


def employer_contact_log(*, office: Office, staff_id: int | None = None, since: date | None = None,
                         until: date | None = None) -> QuerySet[EmployerContact]:
    """The office's job-development log, newest first."""
    contacts = EmployerContact.objects.filter(office=office)
    if staff_id:
        contacts = contacts.filter(staff_id=staff_id)
    if since:
        contacts = contacts.filter(day__gte=since)
    if until:
        contacts = contacts.filter(day__lte=until)
    # each client comes with the preferences of their career profile: the log shows what the contact was for
    return (
        contacts.select_related("staff", "employer", "person")
        .prefetch_related(Prefetch("clients", queryset=Client.objects.select_related("profile")))
        .order_by("-day", "-pk")
    )


# --- Job search ------------------------------------------------------------------------------------------


def client_applications(*, client: Client) -> QuerySet[JobApplication]:
    return (
        client.applications.select_related("employer")
        .prefetch_related(Prefetch("interviews", queryset=Interview.objects.select_related("staff")))
        .order_by("-applied_on", "-pk")
    )


@dataclass(frozen=True)
class FunnelStage:
    key: str
    label: str
    count: int
    first: date | None
    last: date | None


@dataclass(frozen=True)
class ClientFunnel:
    stages: list[FunnelStage]
    hires: list[Hire]

    @property
    def started(self) -> date | None:
        days = [s.first for s in self.stages if s.first]
        return min(days) if days else None

    @property
    def hired_on(self) -> date | None:
        return self.hires[0].start_date if self.hires else None

    @property
    def days_to_hire(self) -> int | None:
        if self.started and self.hired_on:
            return (self.hired_on - self.started).days
        return None


def _stage(key: str, label, rows: list[date]) -> FunnelStage:
    return FunnelStage(key=key, label=label, count=len(rows), first=min(rows) if rows else None,
                       last=max(rows) if rows else None)


def placement_client_funnel(*, client: Client) -> ClientFunnel:
    """The client's job search: employer contacts → applications → interviews → offers → hire, with the
    first and last date of each stage (the seed's case: 40 → 20 → 6 → 1).  Four queries."""
    contact_days = list(EmployerContact.objects.filter(clients=client).values_list("day", flat=True))
    applications = list(JobApplication.objects.filter(client=client).values_list("applied_on", "result", "result_on"))
    interview_days = list(Interview.objects.filter(application__client=client).values_list("day", flat=True))
    hires = list(Hire.objects.filter(client=client).select_related("employer").order_by("-start_date", "-pk"))
    offers = [result_on for _applied, result, result_on in applications if result == ApplicationResult.OFFER]
    return ClientFunnel(
        stages=[
            _stage("contacts", _("Employer contacts"), contact_days),
            _stage("applications", _("Applications"), [a[0] for a in applications]),
            _stage("interviews", _("Interviews"), interview_days),
            _stage("offers", _("Offers"), [d for d in offers if d]),
            _stage("hires", _("Hires"), [h.start_date for h in hires]),
        ],
        hires=hires,
    )


# --- Client timeline -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    category: str  # "outreach" | "employer_contact" | "followup"
    category_label: str
    kind_label: str
    staff: str
    minutes: int | None
    summary: str  # place / employer
    note: str
    url: str


def placement_client_timeline(*, client: Client) -> list[TimelineEntry]:
    """Outreach, employer contacts for the client and follow-up contacts after the client's hires, newest
    first — the client page merges them with its case notes.  Three queries."""
    entries: list[TimelineEntry] = []
    client_url = reverse("placements:client", kwargs={"pk": client.pk})
    for o in Outreach.objects.filter(client=client).select_related("staff"):
        entries.append(TimelineEntry(day=o.day, category="outreach", category_label=str(_("Outreach")),
                                     kind_label=o.get_kind_display(), staff=str(o.staff), minutes=o.minutes,
                                     summary=o.place, note=o.note, url=client_url))
    for c in EmployerContact.objects.filter(clients=client).select_related("staff", "employer"):
        entries.append(TimelineEntry(
            day=c.day, category="employer_contact", category_label=str(_("Employer contact")),
            kind_label=c.get_kind_display(), staff=str(c.staff), minutes=c.minutes, summary=c.employer.name,
            note=c.outcome, url=reverse("placements:employer_detail", kwargs={"pk": c.employer_id})))
    for f in FollowUpContact.objects.filter(hire__client=client).select_related("staff", "hire__employer"):
        entries.append(TimelineEntry(
            day=f.day, category="followup", category_label=str(_("Follow-up")), kind_label=f.get_kind_display(),
            staff=str(f.staff), minutes=f.minutes, summary=f.hire.employer.name, note=f.note,
            url=reverse("placements:hire_detail", kwargs={"pk": f.hire_id})))
    entries.sort(key=lambda e: (e.day, e.category), reverse=True)
    return entries


# --- Hires -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HireRow:
    hire: Hire
    retention: Retention
    followups: int
    last_followup: date | None

    @property
    def retention_label(self) -> str:
        return str(RETENTION_LABELS[self.retention])


def hire_list(*, office: Office, as_of: date, open_only: bool = False) -> list[HireRow]:
    """The office's hires with their retention as known on ``as_of`` — one query."""
    hires = Hire.objects.filter(office=office)
    if open_only:
        hires = hires.filter(ended_on__isnull=True)
    hires = (
        hires.select_related("client", "employer")
        .annotate(followup_count=Count("followups"), last_followup=Max("followups__day"))
        .order_by("-start_date", "-pk")
    )
    return [
        HireRow(hire=h, retention=hire_retention(start=h.start_date, ended_on=h.ended_on,
                                                 fixed_term_end=h.fixed_term_end, as_of=as_of),
                followups=h.followup_count, last_followup=h.last_followup)
        for h in hires
    ]


@dataclass(frozen=True)
class TimelineContact:
    contact: FollowUpContact
    phase: FollowUpPhase
    month: int  # 1 = first month after the start

    @property
    def phase_label(self) -> str:
        return str(PHASE_LABELS[self.phase])


@dataclass
class PhaseTotal:
    phase: FollowUpPhase
    count: int = 0
    minutes: int = 0

    @property
    def label(self) -> str:
        return str(PHASE_LABELS[self.phase])


@dataclass(frozen=True)
class SupportMonth:
    """One calendar month of the 就労定着支援 phase."""

    month: date  # first day of the month
    face_to_face: int
    support_reports: int
    contacts: int
    figures: regulations.Figures | None  # in force that month (support reports are required from 2021)

    @property
    def billable(self) -> bool:
        """Billable by the rule of the month; a month before any recorded figures is not shown as billable."""
        if self.figures is None:
            return False
        return regulations.retention_support_month_billable(
            face_to_face=self.face_to_face, support_reports=self.support_reports, figures=self.figures)


@dataclass
class HireTimeline:
    hire: Hire
    retention: Retention
    contacts: list[TimelineContact]
    totals: list[PhaseTotal]
    months: list[SupportMonth] = field(default_factory=list)

    @property
    def retention_label(self) -> str:
        return str(RETENTION_LABELS[self.retention])


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def placement_hire_timeline(*, hire: Hire, as_of: date) -> HireTimeline:
    """A hire's follow-up contacts, oldest first, each with its phase (``rules.followup_phase``), totals per
    phase, and per calendar month of the 就労定着支援 phase whether it is billable.  One query."""
    contacts = list(hire.followups.select_related("staff").order_by("day", "pk"))
    totals = {phase: PhaseTotal(phase=phase) for phase in FollowUpPhase}
    rows = []
    for c in contacts:
        phase = followup_phase(start=hire.start_date, day=c.day)
        rows.append(TimelineContact(contact=c, phase=phase, month=month_after_start(hire.start_date, c.day)))
        totals[phase].count += 1
        totals[phase].minutes += c.minutes
    first, after_last = retention_support_span(hire.start_date)
    end = min(after_last, as_of) if hire.ended_on is None else min(after_last, hire.ended_on, as_of)
    per_month: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        if row.phase == FollowUpPhase.RETENTION_SUPPORT:
            counts = per_month[_month_start(row.contact.day)]
            counts[row.contact.kind] += 1
            counts["all"] += 1
    months = []
    month = _month_start(first)
    history = figures_history() if first <= end else []
    while month <= end and first <= end:
        counts = per_month.get(month, {})
        months.append(SupportMonth(month=month, face_to_face=counts.get(FollowUpKind.FACE_TO_FACE, 0),
                                   support_reports=counts.get(FollowUpKind.SUPPORT_REPORT, 0),
                                   contacts=counts.get("all", 0),
                                   figures=regulations.figures_in_force(history, month)))
        month = _next_month(month)
    return HireTimeline(
        hire=hire,
        retention=hire_retention(start=hire.start_date, ended_on=hire.ended_on, fixed_term_end=hire.fixed_term_end,
                                 as_of=as_of),
        contacts=rows,
        totals=list(totals.values()),
        months=months,
    )


def client_outreach(*, client: Client) -> QuerySet[Outreach]:
    return client.outreach.select_related("staff").order_by("-day", "-pk")


def outreach_log(*, office: Office, since: date | None = None) -> QuerySet[Outreach]:
    rows = Outreach.objects.filter(office=office)
    if since:
        rows = rows.filter(day__gte=since)
    return rows.select_related("staff", "client").order_by("-day", "-pk")


# --- what placements adds to the client page (registered in PlacementsConfig.ready) -------------------------
def client_page_placements(*, client: Client, today: date) -> dict:
    """The client page's hires (with their follow-up counts), job-search funnel and the outreach, employer
    contacts and follow-ups of the client's timeline."""
    hires = list(
        Hire.objects.filter(client=client).select_related("employer")
        .annotate(followup_count=Count("followups"))
        .order_by("-start_date")
    )
    timeline = [
        ClientTimelineEntry(day=e.day, kind=f"{e.category_label}: {e.kind_label}",
                            text="\n".join(part for part in (e.summary, e.note) if part), minutes=e.minutes,
                            author=e.staff, source=e.category)
        for e in placement_client_timeline(client=client)
    ]
    return {"hires": hires, "funnel": placement_client_funnel(client=client), "timeline": timeline}

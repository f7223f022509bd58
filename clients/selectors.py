"""Reads of the clients app: querysets and page data for screens, reports and other apps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from clients.extensions import client_list_annotations, client_page_parts
from clients.models import (
    IN_TRANSITION_SERVICE,
    CareerProfile,
    CareerProfileChange,
    CaseNote,
    Certificate,
    CertificateService,
    Client,
    HealthRecord,
    SensitiveExport,
    SupportPlan,
    SupportPlanReview,
)
from clients.plan_guard import plan_facts
from clients.plan_selectors import REVIEW_DUE_SOON_DAYS, ReviewStatus, plan_review_status, plan_summaries
from clients.rules import CertificateWarning, age_on, certificate_warning, kana_to_katakana
from compostela.models import Office, User
from regulations import rules as regulations
from regulations.rules import month_bounds
from regulations.selectors import figures_on


def client_search(*, office: Office, query: str = "", status: str = "", staff: User | None = None) -> QuerySet[Client]:
    """The office's clients matching every word of ``query`` (name or kana), a status and an assigned staff
    member (employment specialist or case manager)."""
    clients = Client.objects.filter(office=office)
    for word in query.replace("\u3000", " ").split():
        kana = kana_to_katakana(word)
        clients = clients.filter(
            Q(family_name__icontains=word) | Q(given_name__icontains=word)
            | Q(family_name_kana__icontains=kana) | Q(given_name_kana__icontains=kana)
        )
    if status:
        clients = clients.filter(status=status)
    if staff is not None:
        clients = clients.filter(Q(specialist=staff) | Q(case_manager=staff))
    return clients


# What the client list and its CSV export read of each client (its two staff members by id: they are a
# handful of people, read once — see ``client_list``); the other columns stay in the database.
CLIENT_LIST_FIELDS = (
    "family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "status",
    "specialist", "case_manager",
)
STAFF_NAME_FIELDS = ("last_name", "first_name", "username")  # what ``User.__str__`` prints


def attach_staff(clients: list[Client], *relations: str) -> None:
    """Set each client's staff members (``relations``: "specialist", "case_manager") from one small query.  An
    office has a handful of staff for hundreds of clients: a join (``select_related``) would build a User per
    row and relation; this builds one per person, with what ``User.__str__`` prints."""
    ids = {getattr(client, f"{relation}_id") for client in clients for relation in relations} - {None}
    staff = User.objects.only(*STAFF_NAME_FIELDS).in_bulk(ids) if ids else {}
    for client in clients:
        for relation in relations:
            setattr(client, relation, staff.get(getattr(client, f"{relation}_id")))


def client_list(
    *, office: Office, today: date, query: str = "", status: str = "", staff: User | None = None
) -> list[Client]:
    """Rows of the client list in two queries (their ``CLIENT_LIST_FIELDS``, then their staff members' names):
    each client carries ``days_attended``
    (this month, from the attendance app's registered annotation),
    ``certificate_end`` (of the latest transition certificate: the one attendance needs), ``age`` and
    ``certificate_warning``."""
    first, last = month_bounds(today)
    latest_certificate = Certificate.objects.transition().filter(client=OuterRef("pk")).order_by("-period_start")
    rows = list(
        client_search(office=office, query=query, status=status, staff=staff)
        .only(*CLIENT_LIST_FIELDS)
        .annotate(
            **client_list_annotations(first=first, last=last),  # days_attended (attendance)
            certificate_end=Subquery(latest_certificate.values("period_end")[:1]),
        )
        # explicit: Meta.ordering is not applied to aggregating (GROUP BY) queries
        .order_by("family_name_kana", "given_name_kana", "pk")
    )
    attach_staff(rows, "specialist", "case_manager")
    for client in rows:
        client.age = age_on(client.birth_date, today)
        client.certificate_warning = (certificate_warning(client.certificate_end, today)
                                      if client.status in IN_TRANSITION_SERVICE else CertificateWarning.NONE)
    return rows


def client_health_rows(*, clients: list[Client]) -> dict[int, HealthRecord]:
    """Health records of ``clients`` with their diagnoses, in two queries."""
    records = HealthRecord.objects.filter(client__in=[c.pk for c in clients]).prefetch_related("diagnoses")
    return {record.client_id: record for record in records}


def certificate_current(*, client: Client, day: date) -> Certificate | None:
    """The transition certificate whose service period covers ``day``."""
    return client.certificates.transition().filter(period_start__lte=day, period_end__gte=day).first()


def certificates_ending(*, office: Office, today: date, within_days: int = 60) -> QuerySet[Certificate]:
    """Transition certificates of clients in service whose period ends within ``within_days`` and that have
    no following transition certificate yet — the 60- and 30-day warnings."""
    following = Certificate.objects.transition().filter(client=OuterRef("client"),
                                                         period_start__gt=OuterRef("period_end"))
    return (
        Certificate.objects.transition().filter(office=office, period_end__gte=today,
                                                period_end__lte=today + timedelta(days=within_days),
                                                client__status__in=IN_TRANSITION_SERVICE)
        .exclude(Exists(following))
        .select_related("client")
        .order_by("period_end")
    )


@dataclass(frozen=True)
class _InServiceUntil:
    """A period of service that ends on the day asked: the rule then reads that day as a month's last day."""

    period_start: date
    period_end: date


def plan_to_review(plans: list[SupportPlan], *, day: date, monitoring_months: int,
                   reviews: dict[int, list[SupportPlanReview]]) -> SupportPlan | None:
    """Of one client's plans of one service, the one whose monitoring the review follows on ``day``: the plan
    the missing-plan rule reads on that day (``regulations.rules.plan_month`` with ``day`` as the last day in
    service: agreed by then, its period covering it, the latest agreed) — else the latest open one (a draft, or
    one whose period ended), else none.  ``plans``: the ones still followed (not closed);  ``reviews``: each
    plan's monitoring records, by plan id."""
    facts = [plan_facts(p, reviews.get(p.pk, [])) for p in plans]
    month = regulations.plan_month(month=day, certificates=[_InServiceUntil(day.replace(day=1), day)], plans=facts,
                                   monitoring_months=monitoring_months)
    if month.plan is not None:
        return plans[facts.index(month.plan)]
    open_plans = [p for p in plans if p.closed_on is None]
    return max(open_plans, key=lambda p: (p.period_start, p.pk), default=None)


@dataclass(frozen=True)
class PlanDue:
    plan: SupportPlan
    status: ReviewStatus


def support_plans_review_due(*, office: Office, today: date, within_days: int = REVIEW_DUE_SOON_DAYS) -> list[PlanDue]:
    """Each client's plan to review (``plan_to_review``, per service, of the plans not closed) whose monitoring
    is overdue or due within ``within_days`` — three queries: the plans, their monitoring records, the
    figures."""
    plans = (
        SupportPlan.objects.filter(client__office=office)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=today))
        .select_related("client")
        .prefetch_related(Prefetch("reviews", to_attr="review_list"))
        .order_by("client__family_name_kana", "client__given_name_kana", "pk")
    )
    intervals = figures_on(day=today).plan_monitoring_months
    by_person: dict[tuple[int, str], list[SupportPlan]] = {}
    for plan in plans:
        by_person.setdefault((plan.client_id, plan.service), []).append(plan)
    result = []
    for (_client, service), own in by_person.items():
        reviews = {p.pk: p.review_list for p in own}
        plan = plan_to_review(own, day=today, monitoring_months=intervals[service], reviews=reviews)
        if plan is None:
            continue
        status = plan_review_status(plan=plan, today=today, reviews=reviews[plan.pk],
                                    monitoring_months=intervals[service])
        if status.due_on <= today + timedelta(days=within_days):
            result.append(PlanDue(plan=plan, status=status))
    return sorted(result, key=lambda due: due.status.due_on)


@dataclass
class TimelineEntry:
    day: date
    kind: str
    text: str
    minutes: int | None
    author: str
    source: str  # "note" or "followup"


@dataclass
class ClientPage:
    client: Client
    today: date
    periods: list
    certificates: list[Certificate]  # every service's, latest first (the history)
    current_certificate: Certificate | None  # the transition certificate valid today
    certificate: Certificate | None  # the current transition certificate, else the latest
    certificate_warning: CertificateWarning  # of the latest transition certificate (people in that service only)
    support_certificate: Certificate | None  # 就労定着支援: the one valid today, else the latest
    health: HealthRecord | None
    profile: CareerProfile | None
    work_history: list
    last_profile_change: CareerProfileChange | None
    plans: list[SupportPlan]
    plan_summaries: list = field(default_factory=list)  # clients.plan_selectors.PlanSummary, one per service
    attendance: list = field(default_factory=list)  # the last 30 days (attendance app)
    attendance_days: int = 0
    attendance_outside_use: list = field(default_factory=list)  # days of service outside the periods of use
    hires: list = field(default_factory=list)  # placements app
    timeline: list[TimelineEntry] = field(default_factory=list)
    funnel: object = None  # placements.selectors.ClientFunnel: contacts → applications → interviews → offers → hire
    age: int = 0


def client_page(*, client: Client, today: date) -> ClientPage:
    """Everything the client page shows, in a fixed number of queries whatever the history's length."""
    periods = list(client.periods.order_by("-started_on"))
    certificates = list(client.certificates.order_by("-period_start", "service"))
    transition = [c for c in certificates if c.service == CertificateService.TRANSITION]
    current = next((c for c in transition if c.period_start <= today <= c.period_end), None)
    latest = transition[0] if transition else None
    support = [c for c in certificates if c.service == CertificateService.RETENTION_SUPPORT]
    support_current = next((c for c in support if c.period_start <= today <= c.period_end), None)
    health = HealthRecord.objects.filter(client=client).prefetch_related("diagnoses").first()
    profile = CareerProfile.objects.filter(client=client).select_related("updated_by").first()
    work_history = list(client.work_history.all())
    last_change = client.profile_changes.select_related("changed_by").first()
    plans = list(
        client.support_plans.select_related("created_by")
        .prefetch_related(Prefetch("reviews", queryset=SupportPlanReview.objects.select_related("reviewed_by")))
        .order_by("-period_start", "-pk")
    )
    notes = list(client.notes.select_related("author")[:200])
    # attendance, hires, the job search and the outreach / employer / follow-up timeline come from the apps
    # that record them (clients.extensions)
    parts = client_page_parts(client=client, today=today)
    timeline = [
        TimelineEntry(day=n.day, kind=n.get_kind_display(), text=n.text, minutes=n.minutes, author=str(n.author),
                      source="note")
        for n in notes
    ] + parts.pop("timeline")
    timeline.sort(key=lambda entry: entry.day, reverse=True)
    return ClientPage(
        client=client, today=today, periods=periods, certificates=certificates, current_certificate=current,
        certificate=current or latest, support_certificate=support_current or next(iter(support), None),
        certificate_warning=(certificate_warning(latest.period_end if latest else None, today)
                             if client.status in IN_TRANSITION_SERVICE else CertificateWarning.NONE),
        health=health, profile=profile, work_history=work_history, last_profile_change=last_change,
        plans=plans,
        plan_summaries=plan_summaries(plans=plans, today=today),
        timeline=timeline, age=age_on(client.birth_date, today), **parts,
    )


def case_notes_of(*, client: Client) -> QuerySet[CaseNote]:
    return client.notes.select_related("author")


def profile_history(*, client: Client) -> QuerySet[CareerProfileChange]:
    return client.profile_changes.select_related("changed_by")


def sensitive_exports_of_client(*, client: Client) -> QuerySet[SensitiveExport]:
    """The recorded exports of health data that included ``client``, newest first (the manager's page of who
    read the client's records)."""
    return SensitiveExport.objects.filter(office_id=client.office_id, client_ids__contains=[client.pk]).select_related(
        "exported_by"
    )


def sensitive_exports_by(*, office: Office, user: User) -> QuerySet[SensitiveExport]:
    """The recorded exports of health data by ``user`` in ``office``, newest first."""
    return SensitiveExport.objects.filter(office=office, exported_by=user)


def clients_by_pk(*, office: Office, pks) -> dict[int, Client]:
    """The office's clients among ``pks``, by pk (one query; a pk of another office is left out)."""
    return Client.objects.filter(office=office, pk__in=set(pks)).in_bulk()

"""IPS fidelity indicators computed from the logs, for a chosen period, for the office and per employment
specialist (``Client.specialist``).  Targets come from ``placements/rules.py``.  Nine queries, whatever
the size of the office.

* days from enrolment to the first face-to-face employer contact for the client (target ≤ 30);
* face-to-face employer contacts per specialist per week (≥ 6);
* caseload per specialist on the last day of the period (≤ 20): clients in a period of use, and employed
  clients within their follow-up (3½ years after the start);
* share of competitive jobs among hires; diversity of job fields and of employers among hires
  (Gini–Simpson: the chance that two hires differ);
* follow-up within 3 days after the start, and in each of the first four weeks.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from clients.models import ServicePeriod
from compostela.models import Office, User
from placements.models import FACE_TO_FACE_EMPLOYER_KINDS, EmployerContact, FollowUpContact, Hire, Outreach
from placements.rules import (
    FIDELITY_COMPETITIVE_SHARE,
    FIDELITY_DAYS_TO_FIRST_EMPLOYER_CONTACT,
    FIDELITY_DIVERSITY,
    FIDELITY_EMPLOYER_CONTACTS_PER_WEEK,
    FIDELITY_FIRST_FOLLOWUP_DAYS,
    FIDELITY_FIRST_MONTH_WEEKS,
    FIDELITY_FOLLOWUP_SHARE,
    FIDELITY_MAX_CASELOAD,
    diversity_index,
    followed_up_weekly_first_month,
    followed_up_within_days,
)
from regulations.rules import RETENTION_SUPPORT_LAST_MONTH

NO_SPECIALIST = 0  # key for clients without an assigned specialist


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    value: float | None
    target: float
    higher_is_better: bool
    unit: str  # "days" | "per_week" | "clients" | "share" | "index"
    detail: str = ""

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    @property
    def comparison(self) -> str:
        return "≥" if self.higher_is_better else "≤"


@dataclass
class SpecialistFigures:
    user_id: int
    name: str
    caseload: int = 0
    employer_contacts: int = 0
    per_week: float = 0.0
    enrolled: int = 0
    days_to_first_contact: list[int] = field(default_factory=list)
    first_contact_within_target: int = 0
    hires: int = 0
    outreach: int = 0
    outreach_minutes: int = 0

    @property
    def median_days_to_first_contact(self) -> float | None:
        return statistics.median(self.days_to_first_contact) if self.days_to_first_contact else None

    @property
    def caseload_met(self) -> bool:
        return self.caseload <= FIDELITY_MAX_CASELOAD

    @property
    def per_week_met(self) -> bool:
        return self.per_week >= FIDELITY_EMPLOYER_CONTACTS_PER_WEEK


@dataclass(frozen=True)
class Fidelity:
    start: date
    end: date
    weeks: float
    indicators: list[Indicator]
    specialists: list[SpecialistFigures]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def placement_fidelity(*, office: Office, start: date, end: date) -> Fidelity:
    weeks = ((end - start).days + 1) / 7
    f2f = Q(kind__in=FACE_TO_FACE_EMPLOYER_KINDS)

    # 1. periods with an enrolment in the period, and the face-to-face employer contacts for those clients
    enrolments = list(
        ServicePeriod.objects.filter(client__office=office, enrolled_on__range=(start, end))
        .values_list("client_id", "started_on", "enrolled_on", "client__specialist_id")
    )
    through = EmployerContact.clients.through
    contact_days: dict[int, list[date]] = defaultdict(list)
    if enrolments:
        for client_id, day in through.objects.filter(
            client_id__in={e[0] for e in enrolments},
            employercontact__kind__in=FACE_TO_FACE_EMPLOYER_KINDS,
            employercontact__day__gte=min(e[1] for e in enrolments),
        ).values_list("client_id", "employercontact__day"):
            contact_days[client_id].append(day)

    # 2. face-to-face employer contacts per staff member in the period
    contacts_by_staff = dict(
        EmployerContact.objects.filter(f2f, office=office, day__range=(start, end))
        .values("staff_id").annotate(n=Count("pk")).values_list("staff_id", "n")
    )

    # 3. caseload on the last day: clients in a period of use, and employed clients in their follow-up
    caseload: dict[int, set[int]] = defaultdict(set)
    for client_id, specialist_id in ServicePeriod.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=end), client__office=office, started_on__lte=end,
    ).values_list("client_id", "client__specialist_id"):
        caseload[specialist_id or NO_SPECIALIST].add(client_id)
    for client_id, specialist_id in Hire.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=end), office=office, start_date__lte=end,
        start_date__gt=end - relativedelta(months=RETENTION_SUPPORT_LAST_MONTH),
    ).values_list("client_id", "client__specialist_id"):
        caseload[specialist_id or NO_SPECIALIST].add(client_id)

    # 4. hires that started in the period, and their follow-up contacts in the first four weeks
    hires = list(
        Hire.objects.filter(office=office, start_date__range=(start, end))
        .values_list("pk", "start_date", "job_field", "employer_id", "competitive", "client__specialist_id")
    )
    followup_days: dict[int, list[date]] = defaultdict(list)
    if hires:
        for hire_id, day in FollowUpContact.objects.filter(
            hire_id__in=[h[0] for h in hires], day__lte=end + relativedelta(days=7 * FIDELITY_FIRST_MONTH_WEEKS),
        ).values_list("hire_id", "day"):
            followup_days[hire_id].append(day)

    # 5. outreach per staff member
    outreach_by_staff = {
        row["staff_id"]: row for row in Outreach.objects.filter(office=office, day__range=(start, end))
        .values("staff_id").annotate(n=Count("pk"), minutes=Sum("minutes"))
    }

    # specialists: those with a caseload or clients enrolled, and anyone who met employers in the period
    ids = ({k for k in caseload if k != NO_SPECIALIST} | {e[3] for e in enrolments if e[3]}
           | set(contacts_by_staff) | {h[5] for h in hires if h[5]})
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    specialists = {pk: SpecialistFigures(user_id=pk, name=str(users[pk])) for pk in users}

    for pk, clients in caseload.items():
        if pk in specialists:
            specialists[pk].caseload = len(clients)
    for pk, n in contacts_by_staff.items():
        if pk in specialists:
            specialists[pk].employer_contacts = n
            specialists[pk].per_week = n / weeks
    for pk, row in outreach_by_staff.items():
        if pk in specialists:
            specialists[pk].outreach = row["n"]
            specialists[pk].outreach_minutes = row["minutes"] or 0

    all_days: list[int] = []
    within = 0
    overdue = 0
    for client_id, started_on, enrolled_on, specialist_id in enrolments:
        later = sorted(d for d in contact_days[client_id] if d >= started_on)
        figures = specialists.get(specialist_id)
        if figures:
            figures.enrolled += 1
        if later:
            days = max(0, (later[0] - enrolled_on).days)
            all_days.append(days)
            if figures:
                figures.days_to_first_contact.append(days)
            if days <= FIDELITY_DAYS_TO_FIRST_EMPLOYER_CONTACT:
                within += 1
                if figures:
                    figures.first_contact_within_target += 1
        elif (end - enrolled_on).days > FIDELITY_DAYS_TO_FIRST_EMPLOYER_CONTACT:
            overdue += 1
    for h in hires:
        if h[5] in specialists:
            specialists[h[5]].hires += 1

    competitive = sum(1 for h in hires if h[4])
    # a hire is judged once its window has passed by the end of the period
    due_3 = [h for h in hires if h[1] + relativedelta(days=FIDELITY_FIRST_FOLLOWUP_DAYS) <= end]
    due_weekly = [h for h in hires if h[1] + relativedelta(days=7 * FIDELITY_FIRST_MONTH_WEEKS - 1) <= end]
    on_time = sum(1 for h in due_3 if followed_up_within_days(start=h[1], contact_days=followup_days[h[0]]))
    weekly = sum(1 for h in due_weekly
                 if followed_up_weekly_first_month(start=h[1], contact_days=followup_days[h[0]]))
    specialist_rows = sorted(specialists.values(), key=lambda s: s.name)
    counted = [s for s in specialist_rows if s.caseload or s.employer_contacts]
    total_caseload = sum(len(c) for c in caseload.values())

    indicators = [
        Indicator(
            "days_to_first_contact", str(_("Days from enrolment to the first face-to-face employer contact (median)")),
            statistics.median(all_days) if all_days else None, FIDELITY_DAYS_TO_FIRST_EMPLOYER_CONTACT, False, "days",
            str(_("%(within)d of %(enrolled)d enrolled within 30 days; %(overdue)d still without a contact "
                  "after 30 days")) % {"within": within, "enrolled": len(enrolments), "overdue": overdue}),
        Indicator(
            "employer_contacts_per_week", str(_("Face-to-face employer contacts per specialist per week")),
            (sum(contacts_by_staff.values()) / weeks / len(counted)) if counted else None,
            FIDELITY_EMPLOYER_CONTACTS_PER_WEEK, True, "per_week",
            str(_("%(contacts)d contacts over %(weeks).1f weeks, %(specialists)d specialists"))
            % {"contacts": sum(contacts_by_staff.values()), "weeks": weeks, "specialists": len(counted)}),
        Indicator(
            "caseload", str(_("Caseload per specialist (on the last day)")),
            (total_caseload / len(counted)) if counted else None, FIDELITY_MAX_CASELOAD, False, "clients",
            str(_("%(clients)d clients, %(unassigned)d without a specialist"))
            % {"clients": total_caseload, "unassigned": len(caseload.get(NO_SPECIALIST, ()))}),
        Indicator(
            "competitive_share", str(_("Share of competitive jobs among hires")), _share(competitive, len(hires)),
            FIDELITY_COMPETITIVE_SHARE, True, "share",
            str(_("%(part)d of %(whole)d hires")) % {"part": competitive, "whole": len(hires)}),
        Indicator(
            "field_diversity", str(_("Diversity of job fields among hires")),
            diversity_index(list(Counter(h[2] for h in hires).values())), FIDELITY_DIVERSITY, True, "index",
            str(_("%(distinct)d fields among %(hires)d hires"))
            % {"distinct": len({h[2] for h in hires}), "hires": len(hires)}),
        Indicator(
            "employer_diversity", str(_("Diversity of employers among hires")),
            diversity_index(list(Counter(h[3] for h in hires).values())), FIDELITY_DIVERSITY, True, "index",
            str(_("%(distinct)d employers among %(hires)d hires"))
            % {"distinct": len({h[3] for h in hires}), "hires": len(hires)}),
        Indicator(
            "followup_within_3_days", str(_("Hires with a follow-up contact within 3 days after the start")),
            _share(on_time, len(due_3)), FIDELITY_FOLLOWUP_SHARE, True, "share",
            str(_("%(part)d of %(whole)d hires")) % {"part": on_time, "whole": len(due_3)}),
        Indicator(
            "followup_weekly_first_month", str(_("Hires with a follow-up contact every week of the first month")),
            _share(weekly, len(due_weekly)), FIDELITY_FOLLOWUP_SHARE, True, "share",
            str(_("%(part)d of %(whole)d hires")) % {"part": weekly, "whole": len(due_weekly)}),
    ]
    return Fidelity(start=start, end=end, weeks=weeks, indicators=indicators, specialists=specialist_rows)

"""Everything the claims of one office-month are computed from, read with a fixed number of ORM queries.

The month's claims need a dozen small reads: the fee book, the attendance of the month and the daily user
counts of the two months before it (over-capacity), the month's follow-up contacts, the people concerned
with their certificates (就労移行支援 and 就労定着支援 apart: each service is billed on its own
certificates only) and agreed support plans of both services with their monitoring dates, the hires that
make the retention tier, the users of 就労定着支援 that make its rate and the regional cooperation meetings
(地域連携会議) of the fiscal year up to the month's end.  Each is one ordinary query below — seventeen at most,
whatever the number of clients and days; one more (the manager's confirmed co-payment caps) only in a month
where someone's certificates carry different caps.  No rule is decided here: the retention
rules, the fee look-ups and every billing rule stay in their one Python function each.  (The fee book itself
is fourteen queries, one per fee table: ``billing.services.fees.fee_book_load``.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Q, Value

from attendance import rules as attendance_rules
from attendance.models import BILLABLE_ATTENDANCE, Attendance, RegionalMeeting
from billing.models import CopayCapDecision, CopayCapManagement
from billing.services.fees import FeeBook, fee_book_load
from billing.services.tier import retention_support_window, retention_tier_window
from clients.models import Certificate, CertificateService, Client, ServicePeriod, SupportPlan
from compostela.models import Office
from placements.models import FollowUpContact, FollowUpKind, Hire
from placements.retention import retention_support_users
from regulations import rules as regulations
from regulations.rules import fiscal_year_bounds, fiscal_year_of

MONTH_CONTACT_KINDS = [FollowUpKind.FACE_TO_FACE.value, FollowUpKind.SUPPORT_REPORT.value]


@dataclass(frozen=True)
class MonthContact:
    """A face-to-face contact or support report of the month, with what the claim needs of its job."""

    day: date
    kind: str
    client_id: int
    hire_start: date
    hire_ended_on: date | None


@dataclass(frozen=True)
class AgreedPlan:
    """An agreed support plan as the missing-plan rule reads it (``regulations.rules.AgreedPeriod``): its
    period, the day the client agreed to it and the days it was monitored (モニタリング) up to the month's end."""

    client_id: int
    period_start: date
    period_end: date
    agreed_on: date
    monitored_on: tuple[date, ...] = ()


@dataclass
class MonthInputs:
    book: FeeBook
    daily_users_before: dict[date, int]  # billable users a day in the two months before the month
    rows: list[dict]  # the month's attendance, by day
    contacts: list[MonthContact]
    clients: dict[int, Client]
    # by client, by period start; both overlapping the month or the two before it (the missing-plan lookback)
    certificates: dict[int, list[Certificate]]  # 就労移行支援 certificates
    support_certificates: dict[int, list[Certificate]]  # 就労定着支援 certificates
    plans: dict[int, list[AgreedPlan]]  # agreed 就労移行支援 plans that started by the month's end, by client
    use: dict[int, attendance_rules.EnrolmentFacts]  # each client's periods of use (no day outside one is billed)
    tier_hires: list[tuple[date, date | None, date | None]]  # (start, ended_on, fixed_term_end) of the tier window
    support_users: list[tuple[int, bool]]  # (client id, employed at the end of the previous fiscal year)
    support_plans: dict[int, list[AgreedPlan]] = field(default_factory=dict)  # agreed 就労定着支援 plans, ditto
    # regional cooperation meetings (地域連携会議) by client, (day, kind) sorted: this month's and the earlier
    # months' of the same fiscal year (its yearly maximum)
    meetings: dict[int, list[tuple[date, str]]] = field(default_factory=dict)
    # the manager's confirmed co-payment caps of the month, by client — read only when someone's certificates
    # of the month carry different caps (a certificate changed mid-month), so most months spend no query
    cap_decisions: dict[int, CopayCapDecision] = field(default_factory=dict)
    # the month's co-payment cap managements across providers (上限額管理), by client, with their providers —
    # read only when a certificate of the month names a cap manager, so most months spend no query
    cap_managements: dict[int, CopayCapManagement] = field(default_factory=dict)


def month_inputs_read(*, office: Office, month: date) -> MonthInputs:
    """Everything ``billing_month_compute`` needs for ``office`` and ``month`` (any day of it) — twenty
    queries at most: the fee book (nine, with the regulations' figures), then one each below
    (``retention_support_users``: two)."""
    first, last = regulations.month_bounds(month)
    # over capacity (the rolling rule) and missing plans look at this month and the two before it
    window_first, _window_last = regulations.rolling_window(first)
    fiscal_year = fiscal_year_of(first)
    _window, hires_first, hires_last, _as_of = retention_tier_window(fiscal_year)
    support_from, support_as_of = retention_support_window(fiscal_year)

    book = fee_book_load(office=office)
    daily_users_before = dict(
        Attendance.objects.filter(office=office, day__range=(window_first, first - timedelta(days=1)),
                                  status__in=BILLABLE_ATTENDANCE)
        .order_by().values("day").annotate(n=Count("pk")).values_list("day", "n")
    )
    rows = list(
        Attendance.objects.filter(office=office, day__range=(first, last))
        .order_by("day", "client_id")
        .values("client_id", "day", "status", "transport_to", "transport_from", "meal", "start_time", "end_time")
    )
    contacts = [
        MonthContact(*row) for row in
        FollowUpContact.objects.filter(office=office, hire__office=office, day__range=(first, last),
                                       kind__in=MONTH_CONTACT_KINDS)
        .order_by("day", "pk")
        .values_list("day", "kind", "hire__client_id", "hire__start_date", "hire__ended_on")
    ]
    meetings: dict[int, list[tuple[date, str]]] = {}
    for client_id, day, kind in (
        RegionalMeeting.objects.filter(office=office, day__range=(fiscal_year_bounds(fiscal_year)[0], last))
        .order_by("client_id", "day", "kind").values_list("client_id", "day", "kind")
    ):
        meetings.setdefault(client_id, []).append((day, kind))
    # everyone with attendance, a regional cooperation meeting or a face-to-face contact / support report this
    # month, by primary key
    client_ids = ({r["client_id"] for r in rows} | {c.client_id for c in contacts}
                  | {pk for pk, held in meetings.items() if held[-1][0] >= first})
    clients = Client.objects.order_by().in_bulk(client_ids)

    certificates: dict[int, list[Certificate]] = {}
    support_certificates: dict[int, list[Certificate]] = {}
    month_certificates = (
        Certificate.objects.filter(client_id__in=client_ids, period_start__lte=last, period_end__gte=window_first)
        .order_by("period_start", "pk")
    )
    month_caps: dict[int, set[int]] = {}
    cap_managed: set[int] = set()
    for cert in month_certificates:
        by_service = certificates if cert.service == CertificateService.TRANSITION else support_certificates
        by_service.setdefault(cert.client_id, []).append(cert)
        if cert.period_end >= first:
            month_caps.setdefault(cert.client_id, set()).add(cert.copay_cap)
            if cert.cap_management != regulations.CAP_MANAGEMENT_NONE:
                cap_managed.add(cert.client_id)
    cap_managements = {} if not cap_managed else {
        m.client_id: m for m in CopayCapManagement.objects.filter(office=office, month=first, client_id__in=cap_managed)
        .select_related("entered_by").prefetch_related("providers")
    }
    to_confirm = [pk for pk, caps in month_caps.items() if regulations.copay_cap_to_confirm(caps)]
    cap_decisions = {} if not to_confirm else {
        d.client_id: d for d in CopayCapDecision.objects.filter(office=office, month=first, client_id__in=to_confirm)
        .select_related("decided_by")
    }

    # every agreed plan that started by the month's end, with its monitoring dates up to then (one query): an
    # ended one too, so that the rule tells a plan that expired from no plan at all
    plans: dict[int, list[AgreedPlan]] = {}
    support_plans: dict[int, list[AgreedPlan]] = {}
    for service, *row, monitored in (
        SupportPlan.objects.filter(client_id__in=client_ids, agreed_on__isnull=False, period_start__lte=last)
        .annotate(monitored=ArrayAgg("reviews__reviewed_on", filter=Q(reviews__reviewed_on__lte=last),
                                     order_by="reviews__reviewed_on", default=Value([])))
        .order_by("pk").values_list("service", "client_id", "period_start", "period_end", "agreed_on", "monitored")
    ):
        plan = AgreedPlan(*row, monitored_on=tuple(monitored))
        by_service = plans if service == CertificateService.TRANSITION else support_plans
        by_service.setdefault(plan.client_id, []).append(plan)

    periods: dict[int, list[attendance_rules.PeriodFacts]] = {}
    for client_id, *dates in (ServicePeriod.objects.filter(client_id__in=client_ids, started_on__lte=last)
                              .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
                              .order_by("started_on", "pk")
                              .values_list("client_id", "started_on", "enrolled_on", "ended_on")):
        periods.setdefault(client_id, []).append(attendance_rules.PeriodFacts(*dates))
    use = {
        pk: attendance_rules.EnrolmentFacts(client_id=pk, enrolled_on=client.enrolled_on, ended_on=client.ended_on,
                                            periods=periods.get(pk, []))
        for pk, client in clients.items()
    }

    return MonthInputs(
        book=book,
        daily_users_before=daily_users_before,
        rows=rows,
        contacts=contacts,
        clients=clients,
        certificates=certificates,
        support_certificates=support_certificates,
        plans=plans,
        support_plans=support_plans,
        use=use,
        tier_hires=list(
            Hire.objects.filter(office=office, start_date__range=(hires_first, hires_last))
            .order_by().values_list("start_date", "ended_on", "fixed_term_end")
        ),
        support_users=retention_support_users(office=office, first=support_from, as_of=support_as_of),
        cap_decisions=cap_decisions,
        cap_managements=cap_managements,
        meetings=meetings,
    )

"""Reads of attendance: the roster, the month grid, counts against granted days and capacity figures.

Each function takes keyword arguments and runs a fixed number of queries, however many clients the
office has.  Billing and case review reuse ``attendance_enrolment_facts``, ``attendance_roster_clients``,
``attendance_month_counts``, ``attendance_granted_days`` and ``attendance_capacity_figures``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from attendance import rules
from attendance.models import Attendance, AttendanceStatus, ClosedMonth, RegionalMeeting
from clients.models import Certificate, Client, ServicePeriod
from compostela.models import Office, OfficeCapacity
from regulations import rules as regulations


@dataclass
class MonthCounts:
    """One client's month: days per status; ``billable`` (attended + off-site) counts against granted days."""

    attended: int = 0
    offsite: int = 0
    absent: int = 0
    absent_supported: int = 0
    # the month's attended and off-site days: they pick the certificate that stands for the month, and each
    # certificate's granted days are counted over its own days (``EnrolmentFacts.days_under_certificate``)
    billable_on: tuple[date, ...] = ()

    @property
    def billable_days(self) -> list[date]:
        return sorted(self.billable_on)

    @property
    def billable(self) -> int:
        return self.attended + self.offsite


@dataclass
class CapacityFigures:
    """定員超過 figures for a day, by the one rule billing reduces with (``regulations.rules``): the day's
    users against the daily limit of the capacity band, and the three months ending with the day's month
    (up to the day) against the rolling limit."""

    capacity: int
    day_users: int
    rolling: regulations.RollingOverCapacity  # this month up to the day and the two months before

    @property
    def day_limit(self) -> Decimal:
        return regulations.day_limit(self.capacity)

    @property
    def day_exceeded(self) -> bool:
        return regulations.day_over_capacity(users=self.day_users, capacity=self.capacity)

    @property
    def user_days(self) -> int:
        return self.rolling.user_days

    @property
    def open_days(self) -> int:
        return self.rolling.open_days

    @property
    def average(self) -> Decimal:
        if not self.open_days:
            return Decimal("0.0")
        return (Decimal(self.user_days) / self.open_days).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def average_limit(self) -> Decimal:
        """The rolling allowance a day on average (capacity × 125 %, or capacity + 3 below 12)."""
        return Decimal(regulations.rolling_limit_x100(self.capacity)) / 100

    @property
    def average_exceeded(self) -> bool:
        return self.rolling.over


@dataclass
class RosterRow:
    """One line of the roster: the client, today's record (if any), the previous record, month counts."""

    client: Client
    facts: rules.EnrolmentFacts
    record: Attendance | None
    previous: Attendance | None
    month: MonthCounts
    granted_days: int | None  # of the certificate valid that day
    counted: int = 0  # attended + off-site days of the month under that certificate
    problem: object = None  # why this client may not have attendance that day (only for rows kept on record)

    @property
    def version(self) -> int:
        return self.record.version if self.record else 0


@dataclass
class Roster:
    office: Office
    day: date
    rows: list[RosterRow]
    capacity: CapacityFigures
    month_closed: bool
    is_future: bool


@dataclass
class MonthGrid:
    office: Office
    month: date
    days: list[date]
    closed_days: set[date]
    clients: list[Client]
    cells: dict[tuple[int, date], Attendance]
    not_enrolled: set[tuple[int, date]]
    counts: dict[int, MonthCounts]
    granted: dict[int, int | None]
    day_users: dict[date, int] = field(default_factory=dict)
    month_closed: bool = False
    meetings: dict[int, int] = field(default_factory=dict)  # regional cooperation meetings of the month, by client



# What the attendance screens, the recording of a day and the demo read of a client (``_with_enrolment``): the
# other columns are left in the database — reading one of them would cost a query per client, which the query
# counts of the roster, the month grid and the recording tests would show.
CLIENT_FIELDS = ("office_id", "family_name", "given_name", "family_name_kana", "given_name_kana", "enrolled_on",
                 "ended_on", "usual_start", "usual_end")
# What the roster reads of the day's records and the previous ones (the row's inputs and its fingerprint).
ROSTER_RECORD_FIELDS = ("client_id", "day", "status", "start_time", "end_time", "transport_to", "transport_from",
                        "meal", "note", "version")


def attendance_closed_months(*, office: Office, months: list[date]) -> set[date]:
    """Of ``months`` (first days), those whose attendance is read-only: billing has closed them — one query."""
    return set(ClosedMonth.objects.filter(office=office, month__in=months).values_list("month", flat=True))

def attendance_candidate_clients(*, office: Office, start: date, end: date) -> list[Client]:
    """The office's clients who might attend between ``start`` and ``end``: those with a transition
    certificate valid on some day of the range, or with attendance recorded in it (a 就労定着支援 certificate
    is not one to attend with).  Each carries ``enrolment`` (``EnrolmentFacts``: its transition certificates and
    its periods of use).  Three queries; sorted by kana."""
    certificates = Certificate.objects.transition().filter(office=office, period_start__lte=end,
                                                           period_end__gte=start)
    clients = Client.objects.filter(office=office).filter(
        Exists(certificates.filter(client=OuterRef("pk")))
        | Exists(Attendance.objects.filter(client=OuterRef("pk"), day__range=(start, end)))
    )
    return _with_enrolment(clients, office=office)


def attendance_clients_by_id(*, office: Office, client_ids) -> dict[int, Client]:
    """``id → client`` for those of ``client_ids`` that belong to ``office``, with their ``enrolment`` facts
    (three queries).  Ids of other offices' clients are simply absent."""
    clients = Client.objects.filter(office=office, pk__in=list(client_ids))
    return {c.pk: c for c in _with_enrolment(clients, office=office)}


def _with_enrolment(clients, *, office: Office) -> list[Client]:
    """``clients`` in kana order (their ``CLIENT_FIELDS``), each with its ``enrolment`` facts — three queries.
    The certificates and the periods are read as the values the rule takes (``CertificateFacts``,
    ``PeriodFacts``), not as model instances: building a model for each was a large part of the roster's time."""
    result = list(clients.only(*CLIENT_FIELDS).order_by("family_name_kana", "given_name_kana", "pk"))
    ids = [client.pk for client in result]
    certificates: dict[int, list[rules.CertificateFacts]] = defaultdict(list)
    for client_id, *facts in (
        Certificate.objects.transition().filter(office=office, client_id__in=ids).order_by("period_start")
        .values_list("client_id", "number", "period_start", "period_end", "granted_days")
    ):
        certificates[client_id].append(rules.CertificateFacts(*facts))
    periods: dict[int, list[rules.PeriodFacts]] = defaultdict(list)
    for client_id, *facts in (
        # ``ids`` are the office's clients (both callers filter ``clients`` by office), so no join back to the
        # clients: this reads the covering index ``period_client_start_cover`` alone.
        ServicePeriod.objects.filter(client_id__in=ids).order_by("started_on")
        .values_list("client_id", "started_on", "enrolled_on", "ended_on")
    ):
        periods[client_id].append(rules.PeriodFacts(*facts))
    for client in result:
        client.enrolment = rules.EnrolmentFacts(
            client_id=client.pk, enrolled_on=client.enrolled_on, ended_on=client.ended_on,
            certificates=certificates[client.pk], periods=periods[client.pk],
        )
    return result


def attendance_enrolment_facts(*, office: Office, start: date, end: date) -> dict[int, rules.EnrolmentFacts]:
    """``client id → EnrolmentFacts`` for the candidates of ``start``–``end`` (three queries)."""
    return {c.pk: c.enrolment for c in attendance_candidate_clients(office=office, start=start, end=end)}


def attendance_roster_clients(*, office: Office, day: date) -> list[Client]:
    """The clients enrolled on ``day`` (certificate valid, enrolled, not ended), sorted by kana."""
    candidates = attendance_candidate_clients(office=office, start=day, end=day)
    return [c for c in candidates if c.enrolment.problem_on(day) is None]


def attendance_month_counts(*, office: Office, month: date, client_ids=None) -> dict[int, MonthCounts]:
    """``client id → MonthCounts`` for ``month`` (one query).  Only clients with rows appear."""
    rows = Attendance.objects.filter(
        office=office, day__range=(rules.month_start(month), rules.month_end(month))
    )
    if client_ids is not None:
        rows = rows.filter(client_id__in=client_ids)
    aggregated = rows.values("client_id").annotate(
        attended=Count("pk", filter=Q(status=AttendanceStatus.ATTENDED)),
        offsite=Count("pk", filter=Q(status=AttendanceStatus.OFFSITE)),
        absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
        absent_supported=Count("pk", filter=Q(status=AttendanceStatus.ABSENT_SUPPORTED)),
        billable_on=ArrayAgg("day", filter=Q(status__in=rules.BILLABLE), default=Value([])),
    ).order_by()
    return {
        row["client_id"]: MonthCounts(row["attended"], row["offsite"], row["absent"], row["absent_supported"],
                                      tuple(row["billable_on"]))
        for row in aggregated
    }


def attendance_granted_days(*, client: Client, month: date) -> int | None:
    """支給量 of ``client`` for ``month`` by the certificate governing the month (None when no transition
    certificate is valid in that month).  Two queries."""
    first, last = rules.month_start(month), rules.month_end(month)
    certificates = list(
        Certificate.objects.transition().filter(client=client, period_start__lte=last, period_end__gte=first)
        .order_by("period_start")
    )
    billable = Attendance.objects.filter(client=client, day__range=(first, last), status__in=rules.BILLABLE)
    last_billable = billable.aggregate(last=Max("day"))["last"]
    certificate = regulations.certificate_for_month(certificates, month, [last_billable] if last_billable else [])
    return None if certificate is None else regulations.granted_days(certificate.granted_days, month)


def attendance_capacity_figures(*, office: Office, day: date) -> CapacityFigures:
    """The day's users and the rolling window (the day's month up to the day and the two months before),
    each day judged by the capacity in force on it (``Office.capacity_on``, as billing) — two queries."""
    window_first, _last = regulations.rolling_window(day)
    per_day = (
        Attendance.objects.filter(office=office, day__range=(window_first, day), status__in=rules.BILLABLE)
        .values("day")
        .annotate(users=Count("pk"))
        .order_by()
    )
    users = {row["day"]: row["users"] for row in per_day}
    history = list(OfficeCapacity.objects.filter(office=office, valid_from__lte=day).order_by("valid_from", "pk"))
    return CapacityFigures(
        capacity=office.capacity_on(day, history), day_users=users.get(day, 0),
        rolling=regulations.rolling_over_capacity(
            days=[(n, office.capacity_on(d, history)) for d, n in users.items()]),
    )


def attendance_roster(*, office: Office, day: date, today: date) -> Roster:
    """Everything the roster screen shows for ``day``, in a constant number of queries (seven)."""
    clients = attendance_candidate_clients(office=office, start=day, end=day)  # 3 queries
    # the office's week up to the day (its index bounds the read; the rows of clients not on the roster are
    # not looked at): no list of the roster's ids to send
    recent = Attendance.objects.filter(
        office=office, day__range=(day - timedelta(days=7), day)
    ).only(*ROSTER_RECORD_FIELDS).order_by("client_id", "-day")
    records: dict[int, Attendance] = {}
    previous: dict[int, Attendance] = {}
    for row in recent:  # 1 query
        if row.day == day:
            records[row.client_id] = row
        else:
            previous.setdefault(row.client_id, row)
    counts = attendance_month_counts(office=office, month=day)  # 1 query
    rows = []
    for client in clients:
        problem = client.enrolment.problem_on(day)
        if problem is not None and client.pk not in records:
            continue
        month = counts.get(client.pk, MonthCounts())
        # the days counted against the day's own certificate, as recording the day checks them
        under = client.enrolment.days_under_certificate(day, month.billable_days)
        counted, granted = under if under is not None else (
            month.billable, client.enrolment.granted_days(day, month.billable_days))
        rows.append(RosterRow(
            client=client, facts=client.enrolment, record=records.get(client.pk),
            previous=previous.get(client.pk), month=month,
            granted_days=granted, counted=counted, problem=problem,
        ))
    return Roster(
        office=office, day=day, rows=rows,
        capacity=attendance_capacity_figures(office=office, day=day),  # 1 query
        month_closed=bool(attendance_closed_months(office=office, months=[rules.month_start(day)])),  # 1 query
        is_future=day > today,
    )


def attendance_month_grid(*, office: Office, month: date) -> MonthGrid:
    """The client × day grid of ``month`` with monthly counts and each client's regional cooperation meetings
    (six queries)."""
    first, last = rules.month_start(month), rules.month_end(month)
    days = rules.month_days(first)
    clients = attendance_candidate_clients(office=office, start=first, end=last)
    cells: dict[tuple[int, date], Attendance] = {}
    counts: dict[int, MonthCounts] = defaultdict(MonthCounts)
    day_users: dict[date, int] = defaultdict(int)
    for row in Attendance.objects.filter(office=office, day__range=(first, last)).only(
        "client_id", "day", "status", "note", "start_time", "end_time"
    ):
        cells[(row.client_id, row.day)] = row
        setattr(counts[row.client_id], row.status, getattr(counts[row.client_id], row.status) + 1)
        if row.status in rules.BILLABLE:
            day_users[row.day] += 1
    not_enrolled = set()
    shown = []
    for client in clients:
        blocked = {d for d in days if client.enrolment.problem_on(d) is not None}
        if len(blocked) == len(days) and client.pk not in counts:
            continue
        shown.append(client)
        not_enrolled |= {(client.pk, d) for d in blocked}
    return MonthGrid(
        office=office, month=first, days=days, closed_days={d for d in days if rules.office_closed_day(d)},
        clients=shown, cells=cells, not_enrolled=not_enrolled,
        counts={c.pk: counts.get(c.pk, MonthCounts()) for c in shown},
        granted={c.pk: c.enrolment.granted_days(first, counts.get(c.pk, MonthCounts()).billable_days) for c in shown},
        day_users=dict(day_users),
        month_closed=bool(attendance_closed_months(office=office, months=[first])),
        meetings=dict(RegionalMeeting.objects.filter(office=office, day__range=(first, last)).order_by()
                      .values("client_id").annotate(n=Count("pk")).values_list("client_id", "n")),
    )


def regional_meetings_of_month(*, office: Office, month: date, client_id: int | None = None) -> list[RegionalMeeting]:
    """The office's regional cooperation meetings (地域連携会議) of ``month``, by day (of one client when
    ``client_id`` is given) — one query."""
    meetings = RegionalMeeting.objects.filter(
        office=office, day__range=(rules.month_start(month), rules.month_end(month))
    ).select_related("client", "recorded_by").order_by("day", "client__family_name_kana", "client__given_name_kana",
                                                       "kind", "pk")
    if client_id is not None:
        meetings = meetings.filter(client_id=client_id)
    return list(meetings)


# --- what attendance adds to the client screens (registered in AttendanceConfig.ready) ----------------------
def client_list_days_attended(first: date, last: date) -> dict:
    """The client list's "days attended this month": a correlated count on the (client, day) unique index —
    a Count over the joined attendance scanned the whole table (every office, every year) on each load."""
    return {"days_attended": Coalesce(Subquery(
        Attendance.objects.filter(client=OuterRef("pk"), day__gte=first, day__lte=last, status__in=rules.BILLABLE)
        .order_by().values("client").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    ), 0)}


def attendance_outside_use(*, client: Client) -> list[date]:
    """The days of service (通所, 施設外支援) recorded for ``client`` that fall outside its periods of use — after a
    hire or an end recorded over saved attendance; billing claims none of them — two queries."""
    facts = rules.EnrolmentFacts(
        client_id=client.pk, enrolled_on=client.enrolled_on, ended_on=client.ended_on,
        periods=[rules.PeriodFacts(*dates) for dates in client.periods.order_by("started_on", "pk")
                 .values_list("started_on", "enrolled_on", "ended_on")],
    )
    days = Attendance.objects.filter(client=client, status__in=rules.BILLABLE).order_by("day").values_list("day",
                                                                                                        flat=True)
    return [day for day in days if rules.period_refusal(facts, day) is not None]


def client_page_attendance(*, client: Client, today: date) -> dict:
    """The client page's last 30 days of attendance and the billable days among them, and the days of service
    outside the periods of use — three queries."""
    attendance = list(Attendance.objects.filter(client=client, day__gte=today - timedelta(days=29), day__lte=today)
                      .order_by("-day"))
    return {"attendance": attendance, "attendance_days": sum(1 for a in attendance if a.status in rules.BILLABLE),
            "attendance_outside_use": attendance_outside_use(client=client)}

"""サービス提供実績記録票 (service record sheet): one client's days of service in a month, laid out like the
paper form offices know — one row per day of service, then the month's totals.

Days of service are attended days, off-site support days and absences with a recorded support contact
(欠席時対応); a plain absence is not a day of service and has no row.  The other add-ons column shows a
regional cooperation meeting (地域連携会議実施加算 I/II) on its day — a day with a meeting and no service has a row
of its own.  Attendance and meetings of a closed month are read-only, so the live rows are the snapshot's rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time

from attendance.models import Attendance, AttendanceStatus, RegionalMeeting, RegionalMeetingKind
from clients.models import Certificate
from compostela.models import Office
from regulations import rules as regulations
from regulations.rules import month_bounds

WEEKDAYS_JA = "月火水木金土日"
STATUS_JA = {
    AttendanceStatus.ATTENDED: "通所",
    AttendanceStatus.OFFSITE: "施設外支援",
    AttendanceStatus.ABSENT_SUPPORTED: "欠席時対応",
}
SERVICE_DAY_STATUSES = tuple(STATUS_JA)
# the other add-ons column: the paper form's words for each kind of meeting
MEETING_JA = {RegionalMeetingKind.I: "地域連携会議(I)", RegionalMeetingKind.II: "地域連携会議(II)"}


@dataclass(frozen=True)
class RecordRow:
    day: date
    status: str
    start: time | None
    end: time | None
    transport_to: bool
    transport_from: bool
    meal: bool
    note: str
    meetings: tuple[str, ...] = ()  # the kinds of regional cooperation meeting held that day

    @property
    def weekday(self) -> str:
        return WEEKDAYS_JA[self.day.weekday()]

    @property
    def status_label(self) -> str:
        return STATUS_JA.get(self.status, "")

    @property
    def service_day(self) -> bool:
        return self.status in (AttendanceStatus.ATTENDED, AttendanceStatus.OFFSITE)

    @property
    def other_addons(self) -> str:
        return "・".join(MEETING_JA[kind] for kind in self.meetings)

    @property
    def offsite(self) -> bool:
        return self.status == AttendanceStatus.OFFSITE

    @property
    def absence_support(self) -> bool:
        return self.status == AttendanceStatus.ABSENT_SUPPORTED


@dataclass
class RecordSheet:
    client_id: int
    client_name: str
    certificate_number: str
    municipality: str
    granted_days: int
    rows: list[RecordRow] = field(default_factory=list)

    @property
    def service_days(self) -> int:
        """Days the client used the service (attended or off-site)."""
        return sum(1 for r in self.rows if r.service_day)

    @property
    def transport_to_count(self) -> int:
        return sum(r.transport_to for r in self.rows)

    @property
    def transport_from_count(self) -> int:
        return sum(r.transport_from for r in self.rows)

    @property
    def meal_count(self) -> int:
        return sum(r.meal for r in self.rows)

    @property
    def offsite_count(self) -> int:
        return sum(r.offsite for r in self.rows)

    @property
    def absence_support_count(self) -> int:
        return sum(r.absence_support for r in self.rows)

    @property
    def meeting_count(self) -> int:
        return sum(len(r.meetings) for r in self.rows)


def record_sheets_for_month(*, office: Office, month: date, clients: list[tuple[int, str, str]]) -> list[RecordSheet]:
    """The record sheets of ``clients`` ([(client id, name, certificate number)], in print order) for the
    month — three queries, whatever the number of clients and days."""
    first, last = month_bounds(month)
    ids = [c[0] for c in clients]
    meetings: dict[tuple[int, date], list[str]] = defaultdict(list)
    for client_id, day, kind in (RegionalMeeting.objects.filter(office=office, client_id__in=ids,
                                                                day__range=(first, last))
                                 .order_by("day", "kind").values_list("client_id", "day", "kind")):
        meetings[(client_id, day)].append(kind)
    rows: dict[int, list[RecordRow]] = defaultdict(list)
    for a in (Attendance.objects.filter(office=office, client_id__in=ids, day__range=(first, last),
                                        status__in=SERVICE_DAY_STATUSES).order_by("day")):
        rows[a.client_id].append(RecordRow(day=a.day, status=a.status, start=a.start_time, end=a.end_time,
                                           transport_to=a.transport_to, transport_from=a.transport_from,
                                           meal=a.meal, note=a.note,
                                           meetings=tuple(meetings.pop((a.client_id, a.day), ()))))
    for (client_id, day), kinds in meetings.items():  # a meeting on a day without service: a row of its own
        rows[client_id].append(RecordRow(day=day, status="", start=None, end=None, transport_to=False,
                                         transport_from=False, meal=False, note="", meetings=tuple(kinds)))
    for own in rows.values():
        own.sort(key=lambda r: r.day)
    certificates: dict[int, Certificate] = {}
    for cert in Certificate.objects.transition().filter(client_id__in=ids, period_start__lte=last,
                                                        period_end__gte=first).order_by("period_start"):
        certificates[cert.client_id] = cert  # the latest transition certificate valid in the month (the sheet
        # is 就労移行支援's: a 就労定着支援 certificate's granted days and municipality are not its own)
    standard = regulations.standard_granted_days(first)
    sheets = []
    for client_id, name, number in clients:
        cert = certificates.get(client_id)
        sheets.append(RecordSheet(
            client_id=client_id, client_name=name, certificate_number=number or (cert.number if cert else ""),
            municipality=cert.municipality if cert else "",
            granted_days=(cert.granted_days if cert and cert.granted_days else standard),
            rows=rows[client_id],
        ))
    return sheets

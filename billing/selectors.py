"""Reads of billing for screens, commands and the PDFs: closed months, stored snapshots, and the month
statement (the snapshot when the month is closed, else computed live)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from billing.models import ClaimLine, MonthClosing
from billing.services.fees import office_settings_on
from compostela.models import Office


def billing_closed_months(*, office: Office, months: list[date]) -> set[date]:
    """Of ``months`` (first days), those that are closed for ``office`` right now — one query."""
    return set(
        MonthClosing.objects.filter(office=office, month__in=months, reopened_at__isnull=True).values_list(
            "month", flat=True
        )
    )


def billing_runs_retention_support(*, office: Office, day: date) -> bool:
    """Does the office run 就労定着支援 on ``day`` (its fee settings in force then)?  One query."""
    return office_settings_on(office=office, day=day).runs_retention_support


def billing_earlier_open_months(*, office: Office, month: date) -> list[date]:
    """The months before ``month`` that are still open: a month of the office with attendance recorded (any
    status), or closed once and reopened, that has no closing in force now — first days, oldest first.  Two
    queries: the months with attendance (an index scan of the office's days), and the closings before the
    month."""
    from attendance.models import Attendance

    first = month.replace(day=1)
    with_attendance = set(Attendance.objects.filter(office=office, day__lt=first).dates("day", "month"))
    closed, in_force = set(), set()
    for closed_month, reopened_at in (MonthClosing.objects.filter(office=office, month__lt=first)
                                      .values_list("month", "reopened_at")):
        closed.add(closed_month)
        if reopened_at is None:
            in_force.add(closed_month)
    return sorted((with_attendance | closed) - in_force)


def billing_close_checks(*, office: Office, month: date, claims=None) -> list:
    """The points to check before closing ``month`` (``billing.services.checks.close_checks``), from the
    month's claims (computed here unless given) and its earlier open months."""
    from billing.services.checks import close_checks
    from billing.services.claims import billing_month_compute

    claims = claims or billing_month_compute(office=office, month=month)
    return close_checks(claims=claims, earlier_open=billing_earlier_open_months(office=office, month=month))


def billing_month_is_closed(*, office: Office, month: date) -> bool:
    return bool(billing_closed_months(office=office, months=[month.replace(day=1)]))


def billing_month_versions(*, office: Office, month: date) -> list[MonthClosing]:
    """Every closing of the month, oldest first (with who closed and reopened) — one query."""
    return list(
        MonthClosing.objects.filter(office=office, month=month.replace(day=1))
        .select_related("closed_by", "reopened_by").order_by("version")
    )


def billing_month_closing(*, office: Office, month: date, version: int | None = None) -> MonthClosing | None:
    """The closing in force (``version`` None) or the given version of the month."""
    qs = MonthClosing.objects.filter(office=office, month=month.replace(day=1)).select_related("closed_by")
    if version is None:
        return qs.filter(reopened_at__isnull=True).first()
    return qs.filter(version=version).first()


def billing_claim_lines(*, closing: MonthClosing) -> list[ClaimLine]:
    """The stored lines of a closing, transition first, by client kana — one query."""
    return list(
        ClaimLine.objects.filter(closing=closing).select_related("client")
        .order_by("-service", "client__family_name_kana", "client__given_name_kana", "pk")
    )


@dataclass
class StatementLine:
    service: str
    client_id: int
    client_name: str
    certificate_number: str
    billable_days: int
    basic_units: int
    addon_units: int
    treatment_units: int
    total_units: int
    total_yen: int
    copayment: int
    claimed: int
    explanation: dict

    @property
    def holds(self) -> list[str]:
        """``BillingError`` codes holding the line (not claimable; closing refuses): a pre-close check reads
        them.  ``copay_cap_to_confirm``: the month's certificates carry different caps, not yet confirmed."""
        return list(self.explanation.get("hold") or [])

    @property
    def cap_decision(self) -> dict:
        """The month's cap when the certificates differ (``billing.services.claims.copay_settle``)."""
        return self.explanation.get("cap_decision") or {}


@dataclass
class MonthStatement:
    office: Office
    month: date
    closing: MonthClosing | None  # the version shown; None: computed live (the month is open)
    lines: list[StatementLine]
    summary: dict
    versions: list[MonthClosing] = field(default_factory=list)
    error: str = ""
    claims: object = None  # the live computation (billing.services.claims.MonthClaims) of an open month

    @property
    def is_snapshot(self) -> bool:
        return self.closing is not None

    @property
    def total_units(self) -> int:
        return sum(line.total_units for line in self.lines)

    @property
    def total_yen(self) -> int:
        return sum(line.total_yen for line in self.lines)

    @property
    def copayment_yen(self) -> int:
        return sum(line.copayment for line in self.lines)

    @property
    def claimed_yen(self) -> int:
        return sum(line.claimed for line in self.lines)

    @property
    def held_lines(self) -> list[StatementLine]:
        return [line for line in self.lines if line.holds]


def _line_from_snapshot(line: ClaimLine) -> StatementLine:
    return StatementLine(
        service=line.service, client_id=line.client_id, client_name=line.client_name,
        certificate_number=line.certificate_number, billable_days=line.billable_days, basic_units=line.basic_units,
        addon_units=line.addon_units, treatment_units=line.treatment_units, total_units=line.total_units,
        total_yen=line.total_yen, copayment=line.copayment, claimed=line.claimed, explanation=line.explanation,
    )


def billing_month_statement(*, office: Office, month: date, version: int | None = None) -> MonthStatement:
    """What the month screen, the command and the PDFs show: a stored version (``version``, or the closing
    in force) when there is one, else the live computation.  A fixed number of queries."""
    from billing.services.claims import billing_month_compute
    from billing.services.fees import BillingConfigurationError

    first = month.replace(day=1)
    versions = billing_month_versions(office=office, month=first)
    if version is not None:
        closing = next((v for v in versions if v.version == version), None)
    else:
        closing = next((v for v in versions if v.reopened_at is None), None)
    if closing is not None:
        return MonthStatement(office=office, month=first, closing=closing, versions=versions,
                              lines=[_line_from_snapshot(line) for line in billing_claim_lines(closing=closing)],
                              summary=closing.summary)
    try:
        claims = billing_month_compute(office=office, month=first)
    except BillingConfigurationError as error:
        return MonthStatement(office=office, month=first, closing=None, versions=versions, lines=[], summary={},
                              error=str(error))
    lines = [
        StatementLine(
            service=line.service, client_id=line.client.pk, client_name=line.client_name,
            certificate_number=line.certificate_number, billable_days=line.billable_days,
            basic_units=line.basic_units, addon_units=line.addon_units, treatment_units=line.treatment_units,
            total_units=line.total_units, total_yen=line.total_yen, copayment=line.copayment, claimed=line.claimed,
            explanation=line.explanation(),
        )
        for line in claims.lines
    ]
    return MonthStatement(office=office, month=first, closing=None, versions=versions, lines=lines,
                          summary=claims.summary(), claims=claims)


def billing_documents(*, office: Office, month: date | None = None, year: int | None = None,
                      limit: int = 10) -> list:
    """The office's latest generated documents of a month (or of a year's follow-up report), without their
    file contents — one query."""
    from billing.models import DocumentKind, GeneratedDocument

    qs = GeneratedDocument.objects.filter(office=office).defer("content").select_related("requested_by")
    if month is not None:
        qs = qs.filter(month=month.replace(day=1))
    if year is not None:
        qs = qs.filter(kind=DocumentKind.FOLLOWUP, year=year)
    return list(qs.order_by("-requested_at", "-pk")[:limit])

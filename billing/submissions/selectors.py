"""Reads of the sending and results (``billing.submissions``): the month's sendings with their lines and
results, the re-claims a month's file carries, what is outstanding, and what was received."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from billing.models import ClaimLine, MonthClosing
from billing.submissions.models import UNPAID, ClaimResult, ClaimSubmission, LateClaim
from billing.submissions.rules import (
    ClaimKey,
    LineOutcome,
    Outstanding,
    claim_lines_received,
    claims_outstanding,
)
from compostela.models import Office


def _outcome(result: ClaimResult, reclaim_month: date | None = None) -> LineOutcome:
    line = result.line
    return LineOutcome(
        result_id=result.pk, line_id=line.pk, client_id=line.client_id, client_name=line.client_name,
        service=line.service, month=line.closing.month, claimed=line.claimed, status=result.status,
        notice_on=result.notice_on, sent_on=result.submission.sent_on, submission_id=result.submission_id,
        sending_month=result.submission.closing.month, withdrawn_on=result.withdrawn_on,
        reclaim_month=reclaim_month,
    )


def _results(office: Office, **filters) -> list[ClaimResult]:
    return list(ClaimResult.objects.filter(submission__closing__office=office, **filters)
                .select_related("line__closing", "submission__closing"))


def billing_month_outcomes(*, office: Office, month: date) -> list[LineOutcome]:
    """Every recorded result of the lines of ``month`` (any version) — two queries."""
    results = _results(office, line__closing__month=month.replace(day=1))
    reclaims = dict(LateClaim.objects.filter(result__in=results).values_list("result_id", "month"))
    return [_outcome(r, reclaims.get(r.pk)) for r in results]


def billing_month_received(*, office: Office, month: date) -> dict[ClaimKey, LineOutcome]:
    """The claims of ``month`` paid by the municipality (``claim_lines_received``): for the proxy-receipt
    notice (代理受領通知書), each client and service with the line accepted and the amount received."""
    return claim_lines_received(billing_month_outcomes(office=office, month=month))


def billing_outstanding(*, office: Office, today: date) -> list[Outstanding]:
    """The office's claims returned or withdrawn and not paid since (``claims_outstanding``) — three queries,
    whatever the number of rows."""
    unpaid = ClaimResult.objects.filter(submission__closing__office=office, status__in=UNPAID)
    keys = set(unpaid.values_list("line__client_id", "line__service", "line__closing__month"))
    if not keys:
        return []
    clients = {client for client, _service, _month in keys}
    results = [r for r in _results(office, line__client_id__in=clients)
               if (r.line.client_id, r.line.service, r.line.closing.month) in keys]
    reclaims = dict(LateClaim.objects.filter(result__in=results).values_list("result_id", "month"))
    return claims_outstanding([_outcome(r, reclaims.get(r.pk)) for r in results], today=today)


def in_force_lines(*, office: Office, months: set[date]) -> dict[date, tuple[MonthClosing | None, dict]]:
    """For each month, its closing in force (None: open) and that closing's lines by (client id, service)."""
    closings = {c.month: c for c in MonthClosing.objects.filter(office=office, month__in=months,
                                                               reopened_at__isnull=True).select_related("office")}
    lines: dict[date, dict] = {m: {} for m in months}
    for line in ClaimLine.objects.filter(closing__in=closings.values()).select_related("closing"):
        lines[line.closing.month][(line.client_id, line.service)] = line
    return {m: (closings.get(m), lines[m]) for m in months}


@dataclass
class LateLine:
    """A re-claim carried by a month's file, with the line of its month's version in force (None: the month is
    open, or its version in force has no line of that client and service)."""

    late: LateClaim
    line: ClaimLine | None
    month_open: bool


def billing_late_lines(*, office: Office, month: date, closing: MonthClosing | None = None) -> list[LateLine]:
    """The lines claimed again with ``month`` (月遅れ請求): the re-claims recorded for it that no sending carried
    yet, or that the sending of ``closing`` carried; each resolved to its month's latest version — three
    queries, whatever the number of lines."""
    carried = Q(submission__isnull=True)
    if closing is not None:
        carried |= Q(submission__closing=closing)
    lates = list(LateClaim.objects.filter(carried, line__closing__office=office, month=month.replace(day=1))
                 .select_related("line"))
    if not lates:
        return []
    in_force = in_force_lines(office=office, months={late.original_month for late in lates})
    out = []
    for late in lates:
        closing_in_force, lines = in_force[late.original_month]
        line = lines.get((late.line.client_id, late.line.service)) if closing_in_force else None
        out.append(LateLine(late=late, line=line, month_open=closing_in_force is None))
    return sorted(out, key=lambda ll: (ll.late.original_month, ll.late.line.client_name, ll.late.line.service))


@dataclass
class SentLine:
    """One line of a sending (its month's line, or a line claimed again with it) with its result."""

    line: ClaimLine
    late: LateClaim | None  # the re-claim that put it in this sending
    result: ClaimResult | None
    reclaim: LateClaim | None = None  # the re-claim of its return or withdrawal


@dataclass
class SentFile:
    submission: ClaimSubmission
    lines: list[SentLine] = field(default_factory=list)


def billing_month_sendings(*, office: Office, month: date) -> list[SentFile]:
    """The sendings of ``month``'s files (every version), each with its lines — its closing's and the lines
    claimed again with it — and their results — five queries, whatever the number of lines."""
    submissions = list(ClaimSubmission.objects.filter(closing__office=office, closing__month=month.replace(day=1))
                       .select_related("closing", "sent_by").order_by("sent_on", "pk"))
    if not submissions:
        return []
    lines = list(ClaimLine.objects.filter(closing__in=[s.closing for s in submissions]).select_related("closing")
                 .order_by("client_name", "client_id", "service"))
    lates = list(LateClaim.objects.filter(submission__in=submissions).select_related("line__closing")
                 .order_by("original_month", "line__client_name", "pk"))
    results = {(r.submission_id, r.line_id): r
               for r in ClaimResult.objects.filter(submission__in=submissions).select_related("recorded_by")}
    reclaims = {late.result_id: late for late in LateClaim.objects.filter(result_id__in=[r.pk for r in
                                                                                          results.values()])}
    out = []
    for submission in submissions:
        sent = SentFile(submission=submission)
        carried = [(ln, None) for ln in lines if ln.closing_id == submission.closing_id]
        carried += [(late.line, late) for late in lates if late.submission_id == submission.pk]
        for line, late in carried:
            result = results.get((submission.pk, line.pk))
            sent.lines.append(SentLine(line=line, late=late, result=result,
                                       reclaim=reclaims.get(result.pk) if result else None))
        out.append(sent)
    return out

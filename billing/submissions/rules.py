"""The rules of what became of a claimed line, as pure functions of plain values (no query): which lines are
paid (received from the municipality), and which are outstanding — returned (返戻) or withdrawn (過誤申立) and
not yet paid by a re-claim — since when and for how much.

A client's claim of one service for one month is one *claim* (``ClaimKey``), whatever closing version its line
belongs to: a correction closes a new version with new line rows, and a re-claim sends the line of the latest
version in a later month's file.  Its state is its latest result, in the order of the sendings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from billing.submissions.models import UNPAID, ResultStatus

ClaimKey = tuple[int, str, date]  # (client id, service, month of service)


@dataclass(frozen=True)
class LineOutcome:
    """One recorded result of one line, in plain values."""

    result_id: int
    line_id: int
    client_id: int
    client_name: str
    service: str
    month: date  # the month of service of the line
    claimed: int  # yen claimed from the municipality on the line
    status: str  # a ``ResultStatus`` value
    notice_on: date  # the 国保連's notice of the result
    sent_on: date  # the sending the result belongs to
    submission_id: int = 0
    sending_month: date | None = None  # the month of the file that carried the line (later: a re-claim)
    withdrawn_on: date | None = None
    reclaim_month: date | None = None  # the later month whose file claims it again (月遅れ請求), if recorded

    @property
    def key(self) -> ClaimKey:
        return (self.client_id, self.service, self.month)


@dataclass(frozen=True)
class Outstanding:
    """A claim returned or withdrawn and not paid since."""

    latest: LineOutcome  # its latest result (returned or withdrawn)
    since: date  # the first return or withdrawal not followed by a payment
    months: int  # whole calendar months from ``since`` to today

    @property
    def claimed(self) -> int:
        return self.latest.claimed


def _in_order(outcomes: Iterable[LineOutcome]) -> dict[ClaimKey, list[LineOutcome]]:
    by_key: dict[ClaimKey, list[LineOutcome]] = defaultdict(list)
    for outcome in sorted(outcomes, key=lambda o: (o.sent_on, o.notice_on, o.result_id)):
        by_key[outcome.key].append(outcome)
    return by_key


def claim_lines_received(outcomes: Iterable[LineOutcome]) -> dict[ClaimKey, LineOutcome]:
    """The claims paid (the office received the fee from the municipality on the person's behalf): for each
    client, service and month, its latest result when it is an acceptance still standing — not returned, not
    withdrawn.  The value is the accepted line's outcome: its ``claimed`` is the amount received and its
    ``line_id`` the line (of whichever version was accepted).  A claim with no result is not in it."""
    received = {}
    for key, history in _in_order(outcomes).items():
        if history[-1].status == ResultStatus.ACCEPTED:
            received[key] = history[-1]
    return received


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start``'s month to ``end``'s (same month: 0)."""
    return max(0, (end.year - start.year) * 12 + end.month - start.month)


def claims_outstanding(outcomes: Iterable[LineOutcome], *, today: date) -> list[Outstanding]:
    """The claims whose latest result is a return or a withdrawal, each with the date of the first return or
    withdrawal since it was last paid and how many months ago that was; oldest first."""
    found = []
    for history in _in_order(outcomes).values():
        since = None
        for outcome in history:
            if outcome.status == ResultStatus.ACCEPTED:
                since = None
            elif outcome.status == ResultStatus.RETURNED:
                since = since or outcome.notice_on
            else:  # withdrawn: it had been paid, and is owed again from the withdrawal
                since = outcome.withdrawn_on or outcome.notice_on
        latest = history[-1]
        if latest.status in UNPAID and since is not None:
            found.append(Outstanding(latest=latest, since=since, months=months_between(since, today)))
    return sorted(found, key=lambda o: (o.since, o.latest.month, o.latest.client_name, o.latest.service))

"""Which lines of a month the 国保連 paid — the one place the notices of proxy receipt ask.

A line is paid when its claim's latest result is an acceptance still standing (``billing.submissions.rules.
claim_lines_received``): not returned (返戻), not withdrawn (過誤申立).  A claim re-claimed in a later month
(月遅れ請求) and accepted there is paid with the line of the version that was accepted.  A line with no result
recorded is not paid: the notices follow what the 国保連 said, never what we hope it paid."""

from __future__ import annotations

from datetime import date

from billing.models import ClaimLine, MonthClosing
from billing.submissions.selectors import billing_month_received
from compostela.models import Office


def papers_paid_lines(*, office: Office, month: date, closing: MonthClosing) -> list[ClaimLine]:
    """The stored lines of ``month`` whose fee the office received (``closing``: the closing in force, kept for
    the callers' symmetry; the accepted line may belong to an earlier version of the month)."""
    received = billing_month_received(office=office, month=month)
    line_ids = [outcome.line_id for outcome in received.values()]
    return list(ClaimLine.objects.filter(pk__in=line_ids, closing__office=office)
                .order_by("client_id", "-service", "pk"))

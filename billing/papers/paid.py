"""Which lines of a month the 国保連 paid — the one place the notices of proxy receipt ask.

Today every line of the closing in force is paid.  The returns work (返戻, 過誤) provides the real answer: the
lead wires it here at merge, and nothing else changes (``billing.papers.services.federation_payment_record``
and the page read the lines through this function only)."""

from __future__ import annotations

from datetime import date

from billing.models import ClaimLine, MonthClosing
from compostela.models import Office


def papers_paid_lines(*, office: Office, month: date, closing: MonthClosing) -> list[ClaimLine]:
    """The stored lines of ``month`` that the 国保連's payment of the month covers (``closing``: the closing in
    force) — one query.  Today: all of them."""
    return list(ClaimLine.objects.filter(closing=closing).order_by("client_id", "-service", "pk"))

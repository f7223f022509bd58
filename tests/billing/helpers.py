"""Helpers of the billing tests (the rows themselves come from tests/factories.py)."""

from datetime import date, timedelta


def weekdays(first: date, last: date) -> list[date]:
    """Monday to Friday from ``first`` to ``last``, both included."""
    out, day = [], first
    while day <= last:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def confirm_no_history_rate(office, by, rate=None):
    """The manager confirms the retention-support tier of an office with no history (0 ÷ 0) from the city's
    notice — by default the lowest tier (rate 0), which the earlier tests of retention support assumed."""
    from decimal import Decimal

    from billing.services.tier import retention_support_no_history_rate_set

    return retention_support_no_history_rate_set(office=office, rate=Decimal(0) if rate is None else rate,
                                                  notice="札幌市通知 2024-04", by=by)


def confirm_close(http, url: str, **data):
    """Close a month through its confirmation page: read the page, then post the digest it shows."""
    import re

    page = http.get(url).content.decode()
    digest = re.search(r'name="confirmed" value="([0-9a-f]+)"', page).group(1)
    return http.post(url, {"confirmed": digest, **data})


def retention_plan(client, start=date(2024, 4, 1), end=date(2025, 3, 31)):
    """The person's agreed 就労定着支援 support plan, monitored on time (every six months, the figures): their
    retention-support line carries no missing-plan reduction."""
    from clients.models import CertificateService
    from tests.factories import monitored_plan

    return monitored_plan(client, start, end, agreed_on=start, every=6, service=CertificateService.RETENTION_SUPPORT)

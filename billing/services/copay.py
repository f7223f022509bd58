"""The manager's confirmation of a month's co-payment cap when a person's certificates of the month carry
different caps (a certificate changed mid-month): ``shared/domain.md`` leaves the rule open, so the product
asks, records who and when (``CopayCapDecision``, with its history) and never picks silently.  Until it is
confirmed the person's lines are held (``billing.services.claims.copay_settle``)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.errors import BillingError
from billing.models import CopayCapDecision, MonthClosing
from billing.services.closing import office_lock
from clients.models import Certificate, Client
from compostela.audit import audited
from compostela.models import Office, User
from regulations import rules as regulations
from regulations.rules import month_bounds

COPAY_CAP_NOT_A_CHOICE = gettext_noop(
    "Choose one of the certificates of this month: their co-payment caps differ, and the cap that governs the "
    "month is one of theirs."
)
COPAY_CAP_MONTH_CLOSED = gettext_noop("This month is closed: reopen it to change the co-payment cap.")


def copay_cap_certificates(*, client: Client, month: date) -> list[Certificate]:
    """The client's certificates (every service) that overlap ``month``, in period order — one query."""
    first, last = month_bounds(month)
    return list(
        Certificate.objects.filter(client=client, period_start__lte=last, period_end__gte=first).order_by(
            "period_start", "pk"
        )
    )


@audited(by="by")
@transaction.atomic
def billing_copay_cap_confirm(
    *, office: Office, client: Client, month: date, certificate_id: int, by: User
) -> CopayCapDecision:
    """Record that ``certificate_id``'s cap governs ``client``'s ``month`` (a later answer replaces it; the
    history keeps every one).  Refused when the month is closed, or when the certificate is not one of the
    client's certificates of the month whose caps differ (then there is nothing to confirm)."""
    first, _last = month_bounds(month)
    if client.office_id != office.pk:
        raise ValidationError(_(COPAY_CAP_NOT_A_CHOICE), code=BillingError.COPAY_CAP_NOT_A_CHOICE)
    office_lock(office)  # as closing: no change while it closes
    if MonthClosing.objects.filter(office=office, month=first, reopened_at__isnull=True).exists():
        raise ValidationError(_(COPAY_CAP_MONTH_CLOSED), code=BillingError.COPAY_CAP_MONTH_CLOSED)
    certificates = copay_cap_certificates(client=client, month=first)
    chosen = next((c for c in certificates if c.pk == certificate_id), None)
    if chosen is None or not regulations.copay_cap_to_confirm(c.copay_cap for c in certificates):
        raise ValidationError(_(COPAY_CAP_NOT_A_CHOICE), code=BillingError.COPAY_CAP_NOT_A_CHOICE)
    decision = CopayCapDecision.objects.select_for_update().filter(client=client, month=first).first()
    if decision is None:
        decision = CopayCapDecision(office=office, client=client, month=first)
    decision.certificate = chosen
    decision.copay_cap = chosen.copay_cap
    decision.decided_by = by
    decision.decided_at = timezone.now()
    decision.full_clean()
    decision.save()
    return decision

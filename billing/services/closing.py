"""Month closing: the claim lines are stored as computed (a snapshot linked to a ``MonthClosing``
version); reopening needs a reason and is recorded; closing again stores a new version."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from attendance.services import attendance_lock_month, attendance_month_close, attendance_month_reopen
from billing.errors import BillingError
from billing.models import ClaimLine, MonthClosing
from billing.services.claims import billing_month_compute
from compostela.audit import audited
from compostela.models import Office, User
from compostela.reasons import is_real_reason
from regulations.rules import month_bounds

ALREADY_CLOSED = gettext_noop("This month is already closed. Reopen it first to close it again.")
NOT_CLOSED = gettext_noop("This month is not closed.")
REOPEN_NEEDS_REASON = gettext_noop(
    "Give the reason for reopening the month in a few words (not a single character or a number)."
)
MONTH_NOT_OVER = gettext_noop("A month can be closed only after its last day.")
COPAY_CAP_TO_CONFIRM = gettext_noop(
    "The month cannot be closed yet: confirm which certificate's co-payment cap governs the month for "
    "%(clients)s (their certificates of the month carry different caps)."
)


def _lock_office(office: Office) -> None:
    """Serialise closing and reopening of one office's months."""
    Office.objects.select_for_update().only("pk").get(pk=office.pk)


@audited(by="by")
@transaction.atomic
def billing_month_close(*, office: Office, month: date, by: User) -> MonthClosing:
    first, last = month_bounds(month)
    if last >= timezone.localdate():
        raise ValidationError(_(MONTH_NOT_OVER), code=BillingError.MONTH_NOT_OVER)
    # Wait for attendance saves of the month in progress (they hold this lock), and make later ones wait
    # until the closing is committed, so they see it and are refused: no saved day is missing from the claim.
    # Taken before the office row: a save's deferred foreign-key check on the office runs at its commit.
    attendance_lock_month(office=office, day=first)
    _lock_office(office)
    if MonthClosing.objects.filter(office=office, month=first, reopened_at__isnull=True).exists():
        raise ValidationError(_(ALREADY_CLOSED), code=BillingError.ALREADY_CLOSED)
    claims = billing_month_compute(office=office, month=first)
    held = [line.client_name for line in claims.held_lines if BillingError.COPAY_CAP_TO_CONFIRM in line.holds]
    if held:
        raise ValidationError(_(COPAY_CAP_TO_CONFIRM) % {"clients": ", ".join(dict.fromkeys(held))},
                              code=BillingError.COPAY_CAP_TO_CONFIRM)
    previous = MonthClosing.objects.filter(office=office, month=first).aggregate(v=Max("version"))["v"] or 0
    closing = MonthClosing(
        office=office, month=first, version=previous + 1, closed_at=timezone.now(), closed_by=by,
        total_units=claims.total_units, total_yen=claims.total_yen, copayment_yen=claims.copayment_yen,
        claimed_yen=claims.claimed_yen, summary=claims.summary(),
    )
    closing.full_clean()
    closing.save()
    ClaimLine.objects.bulk_create([
        ClaimLine(
            closing=closing, service=line.service, client=line.client, client_name=line.client_name,
            certificate_number=line.certificate_number, billable_days=line.billable_days,
            basic_units=line.basic_units, addon_units=line.addon_units, total_units=line.total_units,
            yen_per_unit=line.yen_per_unit, total_yen=line.total_yen, copayment=line.copayment,
            claimed=line.claimed, explanation=line.explanation(),
        )
        for line in claims.lines
    ])
    attendance_month_close(office=office, month=first, by=by)
    return closing


@audited(by="by")
@transaction.atomic
def billing_month_reopen(*, office: Office, month: date, by: User, reason: str) -> MonthClosing:
    if not is_real_reason(reason):
        raise ValidationError(_(REOPEN_NEEDS_REASON), code=BillingError.REOPEN_NEEDS_REASON)
    _lock_office(office)
    closing = (
        MonthClosing.objects.select_for_update()
        .filter(office=office, month=month.replace(day=1), reopened_at__isnull=True).first()
    )
    if closing is None:
        raise ValidationError(_(NOT_CLOSED), code=BillingError.NOT_CLOSED)
    closing.reopened_at = timezone.now()
    closing.reopened_by = by
    closing.reopen_reason = reason.strip()
    closing.full_clean()
    closing.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    attendance_month_reopen(office=office, month=closing.month, by=by)
    return closing

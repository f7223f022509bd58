"""Month closing: the claim lines are stored as computed (a snapshot linked to a ``MonthClosing``
version); reopening needs a reason and is recorded; closing again stores a new version.

Before closing, the points to check (``billing.services.checks.close_checks``) are shown and confirmed: a
confirmation given on another list is refused (the list changed since it was shown), a month with a held
line is refused, and a month with earlier months still open (``billing_earlier_open_months``) is closed only
with a reason, which is recorded in the audit context of the closing's writes and in its summary."""

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
from billing.selectors import billing_earlier_open_months
from billing.services.checks import checks_digest, close_checks
from billing.services.claims import CAP_MANAGEMENT_HOLDS, billing_month_compute
from compostela.audit import audit_context, audited
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
EARLIER_MONTH_OPEN = gettext_noop(
    "Earlier months are still open (%(months)s). Close them first, or give the reason for closing this month "
    "out of order in a few words."
)
STALE_CONFIRMATION = gettext_noop(
    "The points to check changed since the page was shown. Read the new list and confirm again."
)
LINES_HELD = gettext_noop(
    "The lines of %(clients)s are held: the office's settings claim a staff-pay add-on or a reduction that the "
    "revision in force has no rate for. Load the revision's rates or change the settings on the fee page."
)
ADDON_RATE_MISSING = gettext_noop(
    "The month cannot be closed yet: the lines of %(clients)s are held because an add-on they count has no units "
    "loaded for the month. Load the fee revision that sets them (要確認)."
)
CAP_MANAGEMENT_HELD = gettext_noop(
    "The month cannot be closed yet: the co-payment cap management across providers (上限額管理) of %(clients)s is "
    "not entered or does not add up. Enter it from the month page (要確認)."
)
RETENTION_SUPPORT_HELD = gettext_noop(
    "Retention-support lines are held until the rate of an office with no retention-support history is set "
    "from the city's notice: the month cannot be closed yet."
)


def month_is_over(month: date, *, today: date) -> bool:
    """A month can be closed once its last day is past (the month page offers closing by the same rule)."""
    return month_bounds(month)[1] < today


def office_lock(office: Office) -> None:
    """Serialise the writes that change an office's months: closing, reopening, its fee settings."""
    Office.objects.select_for_update().only("pk").get(pk=office.pk)


@audited(by="by")
@transaction.atomic
def billing_month_close(*, office: Office, month: date, by: User, reason: str = "",
                        confirmed: str | None = None) -> MonthClosing:
    """Close ``month``: refused while a line is held, when earlier months are open and ``reason`` is no real
    reason, and when ``confirmed`` (the digest of the list the manager confirmed; None: not asked) differs
    from the list now."""
    first, _last = month_bounds(month)
    if not month_is_over(first, today=timezone.localdate()):
        raise ValidationError(_(MONTH_NOT_OVER), code=BillingError.MONTH_NOT_OVER)
    # Wait for attendance saves of the month in progress (they hold this lock), and make later ones wait
    # until the closing is committed, so they see it and are refused: no saved day is missing from the claim.
    # Taken before the office row: a save's deferred foreign-key check on the office runs at its commit.
    attendance_lock_month(office=office, day=first)
    office_lock(office)
    if MonthClosing.objects.filter(office=office, month=first, reopened_at__isnull=True).exists():
        raise ValidationError(_(ALREADY_CLOSED), code=BillingError.ALREADY_CLOSED)
    claims = billing_month_compute(office=office, month=first)
    earlier_open = billing_earlier_open_months(office=office, month=first)
    checks = close_checks(claims=claims, earlier_open=earlier_open)
    if confirmed is not None and confirmed != checks_digest(checks):
        raise ValidationError(_(STALE_CONFIRMATION), code=BillingError.STALE_CONFIRMATION)
    cap_held = [line.client_name for line in claims.held_lines if BillingError.COPAY_CAP_TO_CONFIRM in line.holds]
    if cap_held:
        raise ValidationError(_(COPAY_CAP_TO_CONFIRM) % {"clients": ", ".join(dict.fromkeys(cap_held))},
                              code=BillingError.COPAY_CAP_TO_CONFIRM)
    cap_managed = [line for line in claims.held_lines if CAP_MANAGEMENT_HOLDS & set(line.holds)]
    if cap_managed:
        raise ValidationError(
            _(CAP_MANAGEMENT_HELD) % {"clients": ", ".join(dict.fromkeys(line.client_name for line in cap_managed))},
            code=next(code for code in cap_managed[0].holds if code in CAP_MANAGEMENT_HOLDS))
    rate_missing = [line.client_name for line in claims.held_lines if BillingError.ADDON_RATE_MISSING in line.holds]
    if rate_missing:
        raise ValidationError(_(ADDON_RATE_MISSING) % {"clients": ", ".join(dict.fromkeys(rate_missing))},
                              code=BillingError.ADDON_RATE_MISSING)
    if any(BillingError.RETENTION_SUPPORT_HELD in line.holds for line in claims.held_lines):
        raise ValidationError(_(RETENTION_SUPPORT_HELD), code=BillingError.RETENTION_SUPPORT_HELD)
    if claims.held_lines:  # any other hold: a rate the revision in force lacks (the fee page says which)
        held = claims.held_lines
        raise ValidationError(_(LINES_HELD) % {"clients": ", ".join(dict.fromkeys(line.client_name for line in held))},
                              code=held[0].holds[0])
    if earlier_open and not is_real_reason(reason):
        raise ValidationError(_(EARLIER_MONTH_OPEN) % {"months": ", ".join(f"{m:%Y-%m}" for m in earlier_open)},
                              code=BillingError.EARLIER_MONTH_OPEN)
    summary = claims.summary()
    summary["checks"] = [{"code": c.code.value, "message": c.message} for c in checks]
    if earlier_open:
        summary["out_of_order"] = {"earlier_open": [m.isoformat() for m in earlier_open], "reason": reason.strip()}
    if not earlier_open:
        return _store_closing(office=office, first=first, claims=claims, summary=summary, by=by)
    # the reason goes with every write of the closing into the audit trail, as a reopening's does
    with audit_context(user=by, reason=f"closed out of order: {reason.strip()}"):
        return _store_closing(office=office, first=first, claims=claims, summary=summary, by=by)


def _store_closing(*, office: Office, first: date, claims, summary: dict, by: User) -> MonthClosing:
    previous = MonthClosing.objects.filter(office=office, month=first).aggregate(v=Max("version"))["v"] or 0
    closing = MonthClosing(
        office=office, month=first, version=previous + 1, closed_at=timezone.now(), closed_by=by,
        total_units=claims.total_units, total_yen=claims.total_yen, copayment_yen=claims.copayment_yen,
        claimed_yen=claims.claimed_yen, summary=summary,
    )
    closing.full_clean()
    closing.save()
    ClaimLine.objects.bulk_create([
        ClaimLine(
            closing=closing, service=line.service, client=line.client, client_name=line.client_name,
            certificate_number=line.certificate_number, billable_days=line.billable_days,
            basic_units=line.basic_units, addon_units=line.addon_units,
            treatment_units=line.treatment_units, total_units=line.total_units, yen_per_unit=line.yen_per_unit,
            total_yen=line.total_yen, copayment=line.copayment,
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
    office_lock(office)
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

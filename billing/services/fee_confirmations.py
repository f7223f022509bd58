"""A manager confirms an unverified fee value against the ministry's notice, for their office (recorded).

A value loaded from a revision file but marked to verify computes, and every document using it says 要確認.
A manager who checked it against the notice records so (``FeeValueConfirmation``: the fee row as
``billing.services.fees.row_ref`` names it, the value as confirmed, the notice and page, who and when); from
then on the office's months count that value as verified (``billing.services.fee_status.month_fee_status``)
— as long as the row still holds the confirmed value: a later load that changes it makes it 要確認 again.
A known revision that is not loaded can never be confirmed: it needs its file.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.errors import BillingError
from billing.models import FeeValueConfirmation
from billing.services.fees import row_ref
from compostela.audit import audited
from compostela.models import Office, Role, User
from compostela.scoping import require_role

MSG_MANAGERS_ONLY = gettext_noop("Only a manager of the office confirms a fee value.")
MSG_NOT_TO_VERIFY = gettext_noop(
    "This is not a fee value to verify (it is verified already, or it is no fee row): nothing to confirm."
)
MSG_EXAMPLE = gettext_noop(
    "This value is EXAMPLE data of a demonstration office, not the ministry's: it cannot be confirmed against a "
    "notice."
)
MSG_VALUE_CHANGED = gettext_noop(
    "The value has changed since the page was shown (it is now %(current)s, not %(value)s): read it again "
    "and confirm the value in force."
)

# the fee tables whose values a manager may confirm, and the field (or fields) that hold the value
VALUE_FIELDS = {
    "billing.basicfee": ("units",),
    "billing.addonrate": ("units",),
    "billing.areaunitprice": ("yen_per_unit",),
    "billing.treatmentimprovementrate": ("rate",),
    "billing.officereductionrate": ("percent", "units_per_day"),  # one of the two (a database rule)
    "billing.servicecode": ("code",),
}


def fee_row_value(row: models.Model) -> str:
    """The value of a fee row as a fee value of a line shows it (``billing.services.fee_status``: ``str`` of the
    field) — what a confirmation records and is compared with."""
    for name in VALUE_FIELDS[row._meta.label_lower]:
        value = getattr(row, name)
        if value is not None:
            return str(value)
    return ""


def fee_row_example(row: models.Model) -> bool:
    """Is the row EXAMPLE data (its revision flagged ``example``)? Made-up figures are never the notice's."""
    schedule = getattr(row, "schedule", None)
    revision = schedule.revision if schedule is not None else getattr(row, "revision", None)
    return bool(revision is not None and revision.example)


def fee_row_to_verify(row: models.Model) -> bool:
    """Is the row marked to verify (a basic fee also when its whole schedule is)?"""
    schedule = getattr(row, "schedule", None)
    return bool(row.to_verify or (schedule is not None and schedule.to_verify))


def _fee_row(ref: str, *, lock: bool = False) -> models.Model | None:
    """The fee row ``ref`` (``billing.basicfee:12``) names, or None: another table, a malformed or a gone row."""
    label, _sep, pk = (ref or "").partition(":")
    if label not in VALUE_FIELDS or not pk.isascii() or not pk.isdigit() or len(pk) > 12:
        return None
    model = apps.get_model(label)
    queryset = model.objects.select_related("schedule") if label == "billing.basicfee" else model.objects.all()
    if lock:
        queryset = queryset.select_for_update()
    return queryset.filter(pk=int(pk)).first()


def fee_value_confirmations(*, office: Office) -> dict[str, FeeValueConfirmation]:
    """The office's confirmations by fee row (one query)."""
    return {c.row: c for c in FeeValueConfirmation.objects.filter(office=office).select_related("confirmed_by")}


def confirmation_facts(confirmation: FeeValueConfirmation) -> dict:
    """What a fee value of a line says of the confirmation that makes it count as verified (JSON)."""
    return {
        "by": str(confirmation.confirmed_by),
        "at": timezone.localtime(confirmation.confirmed_at).isoformat(timespec="minutes"),
        "notice": confirmation.notice,
    }


@audited(by="by")
@transaction.atomic
def fee_value_confirm(*, office: Office, row: str, value: str, notice: str, by: User) -> FeeValueConfirmation:
    """Record that ``by`` checked the unverified fee row ``row`` against ``notice`` and found ``value`` (the
    value the page showed).  Refused when the row is not a fee value to verify, or when it no longer holds
    ``value`` (a load changed it since).  A later confirmation of the same row replaces the earlier one (the
    history keeps both)."""
    require_role(by, office, Role.MANAGER, _(MSG_MANAGERS_ONLY))
    fee_row = _fee_row(row, lock=True)  # locked: a load cannot change the value until this is recorded
    if fee_row is None or not fee_row_to_verify(fee_row):
        raise ValidationError(_(MSG_NOT_TO_VERIFY), code=BillingError.FEE_VALUE_NOT_TO_VERIFY)
    if fee_row_example(fee_row):
        raise ValidationError(_(MSG_EXAMPLE), code=BillingError.FEE_VALUE_EXAMPLE)
    current = fee_row_value(fee_row)
    if current != (value or "").strip():
        raise ValidationError(_(MSG_VALUE_CHANGED), code=BillingError.FEE_VALUE_CHANGED,
                              params={"current": current, "value": (value or "").strip()[:40]})
    ref = row_ref(fee_row)
    confirmation = FeeValueConfirmation.objects.select_for_update().filter(office=office, row=ref).first()
    confirmation = confirmation or FeeValueConfirmation(office=office, row=ref)
    confirmation.value = current
    confirmation.notice = (notice or "").strip()
    confirmation.confirmed_by = by
    confirmation.confirmed_at = timezone.now()
    confirmation.full_clean()
    confirmation.save()
    return confirmation

"""The office's dated fee settings, entered by a manager on the fee page: a settings row from a date
(``OfficeFeeSettings``: area grade, a hand price with its reason, the add-ons, the office reductions, retention
support, the follow-up cost) and the staff-pay add-on category of a service from a month
(``OfficeTreatmentImprovement``).

A setting changes the claims from its date on, so one dated in or before a month that is closed for the office
is refused (``BillingError.SETTINGS_MONTH_CLOSED``): reopen the month first, as for any change of a closed
month.  A row of the same date (month) is changed in place; the audit trail keeps every version.  The office
row is locked first, as closing does, so a setting and a closing of the office never cross.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.errors import BillingError
from billing.models import MonthClosing, OfficeFeeSettings, OfficeTreatmentImprovement
from billing.services.closing import office_lock
from compostela.audit import audited
from compostela.models import Office, Role, User
from compostela.scoping import require_role

MSG_MANAGERS_ONLY = gettext_noop("Only a manager of the office changes its fee settings.")
MSG_MONTH_CLOSED = gettext_noop(
    "%(month)s is closed for the office: a setting can start only after it (from %(next)s). Reopen the month "
    "first to change its fees."
)

# the fields of a settings row a manager sets (the office and the date are the row's key)
SETTINGS_FIELDS = (
    "area_grade", "yen_per_unit", "yen_per_unit_reason", "qualified_staff", "trained_staff", "transition_prep",
    "transport", "meals", "restraint_not_done", "abuse_prevention_missing", "continuity_plan_missing",
    "info_not_reported", "runs_retention_support", "followup_cost_method", "cost_per_followup", "hourly_staff_cost",
)


def last_closed_month(*, office: Office) -> date | None:
    """The latest month closed for the office (a closing in force, not reopened) — one query."""
    return (MonthClosing.objects.filter(office=office, reopened_at__isnull=True)
            .order_by("-month").values_list("month", flat=True).first())


def refuse_closed_month(*, office: Office, day: date, field: str) -> None:
    """Refuse, on ``field``, a setting from ``day`` when ``day`` is in or before a month closed for the office."""
    closed = last_closed_month(office=office)
    if closed is not None and day < closed + relativedelta(months=1):
        raise ValidationError({field: ValidationError(
            _(MSG_MONTH_CLOSED), code=BillingError.SETTINGS_MONTH_CLOSED,
            params={"month": f"{closed:%Y-%m}", "next": f"{closed + relativedelta(months=1):%Y-%m-%d}"},
        )})


@audited(by="by")
@transaction.atomic
def office_fee_settings_set(*, office: Office, valid_from: date, values: Mapping[str, object],
                            by: User) -> OfficeFeeSettings:
    """The office's settings from ``valid_from`` (``values``: the fields of ``SETTINGS_FIELDS``; one left out
    keeps its default).  Refused in or before a closed month; a hand price needs its reason."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"not settings fields: {sorted(unknown)}")
    require_role(by, office, Role.MANAGER, _(MSG_MANAGERS_ONLY))
    office_lock(office)
    refuse_closed_month(office=office, day=valid_from, field="valid_from")
    row = OfficeFeeSettings.objects.select_for_update().filter(office=office, valid_from=valid_from).first()
    row = row or OfficeFeeSettings(office=office, valid_from=valid_from)
    for name, value in values.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    row.full_clean()
    row.save()
    return row


@audited(by="by")
@transaction.atomic
def office_treatment_set(*, office: Office, service: str, scheme: str, category: str, month: date, note: str,
                         by: User) -> OfficeTreatmentImprovement:
    """The office's staff-pay add-on ``scheme`` category for ``service`` from ``month`` (empty ``category``: not
    claimed from then).  Refused in or before a closed month."""
    require_role(by, office, Role.MANAGER, _(MSG_MANAGERS_ONLY))
    first = month.replace(day=1)
    office_lock(office)
    refuse_closed_month(office=office, day=first, field="month")
    row = (OfficeTreatmentImprovement.objects.select_for_update()
           .filter(office=office, service=service, scheme=scheme, valid_from=first).first())
    row = row or OfficeTreatmentImprovement(office=office, service=service, scheme=scheme, valid_from=first)
    row.category = category or ""
    row.note = (note or "").strip()
    row.full_clean()
    row.save()
    return row

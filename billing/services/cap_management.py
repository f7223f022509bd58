"""The co-payment cap across providers (上限額管理): what the manager enters for a person's month.

* This office manages the cap (the certificate says so): the other providers of the month with their total
  cost and co-payment before the cap (``billing_cap_management_record``).  The result (1/2/3) and each office's
  collectable amount follow from those figures and this office's own co-payment of the month
  (``regulations.rules.cap_management``, applied by the month's computation,
  ``billing.services.claims.cap_management_settle``).  When the co-payments exceed the cap (result 3), how the
  cap is divided among the offices is not in our sources: the manager enters the division (the page offers
  one, managing office first), and it must add up to the cap — checked here against the month as computed
  with the new figures, and again each time the month is computed (a division that no longer fits holds the
  person's lines).
* Another office manages it: the result that office sent and the amount it leaves to this office
  (``billing_cap_result_record``); our co-payment follows it.

A closed month cannot change (reopen it first); each entry replaces the month's earlier one, and the history
keeps every version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.errors import BillingError
from billing.models import CapManagedBy, CopayCapManagement, CopayCapProvider, MonthClosing
from billing.services.claims import ClaimLineResult, billing_month_compute
from billing.services.closing import office_lock
from billing.services.copay import copay_cap_certificates
from clients.models import Client
from compostela.audit import audited
from compostela.models import Office, User
from regulations import rules as regulations
from regulations.rules import month_bounds

CAP_NOT_MANAGED_HERE = gettext_noop(
    "The certificates of this month do not say that this office manages the client's co-payment cap: record it on "
    "the certificate first."
)
CAP_NOT_MANAGED_ELSEWHERE = gettext_noop(
    "The certificates of this month do not say that another office manages the client's co-payment cap: record it "
    "on the certificate first."
)
CAP_MONTH_CLOSED = gettext_noop("This month is closed: reopen it to change its co-payment cap management.")
CAP_PROVIDER_IS_US = gettext_noop("This is this office's own number: list only the other providers.")
CAP_PROVIDER_TWICE = gettext_noop("This office is listed already.")
CAP_SHARES_NOT_CAP = gettext_noop(
    "The co-payments exceed the cap (result 3): the shares must add up to the cap of %(cap)s yen (they add up to "
    "%(total)s yen). Suggested, managing office first: %(prefill)s."
)
CAP_SHARE_OVER_COPAY = gettext_noop(
    "A share cannot be more than that office's own co-payment under the cap (this office: %(own)s yen)."
)


@dataclass(frozen=True)
class ProviderFigures:
    """Another provider's figures of the month, as it reported them."""

    office_number: str
    office_name: str
    total_yen: int
    copay_yen: int  # its co-payment before the cap
    share_yen: int | None = None  # result 3: its share of the cap (entered by the manager)


def cap_manager_of_month(*, client: Client, month: date) -> tuple[str, str] | None:
    """Who manages ``client``'s cap in ``month`` by the month's certificates (``regulations.rules
    .month_cap_manager``): ``(management, office number)``; None when they disagree."""
    certificates = copay_cap_certificates(client=client, month=month)
    return regulations.month_cap_manager((c.cap_management, c.cap_manager_number) for c in certificates)


def client_month_lines(*, office: Office, client: Client, month: date) -> list[ClaimLineResult]:
    """``client``'s lines of ``month`` as the month computes now (the figures the management rests on)."""
    return [line for line in billing_month_compute(office=office, month=month).lines if line.client.pk == client.pk]


def _entry_for(*, office: Office, client: Client, month: date, managed_by: str, by: User) -> CopayCapManagement:
    """The month's entry to write (locked), after the checks common to both kinds."""
    not_managed = CAP_NOT_MANAGED_HERE if managed_by == CapManagedBy.THIS_OFFICE else CAP_NOT_MANAGED_ELSEWHERE
    if client.office_id != office.pk:
        raise ValidationError(_(not_managed), code=BillingError.CAP_MANAGEMENT_NOT_MANAGED)
    office_lock(office)  # as closing: no change while it closes
    if MonthClosing.objects.filter(office=office, month=month, reopened_at__isnull=True).exists():
        raise ValidationError(_(CAP_MONTH_CLOSED), code=BillingError.CAP_MANAGEMENT_MONTH_CLOSED)
    manager = cap_manager_of_month(client=client, month=month)
    if manager is None or manager[0] != managed_by:
        raise ValidationError(_(not_managed), code=BillingError.CAP_MANAGEMENT_NOT_MANAGED)
    entry = CopayCapManagement.objects.select_for_update().filter(client=client, month=month).first()
    if entry is None:
        entry = CopayCapManagement(office=office, client=client, month=month)
    entry.managed_by = managed_by
    entry.entered_by = by
    entry.entered_at = timezone.now()
    return entry


@audited(by="by")
@transaction.atomic
def billing_cap_management_record(
    *, office: Office, client: Client, month: date, providers: list[ProviderFigures], own_share: int | None = None,
    by: User,
) -> CopayCapManagement:
    """Record the other providers of ``client``'s ``month`` when this office manages the cap (an empty list:
    the person used no other provider, nothing to manage).  ``own_share`` and each provider's ``share_yen``
    are the division of a shared cap (result 3); for results 1 and 2 they are not needed and not kept.
    Refused when the month is closed, when the certificates do not say this office manages the cap, when a
    provider is this office or listed twice, and when a division is given that does not add up to the cap or
    gives an office more than its own co-payment (checked against the month computed with these figures)."""
    first, _last = month_bounds(month)
    entry = _entry_for(office=office, client=client, month=first, managed_by=CapManagedBy.THIS_OFFICE, by=by)
    errors: dict[str, list[ValidationError]] = {}
    seen: set[str] = set()
    for i, provider in enumerate(providers):  # errors keyed as the form's rows (``billing.cap_forms``)
        if provider.office_number == office.number:
            errors.setdefault(f"p{i + 1}_office_number", []).append(
                ValidationError(_(CAP_PROVIDER_IS_US), code=BillingError.CAP_PROVIDER_IS_US))
        elif provider.office_number in seen:
            errors.setdefault(f"p{i + 1}_office_number", []).append(
                ValidationError(_(CAP_PROVIDER_TWICE), code=BillingError.CAP_PROVIDER_ONCE))
        seen.add(provider.office_number)
    if errors:
        raise ValidationError(errors)
    if own_share is not None or any(p.share_yen is not None for p in providers):  # a division: every share
        own_share = own_share or 0
        providers = [ProviderFigures(p.office_number, p.office_name, p.total_yen, p.copay_yen, p.share_yen or 0)
                     for p in providers]
    entry.result = entry.amount = None
    entry.own_share = own_share
    entry.full_clean()
    entry.save()
    entry.providers.all().delete()
    rows = [CopayCapProvider(management=entry, position=i + 1, office_number=p.office_number,
                             office_name=p.office_name, total_yen=p.total_yen, copay_yen=p.copay_yen,
                             share_yen=p.share_yen)
            for i, p in enumerate(providers)]
    for row in rows:
        row.full_clean(exclude=["management"])
    CopayCapProvider.objects.bulk_create(rows)
    _division_check(entry, office=office, client=client, month=first, providers=providers, own_share=own_share)
    return entry


def _division_check(entry: CopayCapManagement, *, office: Office, client: Client, month: date,
                    providers: list[ProviderFigures], own_share: int | None) -> None:
    """With the figures saved, compute the month: result 3 with a division given must hold
    (``regulations.rules.cap_shares_problem``); results 1 and 2 drop a division given (not needed)."""
    given = own_share is not None or any(p.share_yen is not None for p in providers)
    if not providers or not given:
        return
    lines = client_month_lines(office=office, client=client, month=month)
    management = lines[0].copay_management if lines else {}
    if management.get("result") != regulations.CapResult.SHARED:
        entry.own_share = None
        entry.save(update_fields=["own_share"])
        entry.providers.update(share_yen=None)
        return
    problem = management.get("share_problem")
    if problem is None:
        return
    prefill = management.get("prefill") or []
    shares = [own_share or 0, *(p.share_yen or 0 for p in providers)]
    if problem == regulations.CapShareProblem.OVER_OWN:
        raise ValidationError({"own_share": ValidationError(
            _(CAP_SHARE_OVER_COPAY) % {"own": management.get("own_copay")}, code=BillingError.CAP_SHARE_OVER_COPAY)})
    raise ValidationError({"own_share": ValidationError(
        _(CAP_SHARES_NOT_CAP) % {"cap": management.get("cap"), "total": sum(shares),
                                 "prefill": " / ".join(str(n) for n in prefill)},
        code=BillingError.CAP_SHARES_NOT_CAP)})


@audited(by="by")
@transaction.atomic
def billing_cap_result_record(
    *, office: Office, client: Client, month: date, result: int, amount: int, by: User,
) -> CopayCapManagement:
    """Record the result another office sent for ``client``'s ``month`` (管理結果 1/2/3 and 管理結果額, the amount
    it leaves to this office): our co-payment follows it.  Refused when the month is closed, when the
    certificates do not say another office manages the cap, and for result 1 with an amount (the managing office
    alone reached the cap: nothing is left to us)."""
    first, _last = month_bounds(month)
    entry = _entry_for(office=office, client=client, month=first, managed_by=CapManagedBy.OTHER_OFFICE, by=by)
    entry.result, entry.amount, entry.own_share = result, amount, None
    entry.full_clean()
    entry.save()
    entry.providers.all().delete()
    return entry

"""The writes of the client's papers: issuing a month's invoices, recording a client's payment (its receipt is
issued with it), recording the 国保連's payment (which issues the notices of proxy receipt).

Every write takes the office lock of the month writes (``billing.services.closing.office_lock``), so an
invoice is never issued from a closing that a reopening is superseding at the same moment, and numbers are
given one at a time."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.errors import BillingError
from billing.models import (
    ClaimLine,
    ClientInvoice,
    ClientPayment,
    FederationPayment,
    MonthClosing,
    ProxyReceiptNotice,
)
from billing.papers.paid import papers_paid_lines
from billing.services.closing import office_lock
from compostela.audit import audited
from compostela.dates import refuse_future_date
from compostela.models import Office, User

MONTH_NOT_CLOSED = gettext_noop("The month is not closed: its papers are made from a closed month only.")
INVOICE_SUPERSEDED = gettext_noop(
    "This invoice was issued from a version of the month that is no longer in force: it is not to be paid. "
    "Issue the invoices of the version in force and record the payment against the new invoice."
)
PAYMENT_OVER_INVOICE = gettext_noop(
    "The payment is more than what is left to pay on the invoice (%(left)s yen of %(amount)s yen)."
)
FEDERATION_PAYMENT_ONCE = gettext_noop("The federation's payment of this month is recorded already.")
FEDERATION_NOTHING_PAID = gettext_noop(
    "No line of this month is paid: first record the 国保連's results of the sending (accepted) on the page "
    "\"Sending and results\".")
FEDERATION_AMOUNT_MISMATCH = gettext_noop(
    "The amount received (%(amount)s yen) is not the sum claimed for the lines paid (%(expected)s yen). The "
    "notices would name amounts nobody received: check the federation's statement, and record the returned "
    "lines first (要確認)."
)


def _yen(amount: int) -> str:
    return number_format(amount, force_grouping=True)


def _closing_in_force(office: Office, month: date) -> MonthClosing:
    closing = MonthClosing.objects.filter(office=office, month=month.replace(day=1), reopened_at__isnull=True).first()
    if closing is None:
        raise ValidationError(_(MONTH_NOT_CLOSED), code=BillingError.PAPERS_MONTH_NOT_CLOSED)
    return closing


def invoice_number(month: date, sequence: int) -> str:
    """``202405-003``: the month and the invoice's place among the office's invoices of the month (all
    versions), so an invoice issued anew after a new version has a number of its own."""
    return f"{month:%Y%m}-{sequence:03d}"


def receipt_number(invoice_number_: str, sequence: int) -> str:
    """``202405-003-1``: the invoice's number and the payment's place among its payments."""
    return f"{invoice_number_}-{sequence}"


@audited(by="by")
@transaction.atomic
def client_invoices_issue(*, office: Office, month: date, by: User) -> list[ClientInvoice]:
    """Issue the invoice of every client with a co-payment in the closing in force who has none of this
    closing yet; returns the invoices issued now (none when all are issued).  The amount is the sum of the
    client's stored co-payments of the closing."""
    office_lock(office)
    closing = _closing_in_force(office, month)
    done = set(ClientInvoice.objects.filter(closing=closing).values_list("client_id", flat=True))
    taken = ClientInvoice.objects.filter(office=office, closing__month=closing.month).count()
    rows = (ClaimLine.objects.filter(closing=closing).values("client_id")
            .annotate(copayment=Sum("copayment")).order_by("client_id"))
    names = dict(ClaimLine.objects.filter(closing=closing).values_list("client_id", "client_name"))
    now = timezone.now()
    invoices = []
    for row in rows:
        if row["copayment"] <= 0 or row["client_id"] in done:
            continue
        taken += 1
        invoice = ClientInvoice(office=office, closing=closing, client_id=row["client_id"],
                                client_name=names[row["client_id"]], number=invoice_number(closing.month, taken),
                                amount=row["copayment"], issued_at=now, issued_by=by)
        invoice.full_clean(exclude=["office", "closing", "client", "issued_by"], validate_constraints=False)
        invoices.append(invoice)
    return ClientInvoice.objects.bulk_create(invoices)


@audited(by="by")
@transaction.atomic
def client_payment_record(*, invoice: ClientInvoice, paid_on: date, amount: int, method: str,
                          by: User) -> ClientPayment:
    """Record a client's payment of ``invoice`` and issue its receipt.  Refused: an invoice whose closing is
    no longer in force, a payment dated after today, a payment beyond what is left to pay."""
    invoice = ClientInvoice.objects.select_for_update().select_related("closing").get(pk=invoice.pk)
    if invoice.superseded:
        raise ValidationError(_(INVOICE_SUPERSEDED), code=BillingError.INVOICE_SUPERSEDED)
    refuse_future_date(paid_on, field="paid_on")
    if amount > invoice.outstanding:
        raise ValidationError({"amount": ValidationError(
            _(PAYMENT_OVER_INVOICE) % {"left": _yen(invoice.outstanding), "amount": _yen(invoice.amount)},
            code=BillingError.PAYMENT_OVER_INVOICE)})
    sequence = invoice.payments.count() + 1
    payment = ClientPayment(invoice=invoice, sequence=sequence, receipt_number=receipt_number(invoice.number, sequence),
                            paid_on=paid_on, amount=amount, method=method, recorded_at=timezone.now(), recorded_by=by)
    payment.full_clean()
    payment.save()
    ClientInvoice.objects.filter(pk=invoice.pk).update(paid_yen=F("paid_yen") + amount)
    return payment


@audited(by="by")
@transaction.atomic
def federation_payment_record(*, office: Office, month: date, received_on: date, amount: int,
                              by: User) -> FederationPayment:
    """Record the 国保連's payment of ``month`` and issue the notice of proxy receipt of every client whose fee
    was received (a line paid with something claimed).  Refused unless the amount is the sum claimed for the
    lines paid (``papers_paid_lines``): a notice names what was received for that very person."""
    office_lock(office)
    closing = _closing_in_force(office, month)
    if FederationPayment.objects.filter(office=office, month=closing.month).exists():
        raise ValidationError({"amount": ValidationError(_(FEDERATION_PAYMENT_ONCE),
                                                         code=BillingError.FEDERATION_PAYMENT_ONCE)})
    refuse_future_date(received_on, field="received_on")
    lines = [line for line in papers_paid_lines(office=office, month=closing.month, closing=closing) if line.claimed]
    if not lines:
        raise ValidationError(_(FEDERATION_NOTHING_PAID), code=BillingError.FEDERATION_NOTHING_PAID)
    expected = sum(line.claimed for line in lines)
    if amount != expected:
        raise ValidationError({"amount": ValidationError(
            _(FEDERATION_AMOUNT_MISMATCH) % {"amount": _yen(amount), "expected": _yen(expected)},
            code=BillingError.FEDERATION_AMOUNT_MISMATCH)})
    now = timezone.now()
    payment = FederationPayment(office=office, month=closing.month, closing=closing, received_on=received_on,
                                amount=amount, recorded_at=now, recorded_by=by)
    payment.full_clean()
    payment.save()
    per_client: dict[int, list[ClaimLine]] = defaultdict(list)
    for line in lines:
        per_client[line.client_id].append(line)
    ProxyReceiptNotice.objects.bulk_create([
        ProxyReceiptNotice(
            payment=payment, client_id=client_id, client_name=own[0].client_name,
            total_yen=sum(line.total_yen for line in own), copayment=sum(line.copayment for line in own),
            received=sum(line.claimed for line in own), issued_at=now, issued_by=by,
            lines=[{"service": line.service, "certificate_number": line.certificate_number,
                    "total_yen": line.total_yen, "copayment": line.copayment, "claimed": line.claimed}
                   for line in own],
        )
        for client_id, own in per_client.items()
    ])
    return payment

"""Rules of the client's papers: invoices from the stored co-payments of the closing in force (the person
capped once across services), one per client and closing version, superseded — never changed — by a new
version; payments refused beyond the invoice or on a superseded invoice; the unpaid list; the 国保連's payment
issues the notices with the amount received for each person, and is refused when it is not the sum claimed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.errors import BillingError
from billing.models import ClaimLine, ClientInvoice, ClientPayment, MonthClosing, ProxyReceiptNotice, Service
from billing.papers.selectors import papers_month, papers_unpaid
from billing.papers.services import client_invoices_issue, client_payment_record, federation_payment_record
from billing.submissions.models import ClaimResult, ResultStatus
from compostela.errors import CompostelaError
from tests.billing.papers.conftest import APRIL, CLAIMED, line, stored_closing
from tests.helpers import codes_of

pytestmark = pytest.mark.django_db


def refusal(call) -> set:
    with pytest.raises(ValidationError) as caught:
        call()
    return codes_of(caught.value)


def test_each_client_with_a_copayment_gets_one_invoice_of_the_stored_sum(papers):
    # when
    issued = client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    # then 一郎 (two lines, one cap: 5,000 + 4,300) and 三郎; 花子 pays nothing and gets none
    assert {i.client_id: i.amount for i in issued} == {papers.ichiro.pk: 9300, papers.saburo.pk: 1200}
    assert sorted(i.number for i in issued) == ["202504-001", "202504-002"]
    assert all(i.closing_id == papers.closing.pk and i.issued_by == papers.world.manager for i in issued)
    # and asking again issues nothing more
    assert client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager) == []
    assert ClientInvoice.objects.count() == 2


def test_the_invoice_reads_the_stored_copayment_never_recomputes_it(papers):
    # given a stored co-payment that no computation would give (the cap of 9,300 is not 10 % of anything here)
    ClaimLine.objects.filter(closing=papers.closing, client=papers.saburo).update(copayment=777, claimed=11223)
    # when
    client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    # then
    assert ClientInvoice.objects.get(client=papers.saburo).amount == 777


def test_an_open_month_has_no_invoice_and_no_notice(world, clock):
    assert refusal(lambda: client_invoices_issue(office=world.office, month=APRIL, by=world.manager)) == {
        BillingError.PAPERS_MONTH_NOT_CLOSED}
    assert refusal(lambda: federation_payment_record(office=world.office, month=APRIL, received_on=date(2025, 6, 1),
                                                     amount=1000, by=world.manager)) == {
        BillingError.PAPERS_MONTH_NOT_CLOSED}


def _new_version(papers, *, saburo_copayment=1500) -> MonthClosing:
    """The month reopened (version 1 kept) and closed again with 三郎's co-payment changed."""
    MonthClosing.objects.filter(pk=papers.closing.pk).update(
        reopened_at=timezone.now(), reopened_by=papers.world.manager, reopen_reason="訂正")
    return stored_closing(papers.world.office, papers.world.manager, version=2, lines=[
        (papers.ichiro, Service.TRANSITION, 60000, 5000), (papers.ichiro, Service.RETENTION_SUPPORT, 30000, 4300),
        (papers.hanako, Service.TRANSITION, 40000, 0), (papers.saburo, Service.TRANSITION, 15000, saburo_copayment),
    ])


def test_a_new_version_supersedes_the_issued_invoice_and_leaves_it_unchanged(papers):
    # given the invoices of version 1, one partly paid
    client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    old = ClientInvoice.objects.get(client=papers.saburo)
    client_payment_record(invoice=old, paid_on=date(2025, 6, 1), amount=200, method="cash", by=papers.world.manager)
    # when the month is closed again
    version2 = _new_version(papers)
    # then the old invoice is superseded, unchanged, and each client is to invoice again
    old.refresh_from_db()
    assert (old.superseded, old.amount, old.paid_yen, old.closing_id) == (True, 1200, 200, papers.closing.pk)
    month = papers_month(office=papers.world.office, month=APRIL)
    assert month.closing == version2 and month.to_invoice == 2
    saburo = next(c for c in month.clients if c.client_id == papers.saburo.pk)
    assert saburo.invoice is None and saburo.superseded == [old]
    # and the new invoices have numbers of their own and the new version's amounts
    issued = client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    assert {i.client_id: i.amount for i in issued} == {papers.ichiro.pk: 9300, papers.saburo.pk: 1500}
    assert sorted(i.number for i in issued) == ["202504-003", "202504-004"]
    # and a payment of the superseded invoice is refused, nothing recorded
    assert refusal(lambda: client_payment_record(invoice=old, paid_on=date(2025, 6, 2), amount=100, method="cash",
                                                 by=papers.world.manager)) == {BillingError.INVOICE_SUPERSEDED}
    assert ClientPayment.objects.filter(invoice=old).count() == 1


def test_payments_add_up_to_the_invoice_and_each_has_its_receipt(papers):
    client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    invoice = ClientInvoice.objects.get(client=papers.ichiro)
    first = client_payment_record(invoice=invoice, paid_on=date(2025, 6, 1), amount=5000, method="cash",
                                  by=papers.world.manager)
    rest = client_payment_record(invoice=invoice, paid_on=date(2025, 6, 10), amount=4300, method="bank_transfer",
                                 by=papers.world.manager)
    invoice.refresh_from_db()
    assert (invoice.paid_yen, invoice.outstanding) == (9300, 0)
    assert (first.receipt_number, rest.receipt_number) == (f"{invoice.number}-1", f"{invoice.number}-2")


def test_an_overpayment_is_refused_and_nothing_is_recorded(papers):
    client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    invoice = ClientInvoice.objects.get(client=papers.saburo)
    client_payment_record(invoice=invoice, paid_on=date(2025, 6, 1), amount=1000, method="cash",
                          by=papers.world.manager)
    # when paying 201 of the 200 left
    assert refusal(lambda: client_payment_record(invoice=invoice, paid_on=date(2025, 6, 2), amount=201,
                                                 method="cash", by=papers.world.manager)) == {
        BillingError.PAYMENT_OVER_INVOICE}
    invoice.refresh_from_db()
    assert (invoice.paid_yen, invoice.payments.count()) == (1000, 1)


def test_the_database_refuses_payments_beyond_the_invoice(papers):
    client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClientInvoice.objects.filter(client=papers.saburo).update(paid_yen=1201)


def test_a_payment_dated_after_today_is_refused(papers, today):
    client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    invoice = ClientInvoice.objects.get(client=papers.saburo)
    assert refusal(lambda: client_payment_record(invoice=invoice, paid_on=today + timedelta(days=1), amount=100,
                                                 method="cash", by=papers.world.manager)) == {
        CompostelaError.FUTURE_DATE}


def test_the_unpaid_list_has_the_invoices_left_to_pay_with_age_and_total(papers, today):
    client_invoices_issue(office=papers.world.office, month=APRIL, by=papers.world.manager)
    ClientInvoice.objects.update(issued_at=timezone.now() - timedelta(days=30))
    client_payment_record(invoice=ClientInvoice.objects.get(client=papers.ichiro), paid_on=today, amount=9000,
                          method="cash", by=papers.world.manager)
    client_payment_record(invoice=ClientInvoice.objects.get(client=papers.saburo), paid_on=today, amount=1200,
                          method="cash", by=papers.world.manager)
    # when
    unpaid = papers_unpaid(office=papers.world.office, today=today)
    # then only 一郎's, 300 yen left, issued 30 days ago; another office sees none of it
    assert [(r.invoice.client_id, r.outstanding, r.age_days) for r in unpaid.rows] == [(papers.ichiro.pk, 300, 30)]
    assert unpaid.total == 300
    assert papers_unpaid(office=papers.world.other_office, today=today).rows == []


def test_the_federations_payment_issues_each_notice_with_the_amount_received_for_the_person(papers):
    # when the 国保連 pays the sum claimed
    payment = federation_payment_record(office=papers.world.office, month=APRIL, received_on=date(2025, 6, 10),
                                        amount=CLAIMED, by=papers.world.manager)
    # then each person whose fee was received has a notice: total, co-payment and received = claimed
    notices = {n.client_id: (n.total_yen, n.copayment, n.received) for n in ProxyReceiptNotice.objects.all()}
    assert notices == {papers.ichiro.pk: (90000, 9300, 80700), papers.hanako.pk: (40000, 0, 40000),
                       papers.saburo.pk: (12000, 1200, 10800)}
    assert (payment.closing, payment.amount) == (papers.closing, CLAIMED)
    ichiro = ProxyReceiptNotice.objects.get(client=papers.ichiro)
    assert [entry["service"] for entry in ichiro.lines] == ["transition", "retention_support"]


def test_a_federation_amount_that_is_not_the_sum_claimed_is_refused(papers):
    assert refusal(lambda: federation_payment_record(office=papers.world.office, month=APRIL,
                                                     received_on=date(2025, 6, 10), amount=CLAIMED - 1,
                                                     by=papers.world.manager)) == {
        BillingError.FEDERATION_AMOUNT_MISMATCH}
    assert ProxyReceiptNotice.objects.count() == 0


def test_the_federations_payment_of_a_month_is_recorded_once(papers):
    federation_payment_record(office=papers.world.office, month=APRIL, received_on=date(2025, 6, 10),
                              amount=CLAIMED, by=papers.world.manager)
    assert refusal(lambda: federation_payment_record(office=papers.world.office, month=APRIL,
                                                     received_on=date(2025, 6, 11), amount=CLAIMED,
                                                     by=papers.world.manager)) == {
        BillingError.FEDERATION_PAYMENT_ONCE}


def test_a_month_with_nothing_claimed_has_nothing_received(world, clock):
    client_ = papers_client(world)
    closing = stored_closing(world.office, world.manager, lines=[])
    line(closing, client_, total=1000, copayment=1000)
    assert refusal(lambda: federation_payment_record(office=world.office, month=APRIL, received_on=date(2025, 6, 10),
                                                     amount=1, by=world.manager)) == {
        BillingError.FEDERATION_NOTHING_PAID}


def papers_client(world):
    from tests.factories import ClientFactory

    return ClientFactory(office=world.office)


def test_a_returned_line_is_not_received_and_gets_no_notice(papers):
    """Rule: the notice of proxy receipt names only what the 国保連 paid — a line returned (返戻) is not."""
    # given 函館 三郎's line came back returned (the others accepted)
    ClaimResult.objects.filter(line__client=papers.saburo).update(status=ResultStatus.RETURNED,
                                                                  return_reason="PB07 受給者証番号")
    # when the 国保連 pays the rest (131,500 − 10,800)
    federation_payment_record(office=papers.world.office, month=APRIL, received_on=date(2025, 6, 10),
                              amount=CLAIMED - 10800, by=papers.world.manager)
    # then 三郎 has no notice, the others have theirs
    assert set(ProxyReceiptNotice.objects.values_list("client_id", flat=True)) == {papers.ichiro.pk,
                                                                                  papers.hanako.pk}


def test_a_month_without_results_recorded_has_nothing_received(world, clock):
    """Rule: a line with no result of the 国保連 recorded is not counted as paid (refuse rather than guess)."""
    stored_closing(world.office, world.manager, lines=[(papers_client(world), Service.TRANSITION, 1000, 100)])
    assert refusal(lambda: federation_payment_record(office=world.office, month=APRIL, received_on=date(2025, 6, 10),
                                                     amount=900, by=world.manager)) == {
        BillingError.FEDERATION_NOTHING_PAID}

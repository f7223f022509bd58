"""Reads of the client's papers for the page and the PDFs — a fixed number of queries whatever the number of
clients."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from billing.models import ClaimLine, ClientInvoice, ClientPayment, FederationPayment, MonthClosing, ProxyReceiptNotice
from billing.papers.paid import papers_paid_lines
from compostela.models import Office


@dataclass
class ClientPapers:
    """One client's papers of the month: the stored figures of the closing in force and what was issued."""

    client_id: int
    client_name: str
    total_yen: int = 0
    copayment: int = 0
    claimed: int = 0
    invoice: ClientInvoice | None = None  # of the closing in force
    superseded: list[ClientInvoice] = field(default_factory=list)  # of earlier versions
    payments: list[ClientPayment] = field(default_factory=list)  # of the invoice in force
    notice: ProxyReceiptNotice | None = None

    @property
    def to_invoice(self) -> bool:
        return self.copayment > 0 and self.invoice is None

    @property
    def paid(self) -> bool:
        return self.invoice is not None and self.invoice.outstanding == 0


@dataclass
class PapersMonth:
    office: Office
    month: date
    closing: MonthClosing | None  # the closing in force; None: the month is open (no papers)
    clients: list[ClientPapers]
    federation_payment: FederationPayment | None
    expected_from_federation: int = 0  # claimed on the lines the 国保連 accepted (``papers_paid_lines``)

    @property
    def to_invoice(self) -> int:
        return sum(1 for c in self.clients if c.to_invoice)

    @property
    def invoices(self) -> list[ClientInvoice]:
        return [c.invoice for c in self.clients if c.invoice is not None]


def papers_month(*, office: Office, month: date) -> PapersMonth:
    """The month's clients with their invoice, payments and notice, and what the 国保連 accepted — a fixed number of
    queries."""
    first = month.replace(day=1)
    closing = MonthClosing.objects.filter(office=office, month=first, reopened_at__isnull=True).first()
    federation = FederationPayment.objects.filter(office=office, month=first).first()
    if closing is None:
        return PapersMonth(office=office, month=first, closing=None, clients=[], federation_payment=federation)
    clients: dict[int, ClientPapers] = {}
    for line in (ClaimLine.objects.filter(closing=closing)
                 .order_by("client__family_name_kana", "client__given_name_kana", "client_id", "-service")
                 .only("client_id", "client_name", "total_yen", "copayment", "claimed")):
        papers = clients.setdefault(line.client_id, ClientPapers(client_id=line.client_id,
                                                                 client_name=line.client_name))
        papers.total_yen += line.total_yen
        papers.copayment += line.copayment
        papers.claimed += line.claimed
    invoices = list(ClientInvoice.objects.filter(office=office, closing__month=first)
                    .select_related("closing", "issued_by").order_by("number"))
    in_force = {}
    for invoice in invoices:
        papers = clients.get(invoice.client_id)
        if invoice.closing_id == closing.pk:
            in_force[invoice.pk] = invoice
            if papers:
                papers.invoice = invoice
        elif papers:
            papers.superseded.append(invoice)
    by_invoice: dict[int, list[ClientPayment]] = defaultdict(list)
    for payment in ClientPayment.objects.filter(invoice_id__in=list(in_force)).order_by("invoice_id", "sequence"):
        by_invoice[payment.invoice_id].append(payment)
    for papers in clients.values():
        if papers.invoice:
            papers.payments = by_invoice[papers.invoice.pk]
    if federation is not None:
        for notice in ProxyReceiptNotice.objects.filter(payment=federation):
            if notice.client_id in clients:
                clients[notice.client_id].notice = notice
    paid = papers_paid_lines(office=office, month=first, closing=closing)
    return PapersMonth(office=office, month=first, closing=closing, clients=list(clients.values()),
                       federation_payment=federation, expected_from_federation=sum(line.claimed for line in paid))


@dataclass(frozen=True)
class UnpaidInvoice:
    invoice: ClientInvoice
    age_days: int

    @property
    def outstanding(self) -> int:
        return self.invoice.outstanding


@dataclass
class UnpaidList:
    rows: list[UnpaidInvoice]

    @property
    def total(self) -> int:
        return sum(row.outstanding for row in self.rows)


def papers_unpaid(*, office: Office, today: date) -> UnpaidList:
    """Every invoice of the office issued and not fully paid (its closing still in force), oldest first, with
    its age in days since it was issued — one query."""
    from django.db.models import F
    from django.utils import timezone

    invoices = (ClientInvoice.objects.filter(office=office, closing__reopened_at__isnull=True,
                                             paid_yen__lt=F("amount"))
                .select_related("closing").order_by("issued_at", "number"))
    return UnpaidList(rows=[UnpaidInvoice(invoice=i, age_days=(today - timezone.localdate(i.issued_at)).days)
                            for i in invoices])


def papers_invoices_for_print(*, office: Office, month: date, pk: int | None = None) -> list[ClientInvoice]:
    """The invoices of the closing in force (or the one invoice ``pk``, any version), each with its stored lines
    (``lines_of_client``) — two queries."""
    qs = ClientInvoice.objects.filter(office=office).select_related("closing")
    qs = qs.filter(pk=pk) if pk is not None else qs.filter(closing__month=month.replace(day=1),
                                                             closing__reopened_at__isnull=True)
    invoices = list(qs.order_by("number"))
    lines: dict[tuple[int, int], list[ClaimLine]] = defaultdict(list)
    for line in ClaimLine.objects.filter(closing_id__in={i.closing_id for i in invoices},
                                         client_id__in={i.client_id for i in invoices}).order_by("-service", "pk"):
        lines[(line.closing_id, line.client_id)].append(line)
    for invoice in invoices:
        invoice.print_lines = lines[(invoice.closing_id, invoice.client_id)]
    return invoices


def papers_payments_for_print(*, office: Office, month: date, pk: int | None = None) -> list[ClientPayment]:
    """The receipts of the month's invoices (every version: a receipt stays a receipt), or the one ``pk``."""
    qs = ClientPayment.objects.filter(invoice__office=office).select_related("invoice", "invoice__closing")
    qs = qs.filter(pk=pk) if pk is not None else qs.filter(invoice__closing__month=month.replace(day=1))
    return list(qs.order_by("invoice__number", "sequence"))


def papers_notices_for_print(*, office: Office, month: date, pk: int | None = None) -> list[ProxyReceiptNotice]:
    qs = ProxyReceiptNotice.objects.filter(payment__office=office).select_related("payment", "payment__closing")
    qs = qs.filter(pk=pk) if pk is not None else qs.filter(payment__month=month.replace(day=1))
    return list(qs.order_by("client__family_name_kana", "client__given_name_kana", "pk"))

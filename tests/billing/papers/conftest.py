"""A closed month for the client's papers, built from stored rows with clearly fake test figures (the papers
read the stored snapshot only, so no fee table is needed): April 2025 of the first office, version 1.

* 札幌 一郎: a transition line and a retention-support line whose co-payments share one cap
  (5,000 + 4,300 = 9,300, total 60,000 + 30,000)
* 小樽 花子: a transition line with co-payment 0 (total 40,000, all claimed)
* 函館 三郎: a transition line, co-payment 1,200 (total 12,000)
Co-payments 10,500; claimed 131,500.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import timezone

from billing.models import ClaimLine, MonthClosing, Service
from billing.submissions.models import ClaimResult, ClaimSubmission, ResultStatus
from tests.factories import ClientFactory

APRIL = date(2025, 4, 1)
CLAIMED = 131500


@dataclass
class PapersWorld:
    world: object
    closing: MonthClosing
    ichiro: object
    hanako: object
    saburo: object


def line(closing, client, *, service=Service.TRANSITION, total=10000, copayment=1000, number="0123456789"):
    return ClaimLine.objects.create(
        closing=closing, service=service, client=client, client_name=f"{client.family_name} {client.given_name}",
        certificate_number=number, billable_days=10, basic_units=total // 10, addon_units=0, total_units=total // 10,
        yen_per_unit="10.00", total_yen=total, copayment=copayment, claimed=total - copayment, explanation={})


def stored_closing(office, by, *, month=APRIL, version=1, lines=()) -> MonthClosing:
    """A closing with ``lines`` [(client, service, total, co-payment)] stored as they are given."""
    closing = MonthClosing.objects.create(office=office, month=month, version=version, closed_at=timezone.now(),
                                          closed_by=by)
    for client, service, total, copayment in lines:
        line(closing, client, service=service, total=total, copayment=copayment)
    totals = {"total_yen": sum(t for _c, _s, t, _p in lines), "copayment_yen": sum(p for _c, _s, _t, p in lines)}
    MonthClosing.objects.filter(pk=closing.pk).update(**totals,
                                                      claimed_yen=totals["total_yen"] - totals["copayment_yen"])
    closing.refresh_from_db()
    return closing


def build_papers_month(world) -> PapersWorld:
    office = world.office
    ichiro = ClientFactory(office=office, family_name="札幌", given_name="一郎", family_name_kana="サッポロ",
                           given_name_kana="イチロウ")
    hanako = ClientFactory(office=office, family_name="小樽", given_name="花子", family_name_kana="オタル",
                           given_name_kana="ハナコ")
    saburo = ClientFactory(office=office, family_name="函館", given_name="三郎", family_name_kana="ハコダテ",
                           given_name_kana="サブロウ")
    closing = stored_closing(office, world.manager, lines=[
        (ichiro, Service.TRANSITION, 60000, 5000), (ichiro, Service.RETENTION_SUPPORT, 30000, 4300),
        (hanako, Service.TRANSITION, 40000, 0), (saburo, Service.TRANSITION, 12000, 1200),
    ])
    accepted_sending(closing, world.manager)
    return PapersWorld(world=world, closing=closing, ichiro=ichiro, hanako=hanako, saburo=saburo)


def accepted_sending(closing, by, *, lines=None) -> ClaimSubmission:
    """The closing's file sent (fake test dates) and the 国保連's result "accepted" on ``lines`` (None: every
    line): the lines the federation's payment then covers (``billing.papers.paid``)."""
    submission = ClaimSubmission.objects.create(
        closing=closing, file_name=f"J{closing.month:%y%m}V{closing.version:02d}.CSV",
        sent_on=closing.month.replace(month=closing.month.month % 12 + 1), sent_by=by)
    for claim_line in closing.lines.all() if lines is None else lines:
        ClaimResult.objects.create(submission=submission, line=claim_line, status=ResultStatus.ACCEPTED,
                                   notice_on=submission.sent_on, recorded_by=by)
    return submission


@pytest.fixture
def papers(world, clock) -> PapersWorld:
    return build_papers_month(world)

"""The claim file of months it used to refuse (issue 21): 就労定着支援 lines (契約支給量 from the certificate's granted
days), days of absence with support (the サービス提供の状況 of the code table) and the transition-preparation
add-on (its days and cumulative days); and 上限月額調整 from the stored co-payment.  The months are a
demonstration office's, priced with the EXAMPLE revision (made-up codes and status, SAMPLE files); the yen per
unit and the certificates' numbers are test figures."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from attendance.models import AttendanceStatus
from billing.claimfile import ClaimFileRefused, claim_file_build
from billing.claimfile.build import WHERE_CODES, WHERE_GRANTED, WHERE_PREP_HISTORY
from billing.errors import BillingError
from billing.models import ClaimLine, MonthClosing, Service, ServiceCode
from billing.services.closing import billing_month_close
from billing.services.revisions import FEES_DIR, revision_file_read, revision_load
from billing.services.tier import retention_tier_override
from placements.models import FollowUpKind
from tests.billing.helpers import confirm_no_history_rate, retention_plan, weekdays
from tests.factories import (
    CertificateFactory,
    ClientFactory,
    HireFactory,
    SupportCertificateFactory,
    attend,
    followup,
    office_settings,
    plan,
)

JUNE = date(2026, 6, 1)
JULY = date(2026, 7, 1)
TIMES = {"start_time": time(10, 0), "end_time": time(15, 0)}
CLAIM_FIELDS = {"municipality_number": "011002", "decision_service_code": "43T0D1", "provider_entry_number": 1}
ABSENT = [date(2026, 6, 15), date(2026, 6, 16)]


@pytest.fixture
def office(world):
    """A demonstration office on the EXAMPLE revision: the transition-preparation add-on (I), 就労定着支援."""
    office = world.office
    revision_load(data=revision_file_read(FEES_DIR / "example-2026-06.json"), by=world.manager)
    office.demo = True
    office.prefecture_number = "01"
    office.claim_file_municipality_number = "000000"
    office.save()
    office_settings(office, yen_per_unit=Decimal("10.17"), yen_per_unit_reason="市の通知（テスト）",
                    transition_prep="i", runs_retention_support=True)
    retention_tier_override(office=office, fiscal_year=2026, rate=Decimal("0.3"), reason="通知", by=world.manager)
    confirm_no_history_rate(office, world.manager)
    return office


def attending(office, *, contract_start=JUNE, absent=()):
    client = ClientFactory(office=office, enrolled_on=date(2026, 4, 1), family_name="見本", given_name="花子")
    CertificateFactory(client=client, number="0000000011", period_start=date(2026, 4, 1),
                       period_end=date(2027, 3, 31), contract_start=contract_start, **CLAIM_FIELDS)
    plan(client, date(2026, 4, 1), date(2027, 3, 31), agreed_on=date(2026, 4, 5))
    attend(client, weekdays(date(2026, 6, 1), date(2026, 6, 5)), **TIMES)
    attend(client, list(absent), status=AttendanceStatus.ABSENT_SUPPORTED)
    return client


def employed(office, *, granted_days=None):
    client = ClientFactory(office=office, family_name="定着", given_name="次郎")
    SupportCertificateFactory(client=client, number="0000000033", period_start=date(2026, 4, 1),
                              period_end=date(2027, 3, 31), contract_start=date(2026, 4, 1),
                              granted_days=granted_days, **CLAIM_FIELDS)
    retention_plan(client, date(2026, 4, 1), date(2027, 3, 31))
    hire = HireFactory(client=client, office=office, start_date=date(2025, 10, 1))  # month 9 in June 2026
    followup(hire, date(2026, 6, 10))
    followup(hire, date(2026, 6, 20), kind=FollowUpKind.SUPPORT_REPORT)
    return client


def records(content: bytes, kind: str) -> list[list[str]]:
    """The inner records of ``kind`` ("J611 02"), each as its fields: field n at index n − 1."""
    rows = [ln.split(",")[2:] for ln in content.decode("cp932").split("\r\n") if ln.startswith("2,")]
    return [r for r in rows if " ".join(r[:2]) == kind]


def problems_of(office, month=JUNE):
    with pytest.raises(ClaimFileRefused) as refused:
        claim_file_build(office=office, month=month)
    return refused.value.problems


def test_a_month_with_retention_support_absence_and_transition_preparation_gives_its_file(world, office):
    attending(office, absent=ABSENT)
    employed(office, granted_days=1)
    closing = billing_month_close(office=office, month=JUNE, by=world.manager)
    assert {ln.service for ln in closing.lines.all()} == {Service.TRANSITION, Service.RETENTION_SUPPORT}

    claim = claim_file_build(office=office, month=JUNE)

    assert claim.sample
    # 就労定着支援: 契約支給量 is the certificate's granted days (1 day → 100)
    assert sorted(r[7] for r in records(claim.content, "J121 05")) == ["100", "2200"]  # 30 − 8 = 22 days in June
    # absence with support: a J611 02 a day with the code table's サービス提供の状況 (EXAMPLE: 9), no times
    days = {r[8]: r for r in records(claim.content, "J611 02") if r[5] == "0000000011"}
    assert [days[f"{d.day:02d}"][35] for d in ABSENT] == ["9", "9"]
    assert all(days[f"{d.day:02d}"][13] == "" for d in ABSENT)
    # … counted in the サービス利用日数 (5 days attended + 2 absences)
    j121_04 = {r[6]: r for r in records(claim.content, "J121 04")}
    assert j121_04["43"][8] == "7"
    # transition preparation: 施設外支援 1 on each billed day; the month's and the cumulative days
    attended = [r for d, r in days.items() if int(d) <= 5]
    assert len(attended) == 5 and all(r[28] == "1" for r in attended)
    (sheet,) = [r for r in records(claim.content, "J611 01") if r[5] == "0000000011"]
    assert (sheet[52], sheet[53]) == ("5", "5")


def test_the_cumulative_days_add_the_earlier_closed_months(world, office):
    client = attending(office)
    attend(client, weekdays(date(2026, 7, 1), date(2026, 7, 3)), **TIMES)
    billing_month_close(office=office, month=JUNE, by=world.manager)
    billing_month_close(office=office, month=JULY, by=world.manager)
    claim = claim_file_build(office=office, month=JULY)
    (sheet,) = records(claim.content, "J611 01")
    assert (sheet[52], sheet[53]) == ("3", "8")  # 3 this month, 5 + 3 in all


def test_transition_preparation_before_the_first_closed_month_is_refused(world, office):
    attending(office, contract_start=date(2026, 4, 1))  # April and May were never closed here
    billing_month_close(office=office, month=JUNE, by=world.manager)
    problems = problems_of(office)
    assert [(p.record, p.field, p.code, p.where) for p in problems] == [
        ("J611 01", "施設外支援 累計（日／１８０日）", BillingError.CLAIM_FILE_FIELD_MISSING, WHERE_PREP_HISTORY)]


def test_retention_support_without_granted_days_is_refused_naming_the_certificate(world, office):
    client = employed(office)
    billing_month_close(office=office, month=JUNE, by=world.manager)
    problems = problems_of(office)
    assert [(p.record, p.field, p.code, p.where, p.client_id) for p in problems] == [
        ("J121 05", "契約支給量", BillingError.CLAIM_FILE_FIELD_MISSING, WHERE_GRANTED, client.pk)]
    assert problems[0].client == "定着 次郎"


def test_absence_without_a_status_in_the_code_table_is_refused(world, office):
    ServiceCode.objects.filter(item="absence_support").update(record_status="")
    attending(office, absent=ABSENT)
    billing_month_close(office=office, month=JUNE, by=world.manager)
    assert {(p.record, p.field, p.code, p.where) for p in problems_of(office)} == {
        ("J611 02", "サービス提供の状況", BillingError.CLAIM_FILE_CODE_MISSING, WHERE_CODES)}


def test_the_cap_adjustment_follows_the_layout_and_the_decided_co_payment_is_stored(world, office):
    """Rule (layout, J121 04 field 16): 上限月額調整 is the lesser of the monthly cap and 利用者負担額② (the 10 %),
    and J121 01 field 22 their total; the co-payment the closed month stored for the line (the person's one cap
    shared across their lines) is the 決定利用者負担額 (J121 04 field 21, J121 01 field 27), never recomputed."""
    attending(office)
    closing = billing_month_close(office=office, month=JUNE, by=world.manager)
    line = closing.lines.get()
    assert line.explanation["copay_raw"] > 100
    stored = line.explanation["copay_raw"] - 100  # as if another line of the person took part of the cap
    ClaimLine.objects.filter(pk=line.pk).update(copayment=stored, claimed=line.total_yen - stored)
    MonthClosing.objects.filter(pk=closing.pk).update(copayment_yen=stored, claimed_yen=closing.total_yen - stored)
    claim = claim_file_build(office=office, month=JUNE)
    (j121_01,) = records(claim.content, "J121 01")
    (j121_04,) = records(claim.content, "J121 04")
    adjusted = str(min(line.explanation["copay_cap"], line.explanation["copay_raw"]))
    assert j121_01[21] == j121_04[15] == adjusted
    assert j121_01[26] == j121_04[20] == str(stored)
    assert j121_04[14] == str(line.explanation["copay_raw"])  # 利用者負担額② stays the 10 %


"""A month of the demo office (seed_demo's fee settings) checked against a hand-computed total; the demo's
billing month claims 就労定着支援 for its employed people on their retention-support certificates."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone

from attendance.models import AttendanceStatus
from billing.models import OfficeFeeSettings, Service
from billing.selectors import billing_month_statement
from billing.services.claims import billing_month_compute
from clients.models import CertificateService, IncomeCategory
from compostela.models import Office
from tests.billing.helpers import weekdays
from tests.factories import CertificateFactory, ClientFactory, attend, monitored_plan

NOVEMBER_2019 = date(2019, 11, 1)


def test_demo_seed_is_idempotent_for_billing(db):
    call_command("seed_demo", "--quiet-logins")
    call_command("seed_demo", "--quiet-logins")
    assert OfficeFeeSettings.objects.filter(office__number="0110000001").count() == 1


def test_a_demo_office_month_matches_the_hand_computed_total(db):
    call_command("seed_demo", "--quiet-logins")
    office = Office.objects.get(number="0110000001")  # qualified staff (I) + trained staff, 10.17 yen a unit
    a = ClientFactory(office=office, enrolled_on=date(2019, 4, 1))  # in its period of use in November 2019
    CertificateFactory(client=a, income_category=IncomeCategory.GENERAL_1, copay_cap=9300)
    monitored_plan(a, date(2019, 4, 1), date(2020, 3, 31), agreed_on=date(2019, 4, 5))
    attend(a, weekdays(date(2019, 11, 1), date(2019, 11, 14)))  # 10 days
    b = ClientFactory(office=office, enrolled_on=date(2019, 4, 1))
    CertificateFactory(client=b, income_category=IncomeCategory.WELFARE, copay_cap=0)
    monitored_plan(b, date(2019, 4, 1), date(2020, 3, 31), agreed_on=date(2019, 4, 5))
    attend(b, weekdays(date(2019, 11, 1), date(2019, 11, 7)))  # 5 days
    attend(b, [date(2019, 11, 11), date(2019, 11, 12)], status=AttendanceStatus.ABSENT_SUPPORTED)

    statement = billing_month_statement(office=office, month=NOVEMBER_2019)

    # FY2019: no hires in FY2017–2018 → 0 % → 502 units a day (October 2019 table)
    # A: 10 × 502 + 10 × 15 + 10 × 6 = 5,230 units × 10.17 = 53,189.1 → 53,189; co-pay 5,318
    # B: 5 × 502 + 2 × 94 + 5 × 15 + 5 × 6 = 2,803 units × 10.17 = 28,506.51 → 28,506; co-pay 0
    by_client = {line.client_id: line for line in statement.lines}
    assert (by_client[a.pk].total_units, by_client[a.pk].total_yen, by_client[a.pk].copayment) == (5230, 53189, 5318)
    assert (by_client[b.pk].total_units, by_client[b.pk].total_yen, by_client[b.pk].copayment) == (2803, 28506, 0)
    assert statement.total_yen == 81695
    assert statement.copayment_yen == 5318
    assert statement.claimed_yen == 76377


def test_the_demo_billing_month_claims_retention_support_on_retention_support_certificates(db):
    call_command("seed_demo", "--quiet-logins")
    office = Office.objects.get(number="0110000001")  # runs 就労定着支援
    month = timezone.localdate().replace(day=1) - relativedelta(months=1)  # the billing page's default month
    claims = billing_month_compute(office=office, month=month)  # would raise beyond the 20-user fee band
    support = [line for line in claims.lines if line.service == Service.RETENTION_SUPPORT]
    assert 10 <= len(support) <= 20
    assert all(line.certificate.service == CertificateService.RETENTION_SUPPORT for line in support)
    assert all(line.total_yen > 0 and line.days["users_this_month"] == len(support) for line in support)
    transition = [line for line in claims.lines if line.service == Service.TRANSITION]
    assert transition and all(line.certificate.service == CertificateService.TRANSITION
                              for line in transition if line.certificate)


def test_the_demo_last_closed_month_gives_a_sample_claim_file_equal_to_the_billing_page(db, client):
    """Issue 21, done when: the demo office's last closed month (billed with the EXAMPLE code table) gives a
    SAMPLE claim file that passes its own layout check, whose J121 totals equal the month's closing (the
    billing page's figures); the page's check shows the SAMPLE notice and the button."""
    from django.urls import reverse

    from billing.claimfile import claim_file_build, claim_file_draft
    from billing.models import MonthClosing
    from clients.models import Certificate
    from compostela.models import User
    from regulations.rules import municipality_number_valid

    call_command("seed_demo", "--quiet-logins")
    office = Office.objects.get(number="0110000001")
    closing = MonthClosing.objects.filter(office=office, reopened_at__isnull=True).latest("month")
    assert closing.summary["fee_status"]["example"]  # billed with the EXAMPLE code table
    assert {Service.TRANSITION, Service.RETENTION_SUPPORT} <= {ln.service for ln in closing.lines.all()}
    assert all(municipality_number_valid(c.municipality_number) and c.decision_service_code
               and c.provider_entry_number and c.contract_start for c in Certificate.objects.filter(office=office))

    _draft, problems, sample = claim_file_draft(office=office, month=closing.month)
    assert problems == [] and sample
    claim = claim_file_build(office=office, month=closing.month)
    assert claim.name == f"SAMPLE{closing.version:02d}.CSV" and "見本" in claim.notice

    rows = [ln.split(",")[2:] for ln in claim.content.decode("cp932").split("\r\n") if ln.startswith("2,")]
    j121_01 = [r for r in rows if r[:2] == ["J121", "01"]]

    def total(field: int) -> int:
        return sum(int(r[field - 1]) for r in j121_01)

    assert (total(20), total(21), total(27), total(28)) == (
        closing.total_units, closing.total_yen, closing.copayment_yen, closing.claimed_yen)

    client.force_login(User.objects.get(username="manager"))
    page = client.get(reverse("billing:claim_file", args=[closing.month.year, closing.month.month])).content.decode()
    assert "見本" in page and 'name="kind" value="claim_file"' in page and "claim-file-problem" not in page

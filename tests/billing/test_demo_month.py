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

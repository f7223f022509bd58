"""Rule: each service is billed on its own certificates.  就労移行支援 days count only inside a transition
certificate (its granted days, its cap); 就労定着支援 needs a retention-support certificate overlapping the month
(its cap).  A certificate of the other service never stands in, whether or not one of its own exists."""

from datetime import date

import pytest
from django.utils.translation import gettext as _

from billing.models import Service
from billing.services.claims import billing_month_compute
from clients.models import IncomeCategory
from placements.models import FollowUpKind
from tests.billing.helpers import confirm_no_history_rate, retention_plan, weekdays
from tests.factories import (
    CertificateFactory,
    ClientFactory,
    HireFactory,
    SupportCertificateFactory,
    attend,
    followup,
    monitored_plan,
    office_settings,
)

MAY = date(2024, 5, 1)
MAY_DAYS = weekdays(date(2024, 5, 1), date(2024, 5, 31))  # 23 weekdays; standard granted days 31 − 8 = 23


@pytest.fixture
def office(world):
    office_settings(world.office, runs_retention_support=True)
    # no retention-support history (0 ÷ 0): the manager has confirmed the lowest tier from the city's notice
    confirm_no_history_rate(world.office, world.manager)
    return world.office


def line_of(office, client, service):
    result = billing_month_compute(office=office, month=MAY)
    lines = [line for line in result.lines if line.client == client and line.service == service]
    return (lines[0] if lines else None), result.warnings


def supported_person(office, start=date(2023, 10, 1)):
    """An employed person in month 8 of the job with this month's face-to-face contact and support report."""
    client = ClientFactory(office=office, status="employed")
    retention_plan(client)
    hire = HireFactory(client=client, office=office, start_date=start)
    followup(hire, date(2024, 5, 10))
    followup(hire, date(2024, 5, 20), kind=FollowUpKind.SUPPORT_REPORT)
    return client


def test_attendance_covered_only_by_a_retention_support_certificate_is_not_billed_as_transition(office):
    client = ClientFactory(office=office)
    SupportCertificateFactory(client=client, period_start=date(2024, 1, 1), period_end=date(2024, 12, 31))
    monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 2))
    attend(client, MAY_DAYS[:5])
    line, warnings = line_of(office, client, Service.TRANSITION)
    assert (line.billable_days, line.days["outside_certificate"], line.certificate) == (0, 5, None)
    assert _("%(client)s: %(days)s day(s) of attendance outside any certificate period.") % {
        "client": client, "days": 5} in warnings


def test_the_transition_line_takes_granted_days_and_cap_from_the_transition_certificate(office):
    # given a transition certificate (10 granted days, cap 0) and a 就労定着支援 one that started earlier and also
    # covers every day of the month (standard days, cap 37,200)
    client = ClientFactory(office=office)
    SupportCertificateFactory(client=client, period_start=date(2024, 4, 1), period_end=date(2025, 3, 31),
                              income_category=IncomeCategory.GENERAL_2, copay_cap=37200)
    transition = CertificateFactory(client=client, period_start=date(2024, 5, 1), period_end=date(2025, 4, 30),
                                    granted_days=10, income_category=IncomeCategory.WELFARE, copay_cap=0)
    monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 2))
    attend(client, MAY_DAYS)
    line, _warnings = line_of(office, client, Service.TRANSITION)
    assert line.certificate == transition
    assert (line.billable_days, line.days["over_granted_days"], line.copayment) == (10, 13, 0)


def test_retention_support_is_not_claimed_on_a_transition_certificate(office):
    client = supported_person(office)
    CertificateFactory(client=client, period_start=date(2024, 1, 1), period_end=date(2025, 12, 31))
    line, warnings = line_of(office, client, Service.RETENTION_SUPPORT)
    assert line is None
    assert _("%(client)s: no retention-support certificate covers this month; retention support is not "
             "claimed.") % {"client": client} in warnings


def test_the_retention_support_line_takes_its_cap_from_the_retention_support_certificate(office):
    # given a person holding both: a 就労定着支援 certificate with cap 9,300 and a transition one with cap 0
    # that started later (the latest certificate overlapping the month, were services mixed)
    client = supported_person(office)
    support = SupportCertificateFactory(client=client, period_start=date(2024, 4, 1), period_end=date(2025, 3, 31),
                                        copay_cap=9300)
    CertificateFactory(client=client, period_start=date(2024, 5, 1), period_end=date(2025, 4, 30), copay_cap=0,
                       income_category=IncomeCategory.WELFARE)
    line, warnings = line_of(office, client, Service.RETENTION_SUPPORT)
    assert line.certificate == support
    assert (line.basic_units, line.total_yen, line.copayment) == (1045, 10627, 1062)  # 10 % of 10,627 < 9,300
    assert not warnings


def test_the_latest_retention_support_certificate_overlapping_the_month_is_the_lines(office):
    client = supported_person(office)
    SupportCertificateFactory(client=client, period_start=date(2023, 5, 1), period_end=date(2024, 5, 14),
                              copay_cap=0, income_category=IncomeCategory.LOW_INCOME)
    renewal = SupportCertificateFactory(client=client, period_start=date(2024, 5, 15), period_end=date(2025, 5, 14),
                                        copay_cap=9300)
    line, _warnings = line_of(office, client, Service.RETENTION_SUPPORT)
    assert line.certificate == renewal

"""Rule (billing.services.checks.close_checks): before a month is closed, every point that costs money or
breaks a rule is listed — the missing-plan and over-capacity reductions with the units and yen they take,
attendance outside a period of use or a certificate, days beyond the granted days, days without times,
earlier months still open, held retention-support lines — each naming the person and linking to where it is
fixed.  The function reads the computed month only (no query)."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from billing.errors import CloseCheck
from billing.models import Service
from billing.selectors import billing_earlier_open_months
from billing.services.checks import checks_digest, close_checks
from billing.services.claims import billing_month_compute
from billing.services.closing import billing_month_close
from billing.services.tier import retention_tier_override
from placements.models import FollowUpKind
from tests.billing.helpers import confirm_no_history_rate, weekdays
from tests.factories import (
    CertificateFactory,
    ClientFactory,
    HireFactory,
    SupportCertificateFactory,
    attend,
    capacity,
    followup,
    monitored_plan,
    office_settings,
    plan,
)

MAY = date(2024, 5, 1)
APRIL = date(2024, 4, 1)
TIMES = {"start_time": time(10, 0), "end_time": time(15, 0)}


@pytest.fixture
def office(world, clock):
    # rate 30 % on the city's notice: 811 units a day (2019 table, capacity ≤ 20)
    retention_tier_override(office=world.office, fiscal_year=2024, rate=Decimal("0.3"), reason="通知", by=world.manager)
    return world.office


def client_with_plan(office, **fields):
    client = ClientFactory(office=office, **fields)
    monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 5))
    return client


def checks_of(office, earlier_open=(), month=MAY):
    """The month's checks but the fee status: with only the 2019 revision loaded, every month from 2021-04 is
    要確認 (``CloseCheck.FEES_UNVERIFIED``, tests/billing/test_fee_status.py) — here the other checks count."""
    claims = billing_month_compute(office=office, month=month)
    return [
        c for c in close_checks(claims=claims, earlier_open=list(earlier_open)) if c.code != CloseCheck.FEES_UNVERIFIED
    ]


def only(checks, code):
    found = [c for c in checks if c.code == code]
    assert len(found) == 1, [c.code for c in checks]
    return found[0]


def test_a_clean_month_has_nothing_to_check(office):
    client = client_with_plan(office)
    CertificateFactory(client=client)
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)), **TIMES)
    assert checks_of(office) == []


def test_the_missing_plan_reduction_names_the_person_the_days_and_the_units_lost(office):
    client = ClientFactory(office=office, family_name="計画", given_name="無子")
    CertificateFactory(client=client)
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)), **TIMES)  # 10 days
    check = only(checks_of(office), CloseCheck.PLAN_MISSING)
    # in service since March without a plan: the third month, 811 × 50 % = 405.5 → 406, 405 units a day less
    assert check.facts == {
        "client": client.pk,
        "service": "transition",
        "gap": "no_plan",
        "due_on": None,
        "expired_on": None,
        "months": 3,
        "percent": 50,
        "days": 10,
        "units": 4050,
    }
    assert "計画 無子" in check.message and "4,050" in check.message
    assert _("no agreed support plan") in check.message
    assert check.href == reverse("clients:detail", args=[client.pk]) + "#plan"


def test_the_missing_plan_check_says_the_plan_expired_and_on_which_day(office):
    # rule: the month counts on its last day in service; the plan ended on 20 May with no agreed successor
    client = ClientFactory(office=office, family_name="期限", given_name="切子")
    CertificateFactory(client=client)
    monitored_plan(client, date(2024, 1, 1), date(2024, 5, 20), agreed_on=date(2024, 1, 5))
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)), **TIMES)
    check = only(checks_of(office), CloseCheck.PLAN_MISSING)
    assert (check.facts["gap"], check.facts["expired_on"], check.facts["months"]) == ("expired", "2024-05-20", 1)
    assert _("the support plan expired on %(day)s and no new plan was agreed") % {"day": "2024-05-20"} in check.message
    assert "期限 切子" in check.message and check.href.endswith("#plan")


def test_the_missing_plan_check_says_the_monitoring_was_late_and_when_it_was_due(office):
    # rule: monitoring every three months — agreed 20 February, due 20 May, not recorded by 31 May
    client = ClientFactory(office=office, family_name="監視", given_name="遅子")
    CertificateFactory(client=client)
    plan(client, date(2024, 2, 1), date(2024, 12, 31), agreed_on=date(2024, 2, 20))
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)), **TIMES)
    check = only(checks_of(office), CloseCheck.PLAN_MISSING)
    assert (check.facts["gap"], check.facts["due_on"], check.facts["months"]) == ("monitoring_late", "2024-05-20", 1)
    assert (
        _("the support plan's monitoring was due on %(day)s and is not recorded (every %(months)s months)")
        % {"day": "2024-05-20", "months": 3}
        in check.message
    )
    assert check.facts["percent"] == 70 and check.facts["units"] == 10 * (811 - 568)


def test_monitoring_done_one_day_late_within_the_month_leaves_nothing_to_check(office):
    client = ClientFactory(office=office)
    CertificateFactory(client=client)
    plan(
        client, date(2024, 2, 1), date(2024, 12, 31), agreed_on=date(2024, 2, 14), monitored_on=[date(2024, 5, 15)]
    )  # due 14 May, done on the 15th: covered on 31 May
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)), **TIMES)
    assert checks_of(office) == []


def test_a_retention_support_line_without_a_plan_is_listed_with_its_service(office, world):
    # rule: the same missing-plan reduction on the 就労定着支援 monthly fee, from that service's own plans
    office_settings(office, runs_retention_support=True)
    confirm_no_history_rate(office, world.manager)  # the lowest tier: 1,045 units a month
    client = ClientFactory(office=office, status="employed", family_name="定着", given_name="無計画")
    SupportCertificateFactory(client=client, period_start=date(2024, 4, 1), period_end=date(2025, 3, 31))
    monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 5))  # a transition plan
    hire = HireFactory(client=client, office=office, start_date=date(2023, 10, 1))
    followup(hire, date(2024, 5, 10))
    followup(hire, date(2024, 5, 20), kind=FollowUpKind.SUPPORT_REPORT)
    check = only(checks_of(office), CloseCheck.PLAN_MISSING)
    # April and May in retention support without its plan: the second month, 1,045 × 70 % = 731.5 → 732
    assert check.facts == {
        "client": client.pk,
        "service": "retention_support",
        "gap": "no_plan",
        "due_on": None,
        "expired_on": None,
        "months": 2,
        "percent": 70,
        "days": 1,
        "units": 1045 - 732,
    }
    assert "定着 無計画" in check.message and str(Service.RETENTION_SUPPORT.label) in check.message
    assert check.href == reverse("clients:detail", args=[client.pk]) + "#plan"


def test_over_capacity_lists_the_days_and_links_to_the_roster(office):
    capacity(office, date(2018, 4, 1), 2)  # a day is over above 150 % of 2: four users or more
    for _n in range(4):
        client = client_with_plan(office)
        CertificateFactory(client=client)
        attend(client, [date(2024, 5, 8)], **TIMES)
    check = only(checks_of(office), CloseCheck.OVER_CAPACITY)
    assert check.facts["days"] == ["2024-05-08"] and check.facts["units"] > 0
    assert check.href == reverse("attendance:day") + "?day=2024-05-08"


def test_attendance_outside_the_period_of_use_is_listed_with_its_days(office):
    client = client_with_plan(
        office, family_name="期間", given_name="外子", enrolled_on=date(2024, 5, 8), first_visit_on=date(2024, 5, 8)
    )
    CertificateFactory(client=client)
    attend(client, [date(2024, 5, 6), date(2024, 5, 7), date(2024, 5, 8)], **TIMES)
    check = only(checks_of(office), CloseCheck.OUTSIDE_PERIOD_OF_USE)
    assert check.facts == {"client": client.pk, "days": ["2024-05-06", "2024-05-07"]}
    assert "期間 外子" in check.message and "5/6, 5/7" in check.message
    assert check.href == reverse("clients:detail", args=[client.pk]) + "#attendance"


def test_attendance_outside_any_certificate_is_listed_with_its_days(office):
    client = client_with_plan(office)
    CertificateFactory(client=client, period_start=date(2024, 5, 10), period_end=date(2025, 3, 31))
    attend(client, [date(2024, 5, 8), date(2024, 5, 9), date(2024, 5, 10)], **TIMES)
    check = only(checks_of(office), CloseCheck.OUTSIDE_CERTIFICATE)
    assert check.facts == {"client": client.pk, "days": ["2024-05-08", "2024-05-09"]}
    assert check.href.endswith("#certificate")


def test_days_beyond_the_granted_days_are_listed(office):
    client = client_with_plan(office)
    CertificateFactory(client=client, granted_days=5)
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)), **TIMES)  # 10 days, 5 granted
    check = only(checks_of(office), CloseCheck.BEYOND_GRANTED_DAYS)
    assert check.facts == {"client": client.pk, "days": 5, "granted": 5}
    assert "4,055" in check.message  # 5 × 811 units not claimed


def test_days_of_service_without_times_are_listed_with_a_link_to_the_first_day(office):
    client = client_with_plan(office, family_name="時刻", given_name="無子")
    CertificateFactory(client=client)
    attend(client, [date(2024, 5, 13), date(2024, 5, 14)])  # no start or end time
    attend(client, [date(2024, 5, 15)], **TIMES)
    check = only(checks_of(office), CloseCheck.MISSING_TIMES)
    assert check.facts == {"client": client.pk, "days": ["2024-05-13", "2024-05-14"]}
    assert "時刻 無子" in check.message
    assert check.href == reverse("attendance:day") + "?day=2024-05-13"


def test_earlier_open_months_are_listed_with_a_link_to_the_latest(office):
    check = only(checks_of(office, earlier_open=[date(2024, 3, 1), APRIL]), CloseCheck.EARLIER_MONTH_OPEN)
    assert check.facts == {"months": ["2024-03-01", "2024-04-01"]}
    assert check.href == reverse("billing:index") + "?month=2024-04"


def test_an_earlier_month_is_open_when_it_has_attendance_or_was_reopened_and_has_no_closing_in_force(office, world):
    """The definition: a month before this one with attendance recorded, or closed once, and not closed now."""
    client = client_with_plan(office)
    CertificateFactory(client=client)
    attend(client, [date(2024, 3, 4)], **TIMES)
    attend(client, [date(2024, 4, 3)], **TIMES)
    assert billing_earlier_open_months(office=office, month=MAY) == [date(2024, 3, 1), APRIL]
    billing_month_close(office=office, month=date(2024, 3, 1), by=world.manager)
    assert billing_earlier_open_months(office=office, month=MAY) == [APRIL]
    assert billing_earlier_open_months(office=office, month=APRIL) == []


def test_a_held_retention_support_line_blocks_and_links_to_the_setting(office):
    office_settings(office, runs_retention_support=True)
    client = ClientFactory(office=office, status="employed", family_name="定着", given_name="保留")
    SupportCertificateFactory(client=client)
    hire = HireFactory(client=client, office=office, start_date=date(2023, 10, 1))
    followup(hire, date(2024, 5, 10))
    followup(hire, date(2024, 5, 20), kind=FollowUpKind.SUPPORT_REPORT)
    checks = checks_of(office)
    check = only(checks, CloseCheck.RETENTION_SUPPORT_HELD)
    assert checks[0] == check and check.blocks
    assert "定着 保留" in check.message and check.href == reverse("billing:no_history_rate")


def test_a_person_with_contact_but_no_report_is_noted_with_a_link_to_the_follow_ups(office):
    office_settings(office, runs_retention_support=True)
    client = ClientFactory(office=office, status="employed")
    SupportCertificateFactory(client=client)
    hire = HireFactory(client=client, office=office, start_date=date(2023, 10, 1))
    followup(hire, date(2024, 5, 10))  # no support report
    check = only(checks_of(office), CloseCheck.RETENTION_SUPPORT_NOTE)
    assert check.href == reverse("placements:client", args=[client.pk]) and not check.blocks


def test_the_digest_follows_the_facts_not_the_wording(office):
    client = ClientFactory(office=office)
    CertificateFactory(client=client)
    attend(client, [date(2024, 5, 13)], **TIMES)
    before = checks_digest(checks_of(office))
    assert checks_digest(checks_of(office)) == before
    attend(client, [date(2024, 5, 14)], **TIMES)  # one more day without a plan: more units lost
    assert checks_digest(checks_of(office)) != before


def test_the_checks_read_no_database(office, django_assert_num_queries):
    client = ClientFactory(office=office)
    CertificateFactory(client=client, granted_days=1)
    attend(client, [date(2024, 5, 13), date(2024, 5, 14)])
    claims = billing_month_compute(office=office, month=MAY)
    with django_assert_num_queries(0):
        checks = close_checks(claims=claims, earlier_open=[APRIL])
        [c.message for c in checks]
    assert {c.code for c in checks} >= {
        CloseCheck.PLAN_MISSING,
        CloseCheck.BEYOND_GRANTED_DAYS,
        CloseCheck.MISSING_TIMES,
        CloseCheck.EARLIER_MONTH_OPEN,
    }

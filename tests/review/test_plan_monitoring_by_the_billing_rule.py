"""Rule: the case review shows a support plan's monitoring (モニタリング) due or overdue by the very rule billing
reduces with (``regulations.rules.plan_monitoring_due_on`` / ``plan_month``, the service's interval in the
figures in force) — so the review and billing cannot disagree: overdue from the day after the due day; a
monitoring one day late within a month is flagged that day though the month is not reduced; an employed
person in retention support is reviewed on their 就労定着支援 plan's interval."""

from datetime import date, timedelta

import pytest

from clients.models import CertificateService
from clients.plan_guard import plan_facts
from clients.selectors import support_plans_review_due
from regulations import rules as regulations
from tests.factories import SupportCertificateFactory, plan
from tests.review.helpers import DAY, client_in_service, employed_person, row_of

pytestmark = pytest.mark.django_db


def plan_flags(client, day=DAY):
    row = row_of(client, day)
    assert row is not None, "the person is not on the board"
    return [f for f in row.flags if f.code == "plan_review"]


def test_monitoring_one_day_late_within_a_month_is_overdue_that_day_and_the_month_is_not_reduced(world):
    # agreed 17 March → due 17 June; on 18 June (DAY) not yet recorded
    client = client_in_service(world.office)
    made = plan(client, date(2025, 3, 1), date(2025, 12, 31), agreed_on=date(2025, 3, 17))
    [flag] = plan_flags(client)
    assert flag.level == "alert" and "2025-06-17" in flag.explanation
    # recorded the same day: the flag goes, and June (read on its last day) is covered — no reduction
    made.reviews.create(reviewed_on=DAY, summary="順調", reviewed_by=world.staff)
    assert plan_flags(client) == []
    june = regulations.plan_month(
        month=DAY, certificates=list(client.certificates.all()), plans=[plan_facts(made)], monitoring_months=3
    )
    assert june.covered


def test_monitoring_due_today_is_due_not_overdue(world):
    client = client_in_service(world.office)
    plan(client, date(2025, 3, 1), date(2025, 12, 31), agreed_on=date(2025, 3, 18))  # due 18 June
    assert [f.level for f in plan_flags(client)] == ["notice"]


def test_overdue_on_a_month_end_is_the_month_billing_reduces(world):
    # due 29 June, nothing recorded by 30 June: the review says overdue and June's gap is MONITORING_LATE
    month_end = date(2025, 6, 30)
    client = client_in_service(world.office, day=month_end)
    made = plan(client, date(2025, 3, 1), date(2025, 12, 31), agreed_on=date(2025, 3, 29))
    assert [f.level for f in plan_flags(client, month_end)] == ["alert"]
    june = regulations.plan_month(
        month=month_end, certificates=list(client.certificates.all()), plans=[plan_facts(made)], monitoring_months=3
    )
    assert (june.gap, june.monitoring_due_on) == (regulations.PlanGap.MONITORING_LATE, date(2025, 6, 29))
    [due] = support_plans_review_due(office=world.office, today=month_end)
    assert (due.plan, due.status.due_on, due.status.overdue) == (made, date(2025, 6, 29), True)


def test_the_review_follows_the_plan_the_rule_reads_not_a_later_draft(world):
    client = client_in_service(world.office)
    agreed = plan(
        client, date(2025, 1, 1), date(2025, 12, 31), agreed_on=date(2025, 1, 10), monitored_on=[date(2025, 4, 8)]
    )  # due 8 July
    plan(client, date(2025, 6, 1), date(2025, 12, 31), agreed_on=None)  # a revision still in draft
    assert plan_flags(client) == []
    [due] = support_plans_review_due(office=world.office, today=DAY, within_days=30)
    assert (due.plan, due.status.due_on) == (agreed, date(2025, 7, 8))


def test_an_employed_person_in_retention_support_is_reviewed_on_their_retention_plan(world):
    hire = employed_person(world.office, start=DAY - timedelta(days=300), by=world.staff)
    client = hire.client
    SupportCertificateFactory(client=client, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))
    # 就労定着支援: every six months (the figures) — agreed 17 December 2024, due 17 June 2025: overdue on DAY
    plan(
        client,
        date(2024, 12, 1),
        date(2025, 11, 30),
        agreed_on=date(2024, 12, 17),
        service=CertificateService.RETENTION_SUPPORT,
    )
    [flag] = plan_flags(client)
    assert flag.level == "alert" and "2025-06-17" in flag.explanation


def test_a_retention_plan_monitored_within_six_months_is_not_flagged(world):
    hire = employed_person(world.office, start=DAY - timedelta(days=300), by=world.staff)
    plan(
        hire.client,
        date(2025, 1, 1),
        date(2025, 12, 31),
        agreed_on=date(2025, 1, 5),
        service=CertificateService.RETENTION_SUPPORT,
    )  # due 5 July: more than 14 days away
    assert plan_flags(hire.client) == []

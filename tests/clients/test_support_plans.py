"""Rules: supervisors create and close support plans, staff cannot (403, nothing changed); a plan is reviewed
at least every three months and the page shows when the review is due or overdue."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from clients.models import SupportPlan
from clients.selectors import plan_review_status, support_plans_review_due
from clients.services import support_plan_close, support_plan_create, support_plan_review_add
from tests.factories import ClientFactory, SupportPlanFactory

PLAN = {"period_start": "2025-05-01", "period_end": "2025-10-31", "long_term_goal": "週4日通所する",
        "overall_policy": "週1回の面談", "agreed_on": ""}


def test_staff_cannot_create_a_plan_and_nothing_is_saved(world, staff_client):
    client = ClientFactory(office=world.office)
    response = staff_client.post(reverse("clients:plan_create", args=[client.pk]), PLAN)
    assert response.status_code == 403
    assert not SupportPlan.objects.exists()


def test_a_supervisor_creates_a_plan(world, supervisor_client):
    client = ClientFactory(office=world.office)
    response = supervisor_client.post(reverse("clients:plan_create", args=[client.pk]), PLAN)
    assert response.status_code == 302
    plan = SupportPlan.objects.get()
    assert (plan.client, plan.created_by, plan.long_term_goal) == (client, world.supervisor, "週4日通所する")


def test_the_service_refuses_staff_too(world):
    with pytest.raises(PermissionDenied):
        support_plan_create(client=ClientFactory(office=world.office), period_start=date(2025, 5, 1),
                            period_end=date(2025, 10, 31), long_term_goal="g", overall_policy="s", by=world.staff)


def test_staff_cannot_close_a_plan_and_it_stays_open(world, staff_client):
    plan = SupportPlanFactory(client=ClientFactory(office=world.office), created_by=world.supervisor)
    response = staff_client.post(reverse("clients:plan_close", args=[plan.pk]), {"closed_on": "2025-09-01"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.closed_on is None
    with pytest.raises(PermissionDenied):
        support_plan_close(plan=plan, closed_on=date(2025, 9, 1), by=world.staff)


def test_a_supervisor_closes_a_plan_which_is_kept(world):
    plan = SupportPlanFactory(client=ClientFactory(office=world.office), created_by=world.supervisor)
    support_plan_close(plan=plan, closed_on=date(2025, 9, 1), by=world.supervisor)
    plan.refresh_from_db()
    assert plan.closed_on == date(2025, 9, 1)


def test_staff_record_a_review(world, staff_client):
    plan = SupportPlanFactory(client=ClientFactory(office=world.office), created_by=world.supervisor)
    response = staff_client.post(reverse("clients:plan_review", args=[plan.pk]),
                                 {"reviewed_on": "2025-07-20", "summary": "順調"})
    assert response.status_code == 302
    assert plan.reviews.get().reviewed_by == world.staff


def test_review_is_due_three_months_after_agreement_then_after_the_last_review(world):
    plan = SupportPlanFactory(client=ClientFactory(office=world.office), created_by=world.supervisor,
                              agreed_on=date(2025, 5, 10))
    assert plan_review_status(plan=plan, today=date(2025, 8, 1)).due_on == date(2025, 8, 10)
    assert not plan_review_status(plan=plan, today=date(2025, 8, 10)).overdue
    assert plan_review_status(plan=plan, today=date(2025, 8, 11)).overdue
    support_plan_review_add(plan=plan, reviewed_on=date(2025, 8, 5), summary="順調", by=world.staff)
    status = plan_review_status(plan=plan, today=date(2025, 8, 11))
    assert (status.due_on, status.overdue) == (date(2025, 11, 5), False)


def test_office_list_of_reviews_due_has_overdue_open_plans_only(world):
    overdue = SupportPlanFactory(client=ClientFactory(office=world.office), created_by=world.supervisor)
    SupportPlanFactory(client=ClientFactory(office=world.office), created_by=world.supervisor,
                       closed_on=date(2025, 6, 1))
    SupportPlanFactory(client=ClientFactory(office=world.other_office), created_by=world.outsider)
    due = support_plans_review_due(office=world.office, today=date(2025, 9, 1))
    assert [d.plan for d in due] == [overdue]
    assert due[0].status.overdue


def test_client_page_shows_the_overdue_review(world, staff_client):
    plan = SupportPlanFactory(client=ClientFactory(office=world.office), created_by=world.supervisor,
                              period_start=date(2020, 1, 1), created_on=date(2020, 1, 1))
    html = staff_client.get(reverse("clients:detail", args=[plan.client_id])).content.decode()
    assert "モニタリング" in html and "2020-04-01" in html

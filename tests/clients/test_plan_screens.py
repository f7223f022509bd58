"""Rules of the support plan screens: another office's plan answers 404, staff read but get 403 on every write
(and nothing changes), a refusal shows on the form's field (never a 500), the plan page shows the whole plan
with the employment goal beside the career profile, and its query count does not grow with the plan's
history."""

from datetime import date

import pytest
from django.urls import reverse

from attendance.services import attendance_month_close
from clients.models import CareerProfile, JobField, SupportPlan, SupportPlanReview
from clients.plans import (
    Progress,
    support_plan_create,
    support_plan_record_agreement,
    support_plan_review_add,
    support_plan_revise,
)
from tests.conftest import logged_in
from tests.factories import ClientFactory, enrolled_client

pytestmark = pytest.mark.usefixtures("clock")  # today is 2025-06-13

CONTENTS = {
    "period_start": date(2025, 5, 1),
    "period_end": date(2025, 10, 31),
    "overall_policy": "週1回の面談",
    "long_term_goal": "一般就労する",
}
GOALS = [
    {"goal": "週4日通所する", "support": "通所の振り返り", "provider": "生活支援員"},
    {"goal": "事務職に就く", "support": "職場開拓と同行", "provider": "就労支援員", "is_employment": True},
]


def make_plan(world, *, agreed_on=None, client=None) -> SupportPlan:
    plan = support_plan_create(
        client=client or enrolled_client(world.office),
        data=CONTENTS,
        goals=GOALS,
        created_on=date(2025, 4, 25),
        by=world.supervisor,
    )
    if agreed_on:
        support_plan_record_agreement(plan=plan, agreed_on=agreed_on, by=world.supervisor)
    return plan


def form_post(**fields) -> dict:
    data = {
        "goals-TOTAL_FORMS": "2",
        "goals-INITIAL_FORMS": "0",
        "service": "transition",
        "created_on": "2025-04-25",
        "period_start": "2025-05-01",
        "period_end": "2025-10-31",
        "overall_policy": "週1回の面談",
        "long_term_goal": "一般就労する",
        "goals-0-goal": "週4日通所する",
        "goals-0-support": "通所の振り返り",
        "goals-0-provider": "生活支援員",
        "goals-1-goal": "事務職に就く",
        "goals-1-support": "職場開拓",
        "goals-1-is_employment": "on",
    }
    data.update(fields)
    return data


def test_a_supervisor_creates_a_draft_with_goals_from_the_form(world, supervisor_client):
    client = enrolled_client(world.office)
    response = supervisor_client.post(reverse("clients:plan_create", args=[client.pk]), form_post())
    plan = SupportPlan.objects.get()
    assert response.status_code == 302 and response.url == reverse("clients:plan_detail", args=[plan.pk])
    assert [(g.goal, g.is_employment) for g in plan.goals.all()] == [("週4日通所する", False), ("事務職に就く", True)]


def test_staff_cannot_create_a_plan_and_nothing_is_saved(world, staff_client):
    client = enrolled_client(world.office)
    response = staff_client.post(reverse("clients:plan_create", args=[client.pk]), form_post())
    assert response.status_code == 403
    assert not SupportPlan.objects.exists()


@pytest.mark.parametrize(
    "url_name",
    [
        "plan_edit",
        "plan_meeting",
        "plan_agreement",
        "plan_delivery",
        "plan_consultation",
        "plan_revise",
        "plan_close",
        "plan_review",
    ],
)
def test_staff_get_403_on_every_write_and_nothing_changes(world, staff_client, url_name):
    plan = make_plan(world, agreed_on=date(2025, 4, 30))
    response = staff_client.post(
        reverse(f"clients:{url_name}", args=[plan.pk]),
        {
            "meeting_on": "2025-04-28",
            "attendees": "本人",
            "agreed_on": "2025-04-30",
            "delivered_on": "2025-05-01",
            "closed_on": "2025-06-01",
            "created_on": "2025-06-01",
            "reviewed_on": "2025-06-01",
            "summary": "順調",
        },
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert (plan.meeting_on, plan.delivered_on, plan.closed_on) == (None, None, None)
    assert SupportPlan.objects.count() == 1 and not SupportPlanReview.objects.exists()


def test_staff_read_the_plan_page(world, staff_client):
    plan = make_plan(world)
    html = staff_client.get(reverse("clients:plan_detail", args=[plan.pk])).content.decode()
    assert "週4日通所する" in html
    assert reverse("clients:plan_edit", args=[plan.pk]) not in html  # no write links for staff


@pytest.mark.parametrize("url_name", ["plan_detail", "plan_edit", "plan_agreement", "plan_review"])
def test_another_offices_plan_answers_404(world, url_name):
    plan = make_plan(world)
    response = logged_in(world.outsider).get(reverse(f"clients:{url_name}", args=[plan.pk]))
    assert response.status_code == 404


def test_a_refusal_shows_on_the_dates_field(world, supervisor_client):
    plan = make_plan(world)
    response = supervisor_client.post(reverse("clients:plan_agreement", args=[plan.pk]), {"agreed_on": "2025-04-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["agreed_on"]


def test_a_closed_month_refusal_shows_on_the_form_not_as_a_500(world, supervisor_client):
    client = enrolled_client(world.office, period=(date(2025, 4, 1), date(2026, 3, 31)))
    plan = support_plan_create(
        client=client,
        data={**CONTENTS, "period_start": date(2025, 4, 1)},
        created_on=date(2025, 4, 1),
        by=world.supervisor,
    )
    attendance_month_close(office=world.office, month=date(2025, 4, 1), by=world.manager)
    response = supervisor_client.post(reverse("clients:plan_agreement", args=[plan.pk]), {"agreed_on": "2025-04-10"})
    assert response.status_code == 200
    assert "2025-04" in " ".join(response.context["form"].errors["agreed_on"])


def test_the_form_shows_a_goal_without_support_on_its_row(world, supervisor_client):
    client = enrolled_client(world.office)
    response = supervisor_client.post(
        reverse("clients:plan_create", args=[client.pk]), form_post(**{"goals-1-support": ""})
    )
    assert response.status_code == 200
    assert response.context["goals"].forms[1].errors["support"]
    assert not SupportPlan.objects.exists()


def test_an_agreed_plan_is_not_edited_from_the_screen(world, supervisor_client):
    plan = make_plan(world, agreed_on=date(2025, 4, 30))
    response = supervisor_client.get(reverse("clients:plan_edit", args=[plan.pk]))
    assert response.status_code == 302 and response.url == reverse("clients:plan_detail", args=[plan.pk])


def test_the_monitoring_form_has_one_row_per_goal_and_offers_a_new_version(world, supervisor_client):
    plan = make_plan(world, agreed_on=date(2025, 4, 30))
    first, second = plan.goals.all()
    page = supervisor_client.get(reverse("clients:plan_review", args=[plan.pk]))
    assert len(page.context["rows"]) == 2
    response = supervisor_client.post(
        reverse("clients:plan_review", args=[plan.pk]),
        {
            "reviewed_on": "2025-06-10",
            "summary": "通所は安定",
            "person_view": "応募したい",
            "changes_plan": "on",
            "progress-TOTAL_FORMS": "2",
            "progress-INITIAL_FORMS": "2",
            "progress-0-goal": first.pk,
            "progress-0-status": "achieved",
            "progress-0-note": "達成",
            "progress-1-goal": second.pk,
            "progress-1-status": "progressing",
        },
    )
    assert response.status_code == 302
    review = SupportPlanReview.objects.get()
    assert [(p.goal_id, p.status) for p in review.progress.all()] == [
        (first.pk, "achieved"),
        (second.pk, "progressing"),
    ]
    html = supervisor_client.get(reverse("clients:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("clients:plan_revise", args=[plan.pk]) in html


def test_a_progress_row_for_a_goal_of_another_plan_is_refused_on_the_form(world, supervisor_client):
    plan = make_plan(world, agreed_on=date(2025, 4, 30))
    foreign = make_plan(world).goals.first()
    response = supervisor_client.post(
        reverse("clients:plan_review", args=[plan.pk]),
        {
            "reviewed_on": "2025-06-10",
            "summary": "順調",
            "progress-TOTAL_FORMS": "1",
            "progress-INITIAL_FORMS": "1",
            "progress-0-goal": foreign.pk,
            "progress-0-status": "achieved",
        },
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not SupportPlanReview.objects.exists()


def test_the_plan_page_shows_the_employment_goal_beside_the_career_profile(world, staff_client):
    plan = make_plan(world)
    CareerProfile.objects.create(
        client=plan.client,
        dream_job="図書館司書",
        job_fields=[JobField.OFFICE],
        hours_per_week=20,
        updated_by=world.staff,
    )
    html = staff_client.get(reverse("clients:plan_detail", args=[plan.pk])).content.decode()
    employment = html[html.index('id="employment"') : html.index('id="contents"')]
    assert "事務職に就く" in employment and "図書館司書" in employment and "事務" in employment
    assert "20" in employment


def test_the_client_page_summarises_the_plan_in_force_and_the_next_step(world, staff_client):
    plan = make_plan(world, agreed_on=date(2025, 4, 30))
    html = staff_client.get(reverse("clients:detail", args=[plan.client_id])).content.decode()
    section = html[html.index('id="plan"') : html.index('id="profile"')]
    assert reverse("clients:plan_detail", args=[plan.pk]) in section
    assert "2025-07-30" in section  # the next monitoring: three months after the agreement


def test_old_versions_stay_readable_and_are_listed(world, staff_client):
    old = make_plan(world, agreed_on=date(2025, 4, 30))
    new = support_plan_revise(plan=old, created_on=date(2025, 5, 28), by=world.supervisor)
    support_plan_record_agreement(plan=new, agreed_on=date(2025, 6, 1), by=world.supervisor)
    html = staff_client.get(reverse("clients:plan_detail", args=[new.pk])).content.decode()
    assert reverse("clients:plan_detail", args=[old.pk]) in html
    old_page = staff_client.get(reverse("clients:plan_detail", args=[old.pk]))
    assert old_page.status_code == 200 and "2025-06-01" in old_page.content.decode()


@pytest.mark.parametrize("reviews", [1, 6])
def test_plan_page_queries_do_not_grow_with_history(world, staff_client, django_assert_max_num_queries, reviews):
    client = ClientFactory(office=world.office)
    plan = make_plan(world, agreed_on=date(2025, 4, 30), client=client)
    goals = list(plan.goals.all())
    for i in range(reviews):
        support_plan_review_add(
            plan=plan,
            reviewed_on=date(2025, 5, 1 + i),
            summary=f"記録{i}",
            progress=[Progress(g, "progressing") for g in goals],
            by=world.supervisor,
        )
    # session, user, membership, plan, goals, reviews, progress, versions, signatures, profile, figures, the read
    # log's INSERT (+1 in a test's transaction: tests/compostela/test_sensitive_reads.py)
    with django_assert_max_num_queries(16):
        response = staff_client.get(reverse("clients:plan_detail", args=[plan.pk]))
    assert f"記録{reviews - 1}" in response.content.decode()

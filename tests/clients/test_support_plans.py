"""Rules of the support plan's services (clients.plans): a supervisor writes the draft with its goals table,
edits it only until the client agrees, records each step with its date (past dates allowed, never after
today), revises an agreed plan as a new version that keeps the old one readable, and records monitoring with
progress per goal; staff cannot write; an entry that would change a month billing has closed is refused."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from attendance.services import attendance_month_close
from clients.errors import ClientError
from clients.models import CertificateService, GoalProgressStatus, PlanGoal, SupportPlan, SupportPlanReview
from clients.plans import (
    Progress,
    plan_default_service,
    support_plan_close,
    support_plan_create,
    support_plan_record_agreement,
    support_plan_record_consultation_copy,
    support_plan_record_delivery,
    support_plan_record_meeting,
    support_plan_review_add,
    support_plan_revise,
    support_plan_update,
)
from compostela.errors import CompostelaError
from tests.factories import (
    CertificateFactory,
    ClientFactory,
    SupportCertificateFactory,
    enrolled_client,
)
from tests.helpers import codes_of

pytestmark = pytest.mark.usefixtures("clock")  # today is 2025-06-13

CONTENTS = {
    "period_start": date(2025, 5, 1),
    "period_end": date(2025, 10, 31),
    "assessed_on": date(2025, 4, 20),
    "assessment": "通所は週3日",
    "person_wishes": "事務の仕事がしたい",
    "overall_policy": "週1回の面談",
    "long_term_goal": "一般就労する",
    "short_term_goal": "週4日通所する",
}
GOALS = [
    {
        "goal": "週4日通所する",
        "support": "通所の振り返り",
        "provider": "生活支援員",
        "frequency": "週1回",
        "target_on": date(2025, 7, 31),
    },
    {"goal": "事務の求人に応募する", "support": "職場開拓と同行", "provider": "就労支援員", "is_employment": True},
]


def draft(world, client=None, **changes) -> SupportPlan:
    return support_plan_create(
        client=client or enrolled_client(world.office),
        data={**CONTENTS, **changes},
        goals=GOALS,
        created_on=date(2025, 4, 25),
        by=world.supervisor,
    )


def agreed(world, client=None) -> SupportPlan:
    plan = draft(world, client)
    support_plan_record_meeting(plan=plan, meeting_on=date(2025, 4, 28), attendees="本人、サビ管", by=world.supervisor)
    return support_plan_record_agreement(plan=plan, agreed_on=date(2025, 4, 30), by=world.supervisor)


def refused(call) -> set:
    with pytest.raises(ValidationError) as error:
        call()
    return codes_of(error.value)


def test_a_supervisor_writes_the_draft_with_its_goals_table(world):
    plan = draft(world)
    assert (plan.version, plan.service, plan.created_on, plan.created_by) == (
        1,
        CertificateService.TRANSITION,
        date(2025, 4, 25),
        world.supervisor,
    )
    assert [(g.order, g.goal, g.is_employment) for g in plan.goals.all()] == [
        (1, "週4日通所する", False),
        (2, "事務の求人に応募する", True),
    ]
    assert plan.step == "draft"


def test_staff_cannot_write_a_plan_and_nothing_is_saved(world):
    with pytest.raises(PermissionDenied):
        support_plan_create(client=enrolled_client(world.office), data=CONTENTS, by=world.staff)
    assert not SupportPlan.objects.exists()


def test_staff_cannot_record_a_monitoring(world):
    plan = agreed(world)
    with pytest.raises(PermissionDenied):
        support_plan_review_add(plan=plan, reviewed_on=date(2025, 6, 1), summary="順調", by=world.staff)
    assert not SupportPlanReview.objects.exists()


def test_the_draft_date_cannot_be_after_today(world, today):
    codes = refused(
        lambda: support_plan_create(
            client=enrolled_client(world.office),
            data=CONTENTS,
            created_on=today + timedelta(days=1),
            by=world.supervisor,
        )
    )
    assert codes == {CompostelaError.FUTURE_DATE}


def test_a_goal_without_its_support_is_refused_with_its_row(world):
    with pytest.raises(ValidationError) as error:
        support_plan_create(
            client=enrolled_client(world.office),
            data=CONTENTS,
            goals=[{"goal": "通所"}],
            created_on=date(2025, 4, 25),
            by=world.supervisor,
        )
    assert "1" in error.value.messages[0]
    assert not SupportPlan.objects.exists()


def test_a_second_open_plan_over_the_same_dates_is_refused(world):
    plan = draft(world)
    codes = refused(lambda: draft(world, plan.client))
    assert codes == {ClientError.PLAN_OPEN_ALREADY}


def test_retention_support_is_the_default_service_of_an_employed_client(world, today):
    client = ClientFactory(office=world.office, status="employed")
    SupportCertificateFactory(client=client, period_start=date(2025, 1, 1), period_end=date(2027, 12, 31))
    assert plan_default_service(client=client, day=today) == CertificateService.RETENTION_SUPPORT
    plan = support_plan_create(client=client, data=CONTENTS, created_on=date(2025, 4, 25), by=world.supervisor)
    assert plan.service == CertificateService.RETENTION_SUPPORT


def test_transition_is_the_default_with_a_transition_certificate(world, today):
    client = ClientFactory(office=world.office)
    CertificateFactory(client=client)
    assert plan_default_service(client=client, day=today) == CertificateService.TRANSITION


def test_a_draft_is_edited_and_its_goals_table_rewritten(world):
    plan = draft(world)
    support_plan_update(plan=plan, data={"care_points": "午前は体調が揺れやすい"}, goals=GOALS[1:], by=world.supervisor)
    plan.refresh_from_db()
    assert plan.care_points == "午前は体調が揺れやすい"
    assert [(g.order, g.goal) for g in plan.goals.all()] == [(1, "事務の求人に応募する")]


def test_an_agreed_plan_is_not_edited(world):
    plan = agreed(world)
    codes = refused(lambda: support_plan_update(plan=plan, data={"care_points": "変更"}, by=world.supervisor))
    assert codes == {ClientError.PLAN_AGREED}
    plan.refresh_from_db()
    assert plan.care_points == ""


def test_each_step_is_recorded_with_its_date(world):
    plan = agreed(world)
    support_plan_record_delivery(plan=plan, delivered_on=date(2025, 5, 1), by=world.supervisor)
    support_plan_record_consultation_copy(
        plan=plan, consultation_office="相談室ぽっけ", sent_on=date(2025, 5, 2), by=world.supervisor
    )
    plan.refresh_from_db()
    assert (
        plan.assessed_on,
        plan.created_on,
        plan.meeting_on,
        plan.meeting_attendees,
        plan.agreed_on,
        plan.delivered_on,
        plan.consultation_office,
        plan.consultation_sent_on,
    ) == (
        date(2025, 4, 20),
        date(2025, 4, 25),
        date(2025, 4, 28),
        "本人、サビ管",
        date(2025, 4, 30),
        date(2025, 5, 1),
        "相談室ぽっけ",
        date(2025, 5, 2),
    )
    assert plan.step == "delivered"


def test_a_plan_entered_two_years_back_is_accepted(world):
    client = enrolled_client(world.office, period=(date(2023, 4, 1), date(2025, 3, 31)))
    plan = support_plan_create(
        client=client,
        data={**CONTENTS, "period_start": date(2023, 4, 1), "period_end": date(2023, 9, 30), "assessed_on": None},
        created_on=date(2023, 3, 25),
        by=world.supervisor,
    )
    support_plan_record_agreement(plan=plan, agreed_on=date(2023, 3, 31), by=world.supervisor)
    plan.refresh_from_db()
    assert plan.agreed_on == date(2023, 3, 31)  # agreed before the first day of use: normal


def test_the_steps_keep_their_order(world):
    plan = draft(world)
    assert refused(
        lambda: support_plan_record_meeting(
            plan=plan, meeting_on=date(2025, 4, 24), attendees="本人", by=world.supervisor
        )
    ) == {ClientError.PLAN_MEETING_BEFORE_DRAFT}
    assert refused(
        lambda: support_plan_record_agreement(plan=plan, agreed_on=date(2025, 4, 24), by=world.supervisor)
    ) == {ClientError.PLAN_AGREED_BEFORE_CREATED}
    assert refused(
        lambda: support_plan_record_delivery(plan=plan, delivered_on=date(2025, 5, 1), by=world.supervisor)
    ) == {ClientError.PLAN_NOT_AGREED}
    assert refused(
        lambda: support_plan_record_consultation_copy(
            plan=plan, consultation_office="相談室", sent_on=date(2025, 5, 1), by=world.supervisor
        )
    ) == {ClientError.PLAN_NOT_AGREED}
    support_plan_record_meeting(plan=plan, meeting_on=date(2025, 4, 28), attendees="本人", by=world.supervisor)
    assert refused(
        lambda: support_plan_record_agreement(plan=plan, agreed_on=date(2025, 4, 27), by=world.supervisor)
    ) == {ClientError.PLAN_AGREED_BEFORE_MEETING}
    support_plan_record_agreement(plan=plan, agreed_on=date(2025, 4, 30), by=world.supervisor)
    assert refused(
        lambda: support_plan_record_delivery(plan=plan, delivered_on=date(2025, 4, 29), by=world.supervisor)
    ) == {ClientError.PLAN_DELIVERED_BEFORE_AGREED}


def test_a_step_dated_after_today_is_refused(world, today):
    plan = draft(world)
    assert refused(
        lambda: support_plan_record_meeting(
            plan=plan, meeting_on=today + timedelta(days=1), attendees="本人", by=world.supervisor
        )
    ) == {CompostelaError.FUTURE_DATE}


def test_revising_an_agreed_plan_makes_a_new_draft_and_keeps_the_old(world, today):
    old = agreed(world)
    new = support_plan_revise(plan=old, by=world.supervisor)
    assert (new.version, new.revises, new.agreed_on, new.created_on, new.long_term_goal) == (
        2,
        old,
        None,
        today,
        old.long_term_goal,
    )
    assert [g.goal for g in new.goals.all()] == [g.goal for g in old.goals.all()]
    old.refresh_from_db()
    assert (old.agreed_on, old.closed_on) == (date(2025, 4, 30), None)  # in force until the new one is agreed
    assert refused(lambda: support_plan_revise(plan=old, by=world.supervisor)) == {ClientError.PLAN_OPEN_ALREADY}
    # when the new version is agreed, the old one is closed that day and stays readable
    support_plan_record_agreement(plan=new, agreed_on=today, by=world.supervisor)
    old.refresh_from_db()
    assert old.closed_on == today
    assert old.goals.count() == 2


def test_a_draft_is_edited_not_revised(world):
    plan = draft(world)
    assert refused(lambda: support_plan_revise(plan=plan, by=world.supervisor)) == {ClientError.PLAN_NOT_AGREED}


def test_a_closed_plan_takes_no_step(world):
    plan = agreed(world)
    support_plan_close(plan=plan, closed_on=date(2025, 5, 31), by=world.supervisor)
    assert refused(
        lambda: support_plan_record_delivery(plan=plan, delivered_on=date(2025, 6, 1), by=world.supervisor)
    ) == {ClientError.PLAN_CLOSED}
    assert refused(lambda: support_plan_close(plan=plan, closed_on=date(2025, 6, 1), by=world.supervisor)) == {
        ClientError.PLAN_CLOSED
    }
    assert refused(
        lambda: support_plan_review_add(plan=plan, reviewed_on=date(2025, 6, 1), summary="順調", by=world.supervisor)
    ) == {ClientError.PLAN_CLOSED}
    # a monitoring dated before the closing is history, and accepted
    assert support_plan_review_add(plan=plan, reviewed_on=date(2025, 5, 30), summary="順調", by=world.supervisor)


def test_a_monitoring_records_progress_per_goal(world):
    plan = agreed(world)
    first, second = plan.goals.all()
    review = support_plan_review_add(
        plan=plan,
        reviewed_on=date(2025, 6, 10),
        summary="通所は安定",
        person_view="応募を始めたい",
        changes_plan=True,
        progress=[Progress(first, GoalProgressStatus.ACHIEVED, "週4日を達成"), Progress(second, "not_yet")],
        by=world.supervisor,
    )
    assert (review.reviewed_by, review.changes_plan, review.person_view) == (world.supervisor, True, "応募を始めたい")
    assert [(p.goal.order, p.status, p.note) for p in review.progress.all()] == [
        (1, "achieved", "週4日を達成"),
        (2, "not_yet", ""),
    ]


def test_a_monitoring_needs_the_agreement_and_its_own_goals(world):
    plan = draft(world)
    assert refused(
        lambda: support_plan_review_add(plan=plan, reviewed_on=date(2025, 6, 1), summary="順調", by=world.supervisor)
    ) == {ClientError.PLAN_NOT_AGREED}
    plan = agreed(world)
    assert refused(
        lambda: support_plan_review_add(plan=plan, reviewed_on=date(2025, 4, 29), summary="順調", by=world.supervisor)
    ) == {ClientError.REVIEW_BEFORE_PLAN}
    other_goal = agreed(world).goals.first()
    assert refused(
        lambda: support_plan_review_add(
            plan=plan,
            reviewed_on=date(2025, 6, 1),
            summary="順調",
            progress=[Progress(other_goal, "achieved")],
            by=world.supervisor,
        )
    ) == {ClientError.PROGRESS_GOAL_OF_ANOTHER_PLAN}
    goal = plan.goals.first()
    assert refused(
        lambda: support_plan_review_add(
            plan=plan,
            reviewed_on=date(2025, 6, 1),
            summary="順調",
            progress=[Progress(goal, "achieved"), Progress(goal, "not_yet")],
            by=world.supervisor,
        )
    ) == {ClientError.PROGRESS_ONCE}
    assert not SupportPlanReview.objects.exists() and not PlanGoal.objects.filter(progress__isnull=False).exists()


# --- closed months: PLAN_CHANGES_CLOSED_MONTH -------------------------------------------------------------


def test_an_agreement_that_changes_a_closed_month_is_refused(world):
    # given a client in service since April 2025 without an agreed plan, and April closed by billing
    client = enrolled_client(world.office, period=(date(2025, 4, 1), date(2026, 3, 31)))
    plan = support_plan_create(
        client=client,
        data={**CONTENTS, "period_start": date(2025, 4, 1), "assessed_on": None},
        created_on=date(2025, 4, 1),
        by=world.supervisor,
    )
    attendance_month_close(office=world.office, month=date(2025, 4, 1), by=world.manager)
    # when an agreement dated in April is entered, April's missing-plan reduction would change: refused
    assert refused(
        lambda: support_plan_record_agreement(plan=plan, agreed_on=date(2025, 4, 10), by=world.supervisor)
    ) == {ClientError.PLAN_CHANGES_CLOSED_MONTH}
    plan.refresh_from_db()
    assert plan.agreed_on is None
    # an agreement dated in May (the open month) changes no closed month: accepted
    support_plan_record_agreement(plan=plan, agreed_on=date(2025, 5, 2), by=world.supervisor)


def test_a_monitoring_that_changes_a_closed_month_is_refused(world):
    # given a plan agreed on 2025-01-10, not monitored by 2025-04-10: April is "monitoring late", and closed
    client = enrolled_client(world.office, period=(date(2025, 1, 1), date(2026, 3, 31)))
    plan = support_plan_create(
        client=client,
        data={**CONTENTS, "period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31), "assessed_on": None},
        created_on=date(2025, 1, 5),
        by=world.supervisor,
    )
    support_plan_record_agreement(plan=plan, agreed_on=date(2025, 1, 10), by=world.supervisor)
    attendance_month_close(office=world.office, month=date(2025, 4, 1), by=world.manager)
    # when a monitoring of 2025-04-05 is entered, April would become covered: refused on its date
    with pytest.raises(ValidationError) as error:
        support_plan_review_add(plan=plan, reviewed_on=date(2025, 4, 5), summary="順調", by=world.supervisor)
    assert codes_of(error.value) == {ClientError.PLAN_CHANGES_CLOSED_MONTH}
    assert "reviewed_on" in error.value.message_dict
    assert not SupportPlanReview.objects.exists()
    # a monitoring in the open month June is accepted
    support_plan_review_add(plan=plan, reviewed_on=date(2025, 6, 2), summary="順調", by=world.supervisor)


def test_a_plan_drafted_and_agreed_outside_closed_months_is_accepted(world):
    client = enrolled_client(world.office, period=(date(2025, 4, 1), date(2026, 3, 31)))
    attendance_month_close(office=world.office, month=date(2025, 3, 1), by=world.manager)
    plan = draft(world, client)
    support_plan_record_agreement(plan=plan, agreed_on=date(2025, 5, 1), by=world.supervisor)

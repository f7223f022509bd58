"""Writes of the individual support plan (個別支援計画) and its monitoring (モニタリング): one function per step.

The plan's steps are dates: assessment and draft (原案, written with the contents and the goals table) →
support-plan meeting (個別支援会議, who attended) → the client's agreement (同意) → handed over (交付) →
a copy to the client's consultation-support office (相談支援事業所).  The contents change only while the plan
is a draft; an agreed plan is changed by a new version (``support_plan_revise``), which keeps the old one
readable.  **The old version is closed on the day the new version is agreed** (not the day before the new
period starts): until that day the old plan is the one in force, and the missing-plan rule
(``regulations.rules.plan_month``) takes the latest agreement in force on each day anyway, so closing it
changes no month's facts.

Supervisors (サービス管理責任者) and managers write plans and monitoring; staff read them.  Every date may be
in the past (entering history), but a date of what happened (the assessment, the draft, the meeting, the
agreement, the hand-over, the copy, the monitoring) is never after today, and every write calls
``clients.plan_guard.refuse_closed_month_change`` with the client's plans before and after, so an entry that
would change the missing-plan reduction of a month billing has closed is refused on the form's date field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clients.errors import ClientError
from clients.models import (
    CertificateService,
    Client,
    ClientStatus,
    GoalProgress,
    PlanGoal,
    SupportPlan,
    SupportPlanReview,
)
from clients.plan_guard import PlanFacts, plan_facts, refuse_closed_month_change
from compostela.audit import audited
from compostela.dates import refuse_future_date
from compostela.models import Membership, Office, Role, User
from compostela.scoping import require_role

MSG_PLAN_SUPERVISOR_ONLY = gettext_noop("Only a supervisor can write support plans and their monitoring.")
MSG_PLAN_CLOSED = gettext_noop("This support plan is closed.")
MSG_PLAN_CLOSE_BEFORE_CREATED = gettext_noop("A plan cannot be closed before it was created.")
MSG_PLAN_AGREED_BEFORE_CREATED = gettext_noop("The client cannot agree to a plan before it was created.")
MSG_PLAN_AGREED = gettext_noop(
    "The client has agreed to this plan: its contents no longer change. Make a new version to change them."
)
MSG_PLAN_NOT_AGREED = gettext_noop("Record the client's agreement first.")
MSG_PLAN_OPEN_ALREADY = gettext_noop(
    "The client has an open plan of this service over these dates (version %(version)s). Make a new version of "
    "it, or close it first."
)
MSG_REVISION_OPEN_ALREADY = gettext_noop("A new version of this plan is being drafted already (version %(version)s).")
MSG_REVIEW_BEFORE_PLAN = gettext_noop("A monitoring is dated on or after the client agreed to the plan.")
MSG_REVIEW_AFTER_CLOSED = gettext_noop("The plan was closed on %(closed)s: a monitoring after that day is refused.")
MSG_PROGRESS_GOAL_OF_ANOTHER_PLAN = gettext_noop("This goal is not one of the plan's goals.")
MSG_PROGRESS_ONCE = gettext_noop("Each goal's progress is given once.")
MSG_GOAL_ROW = gettext_noop("Goal %(number)s: %(message)s")

# the contents written in the draft (and copied into a new version)
PLAN_FIELDS = (
    "period_start",
    "period_end",
    "assessed_on",
    "assessment",
    "person_wishes",
    "family_wishes",
    "overall_policy",
    "issues",
    "long_term_goal",
    "long_term_goal_by",
    "short_term_goal",
    "short_term_goal_by",
    "care_points",
)
PLAN_TEXT_FIELDS = (
    "assessment",
    "person_wishes",
    "family_wishes",
    "overall_policy",
    "issues",
    "long_term_goal",
    "short_term_goal",
    "care_points",
)
GOAL_FIELDS = (
    "goal",
    "target_on",
    "person_role",
    "support",
    "provider",
    "staff",
    "frequency",
    "support_until",
    "is_employment",
)


@dataclass(frozen=True)
class Progress:
    """One row of a monitoring: a goal of the plan, how far it got, a note."""

    goal: PlanGoal
    status: str
    note: str = ""


# --- shared checks --------------------------------------------------------------------------------------


def _require_supervisor(user: User, office: Office) -> None:
    require_role(user, office, Role.SUPERVISOR, _(MSG_PLAN_SUPERVISOR_ONLY))


def _locked(plan: SupportPlan) -> SupportPlan:
    """The plan, locked for the step, with its client and office (the client's row is locked first, so two
    writers of one client's plans queue up and the closed-month guard compares against a stable set)."""
    Client.objects.select_for_update().filter(pk=plan.client_id).first()
    return SupportPlan.objects.select_for_update().select_related("client__office").get(pk=plan.pk)


def _facts_of_service(client: Client, service: str) -> dict[int, PlanFacts]:
    """The facts of the client's plans of ``service`` by plan id (two queries), the missing-plan rule's
    reading."""
    plans = SupportPlan.objects.filter(client=client, service=service).prefetch_related("reviews")
    return {p.pk: plan_facts(p) for p in plans}


def _guard(plan: SupportPlan, *, before: dict[int, PlanFacts], after: PlanFacts, field: str) -> None:
    """Refuse, on ``field``, a change of ``plan`` (its facts now ``after``; ``before``: the service's plans'
    facts before the change) that changes a closed month."""
    others = [facts for pk, facts in before.items() if pk != plan.pk]
    refuse_closed_month_change(
        client=plan.client, service=plan.service, before=list(before.values()), after=[*others, after], field=field
    )


# the dates of what happened: never after today (entering history is fine)
STEP_DATES = ("assessed_on", "created_on", "meeting_on", "agreed_on", "delivered_on", "consultation_sent_on")


def _happened(day: date | None, field: str) -> None:
    if day is not None:
        refuse_future_date(day, field=field)


def refuse_future_steps(plan: SupportPlan) -> None:
    """The plan's first step date (``STEP_DATES``, in their order) after today refused on its field — what
    each step's screen checks one date at a time, for ``import_plans``, which brings them all at once."""
    for name in STEP_DATES:
        _happened(getattr(plan, name), name)


def _refuse_closed(plan: SupportPlan) -> None:
    if plan.closed_on is not None:
        raise ValidationError(_(MSG_PLAN_CLOSED), code=ClientError.PLAN_CLOSED)


def _refuse_agreed(plan: SupportPlan) -> None:
    _refuse_closed(plan)
    if plan.agreed_on is not None:
        raise ValidationError(_(MSG_PLAN_AGREED), code=ClientError.PLAN_AGREED)


def _require_agreed(plan: SupportPlan, field: str) -> None:
    _refuse_closed(plan)
    if plan.agreed_on is None:
        raise ValidationError({field: ValidationError(_(MSG_PLAN_NOT_AGREED), code=ClientError.PLAN_NOT_AGREED)})


def plan_default_service(*, client: Client, day: date) -> str:
    """The service a new plan is for, unless chosen: 就労定着支援 for an employed client or one whose
    retention-support certificate covers ``day`` without a transition one; else 就労移行支援."""
    current = {c.service for c in client.certificates.filter(period_start__lte=day, period_end__gte=day)}
    if CertificateService.TRANSITION in current:
        return CertificateService.TRANSITION
    if CertificateService.RETENTION_SUPPORT in current or client.status == ClientStatus.EMPLOYED:
        return CertificateService.RETENTION_SUPPORT
    return CertificateService.TRANSITION


def _apply_contents(plan: SupportPlan, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in PLAN_FIELDS:
        if name in data:
            value = data[name]
            if name in PLAN_TEXT_FIELDS:
                value = (value or "").strip()
            setattr(plan, name, value)
            changed.append(name)
    return changed


def _build_goals(plan: SupportPlan, goals: Iterable[Mapping[str, Any]]) -> list[PlanGoal]:
    """The goals table from ``goals`` (dicts of ``GOAL_FIELDS``; a row without goal and support is skipped),
    each checked; a goal's staff member must belong to the client's office."""
    rows, errors = [], []
    staff_ids = {row["staff"].pk for row in goals if row.get("staff") is not None}
    members = (
        set(
            Membership.objects.filter(office_id=plan.client.office_id, user_id__in=staff_ids).values_list(
                "user_id", flat=True
            )
        )
        if staff_ids
        else set()
    )
    for row in goals:
        if not (row.get("goal") or "").strip() and not (row.get("support") or "").strip():
            continue
        number = len(rows) + 1
        goal = PlanGoal(
            plan=plan,
            order=number,
            **{
                name: (row.get(name) or "").strip()
                if name in ("goal", "person_role", "support", "provider", "frequency")
                else row.get(name)
                for name in GOAL_FIELDS
            },
        )
        goal.is_employment = bool(goal.is_employment)
        if goal.staff is not None and goal.staff.pk not in members:
            errors.append(
                ValidationError(
                    _(MSG_GOAL_ROW)
                    % {"number": number, "message": _("This person has no role in the client's office.")},
                    code=ClientError.NOT_IN_OFFICE,
                )
            )
        try:
            # the table's own rules first, so an empty goal or support gets its own message, not "blank"
            goal.validate_constraints(exclude=["plan"])
            goal.full_clean(exclude=["plan"], validate_constraints=False)
        except ValidationError as error:
            for field_errors in error.error_dict.values():
                for each in field_errors:
                    message = each.message % each.params if each.params else each.message
                    errors.append(
                        ValidationError(_(MSG_GOAL_ROW) % {"number": number, "message": message}, code=each.code)
                    )
        rows.append(goal)
    if errors:
        raise ValidationError(errors)
    return rows


def _save_goals(plan: SupportPlan, goals: list[PlanGoal]) -> None:
    for goal in goals:
        goal.plan = plan
        goal.save()


# --- the draft --------------------------------------------------------------------------------------------


@audited(by="by")
@transaction.atomic
def support_plan_create(
    *,
    client: Client,
    data: Mapping[str, Any],
    goals: Iterable[Mapping[str, Any]] = (),
    service: str | None = None,
    created_on: date | None = None,
    by: User,
) -> SupportPlan:
    """A new plan's draft (原案) with its contents (``PLAN_FIELDS`` in ``data``) and goals table, written on
    ``created_on`` (default today; may be in the past).  The service defaults to ``plan_default_service``.
    Refused while the client has an open plan of the service whose period overlaps this one
    (``PLAN_OPEN_ALREADY``: make a new version of it instead)."""
    client = Client.objects.select_for_update().select_related("office").get(pk=client.pk)
    _require_supervisor(by, client.office)
    created_on = created_on or timezone.localdate()
    _happened(created_on, "created_on")
    _happened(data.get("assessed_on"), "assessed_on")
    service = service or plan_default_service(client=client, day=created_on)
    plan = SupportPlan(client=client, service=service, created_by=by, created_on=created_on)
    _apply_contents(plan, data)
    plan.version = (
        SupportPlan.objects.filter(client=client, service=service).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    plan.full_clean(validate_constraints=False)
    overlapping = (
        SupportPlan.objects.filter(
            client=client,
            service=service,
            closed_on__isnull=True,
            period_start__lte=plan.period_end,
            period_end__gte=plan.period_start,
        )
        .order_by("-version")
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {
                "period_start": ValidationError(
                    _(MSG_PLAN_OPEN_ALREADY) % {"version": overlapping.version}, code=ClientError.PLAN_OPEN_ALREADY
                )
            }
        )
    plan.validate_constraints()
    rows = _build_goals(plan, list(goals))
    before = list(_facts_of_service(client, service).values())
    refuse_closed_month_change(
        client=client, service=service, before=before, after=[*before, plan_facts(plan, [])], field="period_start"
    )
    plan.save()
    _save_goals(plan, rows)
    return plan


@audited(by="by")
@transaction.atomic
def support_plan_update(
    *,
    plan: SupportPlan,
    data: Mapping[str, Any],
    goals: Iterable[Mapping[str, Any]] | None = None,
    created_on: date | None = None,
    by: User,
) -> SupportPlan:
    """Edit a draft: its contents, the draft's date and the goals table (``goals``: the whole table, in
    order; ``None`` leaves it as it is).  Only while the client has not agreed (``PLAN_AGREED``)."""
    plan = _locked(plan)
    _require_supervisor(by, plan.client.office)
    _refuse_agreed(plan)
    before = _facts_of_service(plan.client, plan.service)
    fields = _apply_contents(plan, data)
    if created_on is not None:
        _happened(created_on, "created_on")
        plan.created_on = created_on
        fields.append("created_on")
    _happened(plan.assessed_on, "assessed_on")
    plan.full_clean()
    rows = _build_goals(plan, list(goals)) if goals is not None else None
    _guard(plan, before=before, after=plan_facts(plan, []), field="period_start")
    plan.save(update_fields=fields)
    if rows is not None:
        # a draft has no monitoring yet, so nothing refers to its goals: the table is written anew
        plan.goals.all().delete()
        _save_goals(plan, rows)
    return plan


# --- the steps --------------------------------------------------------------------------------------------


@audited(by="by")
@transaction.atomic
def support_plan_record_meeting(*, plan: SupportPlan, meeting_on: date, attendees: str, by: User) -> SupportPlan:
    """個別支援会議: the support-plan meeting that discussed the draft, and who attended."""
    plan = _locked(plan)
    _require_supervisor(by, plan.client.office)
    _refuse_closed(plan)
    _happened(meeting_on, "meeting_on")
    before = _facts_of_service(plan.client, plan.service)
    plan.meeting_on, plan.meeting_attendees = meeting_on, attendees.strip()
    plan.full_clean()
    _guard(plan, before=before, after=plan_facts(plan), field="meeting_on")
    plan.save(update_fields=["meeting_on", "meeting_attendees"])
    return plan


@audited(by="by")
@transaction.atomic
def support_plan_record_agreement(*, plan: SupportPlan, agreed_on: date, by: User) -> SupportPlan:
    """The client's agreement (同意日), after the plan was explained.  The plan is in force from then (the
    missing-plan rule counts from this date).  When the plan is a new version, the version it revises is
    closed on this day."""
    plan = _locked(plan)
    _require_supervisor(by, plan.client.office)
    _refuse_closed(plan)
    _happened(agreed_on, "agreed_on")
    if agreed_on < plan.created_on:
        raise ValidationError(
            {
                "agreed_on": ValidationError(
                    _(MSG_PLAN_AGREED_BEFORE_CREATED), code=ClientError.PLAN_AGREED_BEFORE_CREATED
                )
            }
        )
    before = _facts_of_service(plan.client, plan.service)
    plan.agreed_on = agreed_on
    plan.full_clean()
    _guard(plan, before=before, after=plan_facts(plan), field="agreed_on")
    plan.save(update_fields=["agreed_on"])
    if plan.revises_id is not None:
        old = SupportPlan.objects.select_for_update().get(pk=plan.revises_id)
        if old.closed_on is None:
            old.closed_on = max(agreed_on, old.created_on)
            old.full_clean()
            old.save(update_fields=["closed_on"])
    return plan


@audited(by="by")
@transaction.atomic
def support_plan_record_delivery(*, plan: SupportPlan, delivered_on: date, by: User) -> SupportPlan:
    """交付: the agreed plan was handed over to the client."""
    plan = _locked(plan)
    _require_supervisor(by, plan.client.office)
    _require_agreed(plan, "delivered_on")
    _happened(delivered_on, "delivered_on")
    before = _facts_of_service(plan.client, plan.service)
    plan.delivered_on = delivered_on
    plan.full_clean()
    _guard(plan, before=before, after=plan_facts(plan), field="delivered_on")
    plan.save(update_fields=["delivered_on"])
    return plan


@audited(by="by")
@transaction.atomic
def support_plan_record_consultation_copy(
    *, plan: SupportPlan, consultation_office: str, sent_on: date, by: User
) -> SupportPlan:
    """A copy of the agreed plan was sent to the client's consultation-support office (相談支援事業所)."""
    plan = _locked(plan)
    _require_supervisor(by, plan.client.office)
    _require_agreed(plan, "consultation_sent_on")
    _happened(sent_on, "consultation_sent_on")
    before = _facts_of_service(plan.client, plan.service)
    plan.consultation_office, plan.consultation_sent_on = consultation_office.strip(), sent_on
    plan.full_clean()
    _guard(plan, before=before, after=plan_facts(plan), field="consultation_sent_on")
    plan.save(update_fields=["consultation_office", "consultation_sent_on"])
    return plan


@audited(by="by")
@transaction.atomic
def support_plan_revise(*, plan: SupportPlan, created_on: date | None = None, by: User) -> SupportPlan:
    """A new version of an agreed plan: a draft (written on ``created_on``, default today) with the old one's
    contents and goals, ``revises`` the old one and its version + 1.  The old one stays in force, and
    readable, until the new one is agreed (then it is closed on that day)."""
    plan = _locked(plan)
    _require_supervisor(by, plan.client.office)
    _require_agreed(plan, "created_on")
    pending = plan.revisions.filter(agreed_on__isnull=True, closed_on__isnull=True).first()
    if pending is not None:
        raise ValidationError(
            _(MSG_REVISION_OPEN_ALREADY) % {"version": pending.version}, code=ClientError.PLAN_OPEN_ALREADY
        )
    created_on = created_on or timezone.localdate()
    _happened(created_on, "created_on")
    version = SupportPlan.objects.filter(client=plan.client, service=plan.service).aggregate(v=Max("version"))["v"]
    draft = SupportPlan(
        client=plan.client,
        service=plan.service,
        version=version + 1,
        revises=plan,
        created_by=by,
        created_on=created_on,
        consultation_office=plan.consultation_office,
        **{name: getattr(plan, name) for name in PLAN_FIELDS},
    )
    if draft.assessed_on is not None and draft.assessed_on > created_on:
        draft.assessed_on = None
    draft.full_clean()
    before = list(_facts_of_service(plan.client, plan.service).values())
    refuse_closed_month_change(
        client=plan.client,
        service=plan.service,
        before=before,
        after=[*before, plan_facts(draft, [])],
        field="created_on",
    )
    draft.save()
    for goal in plan.goals.all():
        PlanGoal.objects.create(plan=draft, order=goal.order, **{name: getattr(goal, name) for name in GOAL_FIELDS})
    return draft


@audited(by="by")
@transaction.atomic
def support_plan_close(*, plan: SupportPlan, closed_on: date, by: User) -> SupportPlan:
    """Close a plan (it stays on record, readable)."""
    plan = _locked(plan)
    _require_supervisor(by, plan.client.office)
    _refuse_closed(plan)
    if closed_on < plan.created_on:
        raise ValidationError(
            {"closed_on": ValidationError(_(MSG_PLAN_CLOSE_BEFORE_CREATED), code=ClientError.PLAN_CLOSE_BEFORE_CREATED)}
        )
    before = _facts_of_service(plan.client, plan.service)
    plan.closed_on = closed_on
    plan.full_clean()
    _guard(plan, before=before, after=plan_facts(plan), field="closed_on")
    plan.save(update_fields=["closed_on"])
    return plan


# --- monitoring -------------------------------------------------------------------------------------------


def refuse_monitoring_day(*, plan: SupportPlan, reviewed_on: date) -> None:
    """The rule of a monitoring's day (the screens and ``import_plans``): the plan is agreed, and the
    monitoring is on or after the agreement and not after the plan was closed.  Refuses on ``reviewed_on``."""
    if plan.agreed_on is None:
        raise ValidationError(
            {"reviewed_on": ValidationError(_(MSG_PLAN_NOT_AGREED), code=ClientError.PLAN_NOT_AGREED)}
        )
    if reviewed_on < plan.agreed_on:
        raise ValidationError(
            {"reviewed_on": ValidationError(_(MSG_REVIEW_BEFORE_PLAN), code=ClientError.REVIEW_BEFORE_PLAN)}
        )
    if plan.closed_on is not None and reviewed_on > plan.closed_on:
        raise ValidationError(
            {
                "reviewed_on": ValidationError(
                    _(MSG_REVIEW_AFTER_CLOSED) % {"closed": plan.closed_on.isoformat()}, code=ClientError.PLAN_CLOSED
                )
            }
        )


@audited(by="by")
@transaction.atomic
def support_plan_review_add(
    *,
    plan: SupportPlan,
    reviewed_on: date,
    summary: str,
    person_view: str = "",
    changes_plan: bool = False,
    progress: Iterable[Progress] = (),
    by: User,
) -> SupportPlanReview:
    """モニタリング of an agreed plan: the day, the progress of each goal, the person's view, the summary and
    whether the plan changes (a change is then made as a new version: ``support_plan_revise``)."""
    plan = _locked(plan)
    _require_supervisor(by, plan.client.office)
    _happened(reviewed_on, "reviewed_on")
    refuse_monitoring_day(plan=plan, reviewed_on=reviewed_on)
    review = SupportPlanReview(
        plan=plan,
        reviewed_on=reviewed_on,
        summary=summary.strip(),
        person_view=person_view.strip(),
        changes_plan=changes_plan,
        reviewed_by=by,
    )
    review.full_clean()
    goal_ids = set(plan.goals.values_list("pk", flat=True))
    rows, seen = [], set()
    for row in progress:
        if row.goal.pk not in goal_ids:
            raise ValidationError(_(MSG_PROGRESS_GOAL_OF_ANOTHER_PLAN), code=ClientError.PROGRESS_GOAL_OF_ANOTHER_PLAN)
        if row.goal.pk in seen:
            raise ValidationError(_(MSG_PROGRESS_ONCE), code=ClientError.PROGRESS_ONCE)
        seen.add(row.goal.pk)
        item = GoalProgress(review=review, goal=row.goal, status=row.status, note=row.note.strip())
        item.full_clean(exclude=["review"])
        rows.append(item)
    before = _facts_of_service(plan.client, plan.service)
    reviews = [*plan.reviews.all(), review]
    _guard(plan, before=before, after=plan_facts(plan, reviews), field="reviewed_on")
    review.save()
    for item in rows:
        item.review = review
        item.save()
    return review

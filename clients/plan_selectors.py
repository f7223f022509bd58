"""Reads of the support plan screens: the plan page and the client page's summary of the plans in force.

When monitoring is due comes from the one rule (``regulations.rules.plan_monitoring_due_on``) with the
interval of the figures in force for the plan's service (就労移行支援 3 months, 就労定着支援 6)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from clients.models import (
    CareerProfile,
    CertificateService,
    GoalProgress,
    PlanGoal,
    PlanSignature,
    SupportPlan,
    SupportPlanReview,
)
from clients.plan_guard import plan_facts
from regulations import rules as regulations
from regulations.selectors import FiguresNotConfigured, figures_history, figures_on

REVIEW_DUE_SOON_DAYS = 14  # the case review and the plan pages show monitoring due within 14 days


@dataclass(frozen=True)
class Step:
    """One line of the plan's checklist: a step, the day it was done (``None``: not yet) and the screen that
    records it."""

    key: str
    label: str
    done_on: date | None
    url_name: str
    detail: str = ""
    is_next: bool = False


@dataclass(frozen=True)
class ReviewStatus:
    due_on: date
    overdue: bool
    due_soon: bool
    last_review: SupportPlanReview | None


def plan_review_status(
    *, plan: SupportPlan, today: date, reviews: list[SupportPlanReview] | None = None,
    monitoring_months: int | None = None,
) -> ReviewStatus:
    """When the plan's next monitoring (モニタリング) is due, as seen on ``today``, by the missing-plan rule
    (``regulations.rules.plan_monitoring_due_on``: every ``monitoring_months`` after the agreement or the last
    monitoring); overdue from the day after — what billing counts on a month's last day.  ``monitoring_months``:
    the plan's service interval in the figures in force (read in one query when not given).  Pass ``reviews``
    when they are prefetched."""
    reviews = list(plan.reviews.all()) if reviews is None else reviews
    if monitoring_months is None:
        monitoring_months = figures_on(day=today).plan_monitoring_months[plan.service]
    done = [r for r in reviews if r.reviewed_on <= today]
    last = max(done, key=lambda r: (r.reviewed_on, r.pk), default=None)
    due = regulations.plan_monitoring_due_on(plan_facts(plan, done), day=today, monitoring_months=monitoring_months)
    return ReviewStatus(due_on=due, overdue=due < today,
                        due_soon=today <= due <= today + timedelta(days=REVIEW_DUE_SOON_DAYS), last_review=last)


def monitoring_due(
    *, plan: SupportPlan, today: date, history: list | None = None, reviews: list | None = None
) -> ReviewStatus | None:
    """``plan_review_status`` of an agreed, open ``plan`` (``reviews``: prefetched, else ``plan.reviews``);
    ``None`` for a draft, a closed plan, or when no figures are in force."""
    if plan.agreed_on is None or plan.closed_on is not None:
        return None
    try:
        interval = figures_on(day=today, history=history).plan_monitoring_months[plan.service]
    except (FiguresNotConfigured, KeyError):
        return None
    return plan_review_status(plan=plan, today=today, reviews=reviews, monitoring_months=interval)


def plan_steps(plan: SupportPlan) -> list[Step]:
    """The checklist of the plan's steps, in order, the first one not done marked ``is_next`` (a closed
    plan has none next)."""
    steps = [
        Step("assessment", _("Assessment"), plan.assessed_on, "clients:plan_edit"),
        Step("draft", _("Draft"), plan.created_on, "clients:plan_edit"),
        Step(
            "meeting", _("Support-plan meeting"), plan.meeting_on, "clients:plan_meeting", detail=plan.meeting_attendees
        ),
        Step("agreement", _("The client's agreement"), plan.agreed_on, "clients:plan_agreement"),
        Step("delivery", _("Handed over to the client"), plan.delivered_on, "clients:plan_delivery"),
        Step(
            "consultation",
            _("Copy to the consultation-support office"),
            plan.consultation_sent_on,
            "clients:plan_consultation",
            detail=plan.consultation_office,
        ),
    ]
    if plan.closed_on is None:
        for index, step in enumerate(steps):
            if step.done_on is None and step.key != "assessment":
                steps[index] = replace(step, is_next=True)
                break
    return steps


def next_step(plan: SupportPlan) -> Step | None:
    return next((s for s in plan_steps(plan) if s.is_next), None)


@dataclass
class PlanSummary:
    """The client page's line for one service: the plan in force, a draft in the making, what comes next."""

    service: str
    service_label: str
    plan: SupportPlan | None  # agreed and open: the plan in force
    draft: SupportPlan | None  # not agreed yet (a first plan or a new version)
    next_step: Step | None
    monitoring: ReviewStatus | None


def plan_summaries(*, plans: list[SupportPlan], today: date) -> list[PlanSummary]:
    """Per service with an open plan, the plan in force and the draft (``plans``: the client's, reviews
    prefetched).  One query (the figures)."""
    open_plans = [p for p in plans if p.closed_on is None]
    if not open_plans:
        return []
    history = figures_history()
    summaries = []
    for service in CertificateService:
        of_service = sorted((p for p in open_plans if p.service == service), key=lambda p: -p.version)
        if not of_service:
            continue
        agreed = next((p for p in of_service if p.agreed_on is not None), None)
        draft = next((p for p in of_service if p.agreed_on is None), None)
        shown = draft or agreed
        summaries.append(
            PlanSummary(
                service=service.value,
                service_label=service.label,
                plan=agreed,
                draft=draft,
                next_step=next_step(shown) if shown else None,
                monitoring=monitoring_due(plan=agreed, today=today, history=history) if agreed else None,
            )
        )
    return summaries


@dataclass
class PlanPage:
    plan: SupportPlan
    steps: list[Step]
    goals: list[PlanGoal]
    employment_goals: list[PlanGoal]
    reviews: list[SupportPlanReview]  # newest first, each with ``progress_rows``
    versions: list[SupportPlan]  # every plan of the client and service, newest version first
    signatures: list[PlanSignature]
    profile: CareerProfile | None
    monitoring: ReviewStatus | None
    is_draft: bool
    revision: SupportPlan | None  # the draft of the next version, when one is being written


def plan_page(*, plan: SupportPlan, today: date) -> PlanPage:
    """Everything the plan page shows, in a fixed number of queries whatever the number of goals, monitoring
    records and versions."""
    goals = list(plan.goals.select_related("staff").order_by("order"))
    reviews = list(
        plan.reviews.select_related("reviewed_by")
        .prefetch_related(
            Prefetch("progress", queryset=GoalProgress.objects.select_related("goal").order_by("goal__order"))
        )
        .order_by("-reviewed_on", "-pk")
    )
    for review in reviews:
        review.progress_rows = list(review.progress.all())
    versions = list(
        SupportPlan.objects.filter(client_id=plan.client_id, service=plan.service)
        .only(
            "pk",
            "version",
            "period_start",
            "period_end",
            "agreed_on",
            "closed_on",
            "created_on",
            "revises_id",
            "client_id",
            "service",
        )
        .order_by("-version")
    )
    signatures = list(plan.signatures.defer("content").select_related("recorded_by"))
    profile = CareerProfile.objects.filter(client_id=plan.client_id).first()
    history = figures_history()
    return PlanPage(
        plan=plan,
        steps=plan_steps(plan),
        goals=goals,
        employment_goals=[g for g in goals if g.is_employment],
        reviews=reviews,
        versions=versions,
        signatures=signatures,
        profile=profile,
        monitoring=monitoring_due(plan=plan, today=today, history=history, reviews=reviews),
        is_draft=plan.agreed_on is None and plan.closed_on is None,
        revision=next(
            (v for v in versions if v.revises_id == plan.pk and v.agreed_on is None and v.closed_on is None), None
        ),
    )

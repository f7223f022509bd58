"""Screens of the individual support plan (個別支援計画) and its monitoring (モニタリング).

Thin: parse the forms, call ``clients.plans``, render.  Every plan is found through ``scoped(request, ...)``
so another office's plan answers 404; supervisors (and managers) write, staff read (403 on every write)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from clients import plan_selectors, plans
from clients.errors import ClientError
from clients.models import Client, GoalProgressStatus, SupportPlan
from clients.plan_forms import (
    AgreementForm,
    CloseForm,
    ConsultationCopyForm,
    DeliveryForm,
    GoalFormSet,
    MeetingForm,
    MonitoringForm,
    PlanForm,
    ProgressFormSet,
    ReviseForm,
    goal_initial,
)
from compostela.forms import form_add_service_errors, form_submit
from compostela.models import ReadPage, Role
from compostela.reads import record_read
from compostela.scoping import has_role, office_required, scoped


def _client(request: HttpRequest, pk: int) -> Client:
    return get_object_or_404(scoped(request, Client), pk=pk)


def _plan(request: HttpRequest, pk: int) -> SupportPlan:
    return get_object_or_404(
        scoped(request, SupportPlan.objects.select_related("client", "created_by", "revises")), pk=pk
    )


def _to_plan(plan: SupportPlan) -> HttpResponse:
    return redirect("clients:plan_detail", pk=plan.pk)


@office_required()
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    record_read(request, client_id=plan.client_id, page=ReadPage.PLAN)
    page = plan_selectors.plan_page(plan=plan, today=timezone.localdate())
    return render(
        request,
        "clients/plan_detail.html",
        {
            "page": page,
            "plan": plan,
            "client": plan.client,
            "can_supervise": has_role(request, Role.SUPERVISOR),
        },
    )


def _plan_form_page(request, *, form, goals, client, plan=None, title) -> HttpResponse:
    return render(
        request,
        "clients/plan_form.html",
        {"form": form, "goals": goals, "client": client, "plan": plan, "title": title},
    )


@office_required(Role.SUPERVISOR)
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    today = timezone.localdate()
    form = PlanForm(
        request.POST or None,
        creating=True,
        initial={
            "service": plans.plan_default_service(client=client, day=today),
            "created_on": today,
        },
    )
    goals = GoalFormSet(request.POST or None, prefix="goals", office=request.office)
    if request.method == "POST" and form.is_valid() and goals.is_valid():
        data = dict(form.cleaned_data)
        service, created_on = data.pop("service"), data.pop("created_on")
        try:
            plan = plans.support_plan_create(
                client=client, data=data, goals=goals.rows(), service=service, created_on=created_on, by=request.user
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The draft of the support plan was saved."))
            return _to_plan(plan)
    return _plan_form_page(request, form=form, goals=goals, client=client, title=_("New individual support plan"))


@office_required(Role.SUPERVISOR)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if plan.agreed_on is not None or plan.closed_on is not None:
        messages.error(request, _(plans.MSG_PLAN_AGREED) if plan.closed_on is None else _(plans.MSG_PLAN_CLOSED))
        return _to_plan(plan)
    form = PlanForm(request.POST or None, instance=plan)
    goals = GoalFormSet(request.POST or None, prefix="goals", office=request.office, initial=goal_initial(plan))
    if request.method == "POST" and form.is_valid() and goals.is_valid():
        data = dict(form.cleaned_data)
        created_on = data.pop("created_on")
        try:
            plans.support_plan_update(plan=plan, data=data, goals=goals.rows(), created_on=created_on, by=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The draft of the support plan was saved."))
            return _to_plan(plan)
    return _plan_form_page(
        request, form=form, goals=goals, client=plan.client, plan=plan, title=_("Edit the draft of the support plan")
    )


def _recorded(plan: SupportPlan, *names: str) -> dict:
    """The dates already recorded on the plan (a correction starts from them, not from today)."""
    return {name: getattr(plan, name) for name in names if getattr(plan, name) is not None}


def _step(
    request: HttpRequest,
    pk: int,
    *,
    form_class,
    action: Callable,
    title: str,
    success: str,
    initial: Callable[[SupportPlan], dict] | None = None,
    then: Callable | None = None,
) -> HttpResponse:
    """A step of the plan recorded with one short form (its dates default to today)."""
    plan = _plan(request, pk)
    today = timezone.localdate()
    defaults = {name: today for name in form_class.base_fields if name.endswith("_on")}
    form = form_class(request.POST or None, initial={**defaults, **(initial(plan) if initial else {})})
    result: dict = {}
    done = form_submit(
        request,
        form,
        success=success,
        action=lambda: result.update(value=action(plan, form.cleaned_data)),
        then=lambda: then(result["value"]) if then else _to_plan(plan),
    )
    if done:
        return done
    return render(
        request, "clients/plan_step.html", {"form": form, "plan": plan, "client": plan.client, "title": title}
    )


@office_required(Role.SUPERVISOR)
def plan_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        form_class=MeetingForm,
        title=_("Record the support-plan meeting"),
        success=_("Saved."),
        initial=lambda plan: {"attendees": plan.meeting_attendees, **_recorded(plan, "meeting_on")},
        action=lambda plan, data: plans.support_plan_record_meeting(
            plan=plan, meeting_on=data["meeting_on"], attendees=data["attendees"], by=request.user
        ),
    )


@office_required(Role.SUPERVISOR)
def plan_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        form_class=AgreementForm,
        title=_("Record the client's agreement"),
        success=_("Saved."),
        initial=lambda plan: _recorded(plan, "agreed_on"),
        action=lambda plan, data: plans.support_plan_record_agreement(
            plan=plan, agreed_on=data["agreed_on"], by=request.user
        ),
    )


@office_required(Role.SUPERVISOR)
def plan_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        form_class=DeliveryForm,
        title=_("Record the hand-over to the client"),
        success=_("Saved."),
        initial=lambda plan: _recorded(plan, "delivered_on"),
        action=lambda plan, data: plans.support_plan_record_delivery(
            plan=plan, delivered_on=data["delivered_on"], by=request.user
        ),
    )


@office_required(Role.SUPERVISOR)
def plan_consultation(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        form_class=ConsultationCopyForm,
        success=_("Saved."),
        title=_("Record the copy sent to the consultation-support office"),
        initial=lambda plan: {
            "consultation_office": plan.consultation_office,
            **_recorded(plan, "consultation_sent_on"),
        },
        action=lambda plan, data: plans.support_plan_record_consultation_copy(
            plan=plan,
            consultation_office=data["consultation_office"],
            sent_on=data["consultation_sent_on"],
            by=request.user,
        ),
    )


@office_required(Role.SUPERVISOR)
def plan_revise(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        form_class=ReviseForm,
        title=_("Make a new version of the plan"),
        success=_("A new version was drafted from the agreed plan: change what the monitoring found."),
        action=lambda plan, data: plans.support_plan_revise(plan=plan, created_on=data["created_on"], by=request.user),
        then=lambda draft: redirect("clients:plan_edit", pk=draft.pk),
    )


@office_required(Role.SUPERVISOR)
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        form_class=CloseForm,
        title=_("Close the support plan"),
        success=_("The support plan was closed."),
        action=lambda plan, data: plans.support_plan_close(plan=plan, closed_on=data["closed_on"], by=request.user),
    )


@office_required(Role.SUPERVISOR)
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    """モニタリング: the day, one row of progress per goal of the plan, the person's view, the summary and
    whether the plan changes (the plan page then offers to make a new version)."""
    plan = _plan(request, pk)
    goals = list(plan.goals.order_by("order"))
    form = MonitoringForm(request.POST or None, initial={"reviewed_on": timezone.localdate()})
    progress = ProgressFormSet(
        request.POST or None,
        prefix="progress",
        initial=[{"goal": g.pk, "status": GoalProgressStatus.PROGRESSING} for g in goals],
    )
    if request.method == "POST" and form.is_valid() and progress.is_valid():
        by_pk = {goal.pk: goal for goal in goals}
        rows = [
            plans.Progress(goal=by_pk[row["goal"]], status=row["status"], note=row["note"])
            for row in progress.cleaned_data
            if row and row["goal"] in by_pk
        ]
        try:
            if len(rows) != len([row for row in progress.cleaned_data if row]):
                raise ValidationError(
                    _(plans.MSG_PROGRESS_GOAL_OF_ANOTHER_PLAN), code=ClientError.PROGRESS_GOAL_OF_ANOTHER_PLAN
                )
            plans.support_plan_review_add(plan=plan, progress=rows, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The monitoring was recorded."))
            return _to_plan(plan)
    return render(
        request,
        "clients/plan_monitoring.html",
        {
            "form": form,
            "progress": progress,
            "rows": list(zip(progress.forms, goals, strict=False)),
            "plan": plan,
            "client": plan.client,
            "title": _("Monitoring of the support plan"),
        },
    )

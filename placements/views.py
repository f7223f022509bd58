"""Thin views: parse input, call a service or selector, render.  Every object comes through
``scoped(request, …)`` so another office's row answers 404."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.selectors import attendance_outside_use
from clients.models import Client
from compostela.forms import form_add_service_errors, form_submit
from compostela.models import ReadPage
from compostela.reads import record_read
from compostela.scoping import office_required, scoped
from placements import fidelity, selectors, services
from placements import figures as figure_selectors
from placements.forms import (
    ApplicationForm,
    ApplicationResultForm,
    EmployerContactForm,
    EmployerForm,
    EmployerPersonForm,
    EmployerSearchForm,
    FiguresForm,
    FollowUpForm,
    HireForm,
    InterviewForm,
    JobEndForm,
    OutreachForm,
)
from placements.models import Employer, Hire, JobApplication
from regulations.rules import fiscal_year_bounds, fiscal_year_of

PAGE_SIZE = 50


def _page(request: HttpRequest, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@office_required()
def placement_index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "placements/index.html",
        {
            "open_hires": selectors.hire_list(office=request.office, as_of=today, open_only=True)[:30],
            "recent_contacts": selectors.employer_contact_log(office=request.office)[:10],
            "today": today,
        },
    )


# --- Employers -------------------------------------------------------------------------------------------


@office_required()
def employer_list_view(request: HttpRequest) -> HttpResponse:
    search = EmployerSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""  # a NUL or an over-long text is no search
    employers = _page(request, selectors.employer_list(office=request.office, query=query))
    return render(request, "placements/employer_list.html", {"employers": employers, "query": query})


@office_required()
def employer_create_view(request: HttpRequest) -> HttpResponse:
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.employer_create(office=request.office, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Employer added."))
            return redirect("placements:employer_detail", pk=employer.pk)
    return render(request, "placements/form.html", {"form": form, "title": _("New employer")})


@office_required()
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = get_object_or_404(scoped(request, Employer), pk=pk)
    return render(
        request,
        "placements/employer_detail.html",
        {
            "employer": employer,
            "people": employer.people.all(),
            "contacts": selectors.employer_contacts(employer=employer),
            "hires": employer.hires.select_related("client").order_by("-start_date"),
            "applications": employer.applications.select_related("client").order_by("-applied_on")[:50],
        },
    )


@office_required()
def employer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employer = get_object_or_404(scoped(request, Employer), pk=pk)
    form = EmployerForm(request.POST or None, instance=employer)
    done = form_submit(
        request,
        form,
        success=_("Employer saved."),
        action=lambda: services.employer_update(employer=employer, by=request.user, **form.cleaned_data),
        then=lambda: redirect("placements:employer_detail", pk=employer.pk),
    )
    if done:
        return done
    return render(request, "placements/form.html", {"form": form, "title": _("Edit employer"), "back": employer})


@office_required()
def employer_person_create(request: HttpRequest, pk: int) -> HttpResponse:
    employer = get_object_or_404(scoped(request, Employer), pk=pk)
    form = EmployerPersonForm(request.POST or None)
    done = form_submit(
        request,
        form,
        success=_("Contact person added."),
        action=lambda: services.employer_person_add(employer=employer, by=request.user, **form.cleaned_data),
        then=lambda: redirect("placements:employer_detail", pk=employer.pk),
    )
    if done:
        return done
    return render(
        request,
        "placements/form.html",
        {
            "form": form,
            "title": _("New contact person at %(employer)s") % {"employer": employer.name},
            "back": employer,
        },
    )


# --- Job-development log ---------------------------------------------------------------------------------


@office_required()
def contact_log(request: HttpRequest) -> HttpResponse:
    staff_id = request.GET.get("staff") or None
    contacts = selectors.employer_contact_log(
        office=request.office, staff_id=int(staff_id) if staff_id and staff_id.isdigit() else None
    )
    return render(request, "placements/contact_log.html", {"contacts": _page(request, contacts)})


@office_required()
def contact_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("employer", "").isdigit():
        initial["employer"] = request.GET["employer"]
    if request.GET.get("client", "").isdigit():
        initial["clients"] = [request.GET["client"]]
    form = EmployerContactForm(request.POST or None, office=request.office, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.employer_contact_log(office=request.office, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Contact with %(employer)s logged.") % {"employer": contact.employer.name})
            return redirect(request.POST.get("next") or "placements:contact_log")
    return render(request, "placements/contact_form.html", {"form": form})


# --- A client's job search -------------------------------------------------------------------------------


@office_required()
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(scoped(request, Client), pk=pk)
    record_read(request, client_id=client.pk, page=ReadPage.PLACEMENTS)
    return render(
        request,
        "placements/client_detail.html",
        {
            "client": client,
            "funnel": selectors.placement_client_funnel(client=client),
            "applications": selectors.client_applications(client=client),
            "timeline": selectors.placement_client_timeline(client=client),
            "result_form": ApplicationResultForm(),
        },
    )


@office_required()
def application_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(scoped(request, Client), pk=pk)
    form = ApplicationForm(request.POST or None, office=request.office)
    done = form_submit(
        request,
        form,
        success=_("Application recorded."),
        action=lambda: services.application_create(client=client, by=request.user, **form.cleaned_data),
        then=lambda: redirect("placements:client", pk=client.pk),
    )
    if done:
        return done
    return render(
        request,
        "placements/form.html",
        {"form": form, "title": _("New application for %(client)s") % {"client": client}, "client": client},
    )


@office_required()
def application_result(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(scoped(request, JobApplication).select_related("client", "employer"), pk=pk)
    form = ApplicationResultForm(
        request.POST or None, initial={"result": application.result, "result_on": application.result_on}
    )
    done = form_submit(
        request,
        form,
        success=_("Result recorded."),
        action=lambda: services.application_record_result(
            application=application, by=request.user, **form.cleaned_data
        ),
        then=lambda: redirect("placements:client", pk=application.client_id),
    )
    if done:
        return done
    return render(
        request,
        "placements/form.html",
        {
            "form": form,
            "title": _("Result of %(application)s") % {"application": application},
            "client": application.client,
        },
    )


@office_required()
def interview_create(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(scoped(request, JobApplication).select_related("client", "employer"), pk=pk)
    form = InterviewForm(request.POST or None, office=request.office, user=request.user)
    done = form_submit(
        request,
        form,
        success=_("Interview recorded."),
        action=lambda: services.interview_record(application=application, by=request.user, **form.cleaned_data),
        then=lambda: redirect("placements:client", pk=application.client_id),
    )
    if done:
        return done
    return render(
        request,
        "placements/form.html",
        {
            "form": form,
            "title": _("Interview for %(application)s") % {"application": application},
            "client": application.client,
        },
    )


@office_required()
def outreach_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(scoped(request, Client), pk=pk)
    form = OutreachForm(request.POST or None, office=request.office, user=request.user)
    done = form_submit(
        request,
        form,
        success=_("Outreach recorded."),
        action=lambda: services.outreach_record(client=client, by=request.user, **form.cleaned_data),
        then=lambda: redirect("placements:client", pk=client.pk),
    )
    if done:
        return done
    return render(
        request,
        "placements/form.html",
        {"form": form, "title": _("Outreach with %(client)s") % {"client": client}, "client": client},
    )


@office_required()
def outreach_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.outreach_log(office=request.office)
    return render(request, "placements/outreach_list.html", {"rows": _page(request, rows)})


# --- Hires and follow-up ---------------------------------------------------------------------------------


@office_required()
def hire_list_view(request: HttpRequest) -> HttpResponse:
    open_only = request.GET.get("open") == "1"
    rows = selectors.hire_list(office=request.office, as_of=timezone.localdate(), open_only=open_only)
    return render(request, "placements/hire_list.html", {"rows": _page(request, rows), "open_only": open_only})


@office_required()
def hire_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(scoped(request, Client), pk=pk)
    form = HireForm(request.POST or None, office=request.office, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            hire = services.placement_record_hire(client=client, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Hire recorded; %(client)s is now employed.") % {"client": client})
            _warn_attendance_outside_use(request, client)
            return redirect("placements:hire_detail", pk=hire.pk)
    return render(
        request,
        "placements/form.html",
        {"form": form, "title": _("Hire of %(client)s") % {"client": client}, "client": client},
    )


def _warn_attendance_outside_use(request: HttpRequest, client: Client) -> None:
    """Say which saved days of service now fall outside the client's period of use (billing claims none)."""
    days = attendance_outside_use(client=client)
    if days:
        messages.warning(request, _(
            "%(client)s has attendance recorded after the end of the period of use, which is not billed: "
            "%(days)s. Correct or delete those days on the roster."
        ) % {"client": client, "days": ", ".join(f"{day:%Y-%m-%d}" for day in days)})


@office_required()
def hire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hire = get_object_or_404(scoped(request, Hire).select_related("client", "employer"), pk=pk)
    record_read(request, client_id=hire.client_id, page=ReadPage.HIRE)
    today = timezone.localdate()
    return render(
        request,
        "placements/hire_detail.html",
        {
            "hire": hire,
            "timeline": selectors.placement_hire_timeline(hire=hire, as_of=today),
            "end_form": JobEndForm() if hire.ended_on is None else None,
        },
    )


@office_required()
def hire_end(request: HttpRequest, pk: int) -> HttpResponse:
    hire = get_object_or_404(scoped(request, Hire).select_related("client", "employer"), pk=pk)
    form = JobEndForm(request.POST or None)
    done = form_submit(
        request,
        form,
        success=_("The end of the job is recorded."),
        action=lambda: services.placement_record_job_end(
            hire=hire, ended_on=form.cleaned_data["ended_on"], reason=form.cleaned_data["reason"], by=request.user
        ),
        then=lambda: redirect("placements:hire_detail", pk=hire.pk),
    )
    if done:
        return done
    return render(
        request,
        "placements/form.html",
        {"form": form, "title": _("End of the job: %(hire)s") % {"hire": hire}, "client": hire.client},
    )


@office_required()
def followup_create(request: HttpRequest, pk: int) -> HttpResponse:
    hire = get_object_or_404(scoped(request, Hire).select_related("client", "employer"), pk=pk)
    form = FollowUpForm(request.POST or None, office=request.office, user=request.user)
    done = form_submit(
        request,
        form,
        success=_("Follow-up contact recorded."),
        action=lambda: services.followup_record(hire=hire, by=request.user, **form.cleaned_data),
        then=lambda: redirect("placements:hire_detail", pk=hire.pk),
    )
    if done:
        return done
    return render(request, "placements/followup_form.html", {"form": form, "hire": hire})


# --- Figures ---------------------------------------------------------------------------------------------


@office_required()
def figures(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = FiguresForm(request.GET or None)
    default_start, _end = fiscal_year_bounds(fiscal_year_of(today))
    start: date = default_start
    end: date = today
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    if end < start:
        start, end = end, start
    if (end - start) > timedelta(days=3 * 366):
        start = end - timedelta(days=3 * 366)
    fy = fiscal_year_of(today)
    return render(
        request,
        "placements/figures.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "today": today,
            "retention": figure_selectors.placement_retention_figures(office=request.office, as_of=today),
            "tier": figure_selectors.placement_tier_retention(office=request.office, fiscal_year=fy, as_of=today),
            "days_before": figure_selectors.placement_days_before_hire(office=request.office),
            "reuse": figure_selectors.placement_reuse(office=request.office, as_of=today),
            "fidelity": fidelity.placement_fidelity(office=request.office, start=start, end=end),
        },
    )

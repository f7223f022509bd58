"""Client screens.  Thin: parse the form, call a service or selector, render.  Every object is found through
``scoped(request, ...)`` so another office's client answers 404."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients import selectors, services
from clients.forms import (
    CapManagerForm,
    CaseNoteForm,
    CertificateForm,
    ClientForm,
    ClientRegisterForm,
    ClientSearchForm,
    HealthForm,
    ProfileForm,
    ReturnForm,
    StatusChangeForm,
    WorkHistoryFormSet,
)
from clients.models import CareerProfile, Client, ClientStatus, HealthRecord, SensitiveExportKind
from compostela.forms import form_add_service_errors, form_submit
from compostela.history import audit_client_history, history_page
from compostela.models import ReadPage, Role
from compostela.reads import record_read
from compostela.scoping import has_role, office_required, scoped
from compostela.spreadsheets import spreadsheet_row
from regulations import rules as regulations


class UrlOfPk:
    """``url(pk)`` is ``reverse(name, args=[pk])``, with one reverse() in all: the list's rows call it once each."""

    do_not_call_in_templates = True  # a Django template passes it on as it is (to the Jinja2 rows)
    _PLACEHOLDER = "987654321"

    def __init__(self, name: str):
        self.head, self.tail = reverse(name, args=[int(self._PLACEHOLDER)]).split(self._PLACEHOLDER)

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


def _client(request: HttpRequest, pk: int) -> Client:
    return get_object_or_404(scoped(request, Client.objects.select_related("specialist", "case_manager")), pk=pk)


@office_required()
def client_list(request: HttpRequest) -> HttpResponse:
    form = ClientSearchForm(request.GET or None, office=request.office)
    filters = form.cleaned_data if form.is_valid() else {}
    clients = selectors.client_list(
        office=request.office,
        today=timezone.localdate(),
        query=filters.get("q", ""),
        status=filters.get("status", ""),
        staff=filters.get("staff"),
    )
    template = "clients/list.html#results" if request.htmx else "clients/list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "clients": clients,
            # the rows' words and links, made once here rather than once per row (clients/rows.html)
            "statuses": {value: str(label) for value, label in ClientStatus.choices},
            "detail_url": UrlOfPk("clients:detail"),
            "filtered": bool(request.GET),
            "can_export": has_role(request, Role.SUPERVISOR),
        },
    )


EXPORT_FIELDS = [
    "id",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "age",
    "status",
    "specialist",
    "certificate_end",
    "diagnoses",
    "diagnosis_note",
    "disability_certificate",
    "disability_grade",
    "pension_grade",
    "pension_amount",
    "public_assistance",
    "hospital",
    "doctor",
]


@office_required(Role.SUPERVISOR)
def client_export(request: HttpRequest) -> HttpResponse:
    """The client list with health and benefits as CSV (UTF-8 with BOM for Excel).  Every export is recorded."""
    form = ClientSearchForm(request.GET or None, office=request.office)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    with transaction.atomic():
        clients = selectors.client_list(
            office=request.office,
            today=today,
            query=filters.get("q", ""),
            status=filters.get("status", ""),
            staff=filters.get("staff"),
        )
        health = selectors.client_health_rows(clients=clients)
        services.sensitive_export_record(
            office=request.office,
            kind=SensitiveExportKind.CLIENT_LIST_CSV,
            by=request.user,
            filters={
                "q": filters.get("q", ""),
                "status": filters.get("status", ""),
                "staff": filters["staff"].pk if filters.get("staff") else None,
            },
            client_ids=[c.pk for c in clients],
            fields=EXPORT_FIELDS,
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    for client in clients:
        record = health.get(client.pk)
        writer.writerow(
            spreadsheet_row([
                client.pk,
                client.family_name,
                client.given_name,
                client.family_name_kana,
                client.given_name_kana,
                client.birth_date,
                client.age,
                client.get_status_display(),
                client.specialist or "",
                client.certificate_end or "",
                "・".join(d.name for d in record.diagnoses.all()) if record else "",
                record.diagnosis_note if record else "",
                record.get_disability_certificate_display() if record else "",
                record.disability_grade if record else "",
                f"{record.get_pension_kind_display()} {record.get_pension_grade_display()}".strip() if record else "",
                record.pension_amount if record and record.pension_amount is not None else "",
                (_("yes") if record.public_assistance else _("no")) if record else "",
                record.hospital if record else "",
                record.doctor if record else "",
            ])
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="clients-{today:%Y%m%d}.csv"'
    return response


@office_required()
def client_register(request: HttpRequest) -> HttpResponse:
    form = ClientRegisterForm(
        request.POST or None, office=request.office, initial={"first_visit_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        status = data.pop("status")
        try:
            client = services.client_register(office=request.office, data=data, status=status, by=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The client was registered."))
            return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/form.html", {"form": form, "title": _("Register a client")})


@office_required()
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    record_read(request, client_id=client.pk, page=ReadPage.CLIENT)
    page = selectors.client_page(client=client, today=timezone.localdate())
    return render(
        request,
        "clients/detail.html",
        {
            "page": page,
            "client": client,
            "granted_days": regulations.granted_days(
                page.current_certificate.granted_days if page.current_certificate else None, page.today),
            "can_supervise": has_role(request, Role.SUPERVISOR),
            "can_see_reads": has_role(request, Role.MANAGER),
            "status_form": StatusChangeForm(initial={"on": page.today}),
            "return_form": ReturnForm(initial={"on": page.today}),
            "statuses": ClientStatus,
        },
    )


@office_required()
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    record_read(request, client_id=client.pk, page=ReadPage.EDIT)
    form = ClientForm(request.POST or None, instance=client, office=request.office)
    done = form_submit(
        request,
        form,
        success=_("Saved."),
        action=lambda: services.client_update(client=client, data=form.cleaned_data, by=request.user),
        then=lambda: redirect("clients:detail", pk=client.pk),
    )
    if done:
        return done
    return render(request, "clients/form.html", {"form": form, "client": client, "title": _("Edit client")})


@office_required()
def client_status(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    form = StatusChangeForm(request.POST or None, initial={"on": timezone.localdate()})
    done = form_submit(
        request,
        form,
        success=_("The status was changed."),
        action=lambda: services.client_change_status(
            client=client,
            status=form.cleaned_data["status"],
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        ),
        then=lambda: redirect("clients:detail", pk=client.pk),
    )
    if done:
        return done
    return render(request, "clients/form.html", {"form": form, "client": client, "title": _("Change the status")})


@office_required()
def client_return(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    form = ReturnForm(request.POST or None, initial={"on": timezone.localdate()})
    done = form_submit(
        request,
        form,
        success=_("A new period of use was started."),
        action=lambda: services.client_return(
            client=client, on=form.cleaned_data["on"], enrolled=form.cleaned_data["enrolled"], by=request.user
        ),
        then=lambda: redirect("clients:detail", pk=client.pk),
    )
    if done:
        return done
    return render(request, "clients/form.html", {"form": form, "client": client, "title": _("Coming back (re-use)")})


@office_required()
def certificate_cap_manager(request: HttpRequest, pk: int, certificate_id: int) -> HttpResponse:
    """Who manages the client's co-payment cap across providers (上限額管理事業所), on a recorded certificate."""
    client = _client(request, pk)
    certificate = get_object_or_404(client.certificates.all(), pk=certificate_id)
    form = CapManagerForm(request.POST or None, instance=certificate)
    done = form_submit(
        request,
        form,
        success=_("The co-payment cap management was recorded."),
        action=lambda: services.certificate_cap_manager_set(certificate=certificate, by=request.user,
                                                            **form.cleaned_data),
        then=lambda: redirect("clients:detail", pk=client.pk),
    )
    if done:
        return done
    return render(request, "clients/form.html", {
        "form": form, "client": client,
        "title": _("Co-payment cap management: certificate %(number)s") % {"number": certificate.number},
    })


@office_required()
def certificate_add(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    form = CertificateForm(request.POST or None)
    done = form_submit(
        request,
        form,
        success=_("The certificate was recorded."),
        action=lambda: services.certificate_add(client=client, by=request.user, **form.cleaned_data),
        then=lambda: redirect("clients:detail", pk=client.pk),
    )
    if done:
        return done
    return render(
        request, "clients/form.html", {"form": form, "client": client, "title": _("Record a recipient certificate")}
    )


@office_required()
def health_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    record_read(request, client_id=client.pk, page=ReadPage.HEALTH)
    instance = HealthRecord.objects.filter(client=client).first()
    form = HealthForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        diagnoses = data.pop("diagnoses")
        try:
            services.health_update(client=client, data=data, diagnoses=diagnoses, by=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/form.html", {"form": form, "client": client, "title": _("Health and benefits")})


@office_required()
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    record_read(request, client_id=client.pk, page=ReadPage.PROFILE)
    instance = CareerProfile.objects.filter(client=client).first()
    jobs = [
        {"id": job.pk, **{name: getattr(job, name) for name in services.JOB_FIELDS}}
        for job in client.work_history.all()
    ]
    form = ProfileForm(request.POST or None, instance=instance)
    formset = WorkHistoryFormSet(request.POST or None, initial=jobs, prefix="jobs")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [row for row in formset.cleaned_data if row.get("employer")]
        try:
            services.career_profile_update(client=client, data=form.cleaned_data, jobs=rows, by=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/profile_form.html", {"form": form, "formset": formset, "client": client})


@office_required()
def profile_history(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    record_read(request, client_id=client.pk, page=ReadPage.PROFILE_HISTORY)
    labels = {name: CareerProfile._meta.get_field(name).verbose_name for name in services.PROFILE_FIELDS}
    labels["work_history"] = _("work history")
    changes = [
        {
            "change": change,
            "fields": [labels.get(name, name) for name in change.changed_fields],
            "values": [(labels.get(name, name), value) for name, value in change.snapshot.items()],
        }
        for change in selectors.profile_history(client=client)
    ]
    return render(request, "clients/profile_history.html", {"client": client, "changes": changes})


@office_required()
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    form = CaseNoteForm(request.POST or None, initial={"day": timezone.localdate()})
    done = form_submit(
        request,
        form,
        success=_("The note was added."),
        action=lambda: services.case_note_add(client=client, by=request.user, **form.cleaned_data),
        then=lambda: redirect("clients:detail", pk=client.pk),
    )
    if done:
        return done
    return render(request, "clients/form.html", {"form": form, "client": client, "title": _("Add a case note")})


@office_required(Role.SUPERVISOR)
def client_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every recorded change of the client's rows (the audit trail), newest first."""
    client = get_object_or_404(scoped(request, Client), pk=pk)
    record_read(request, client_id=client.pk, page=ReadPage.HISTORY)
    events = audit_client_history(client=client)
    return history_page(request, _("History of %(client)s") % {"client": client}, events)

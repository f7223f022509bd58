"""Writes of the placements app: one function per business action, each owning its transaction.

Every service validates with ``full_clean()`` so that a broken rule reaches the user as a message
(``ValidationError``), never as an ``IntegrityError`` and a 500.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clients.models import Client
from clients.services import client_record_hire, client_record_job_end
from compostela.audit import audited
from compostela.constraints import constraint_refusals
from compostela.dates import refuse_future_date
from compostela.models import Office, User
from placements.errors import PlacementError
from placements.models import (
    ApplicationResult,
    Employer,
    EmployerContact,
    EmployerPerson,
    FollowUpContact,
    Hire,
    Interview,
    JobApplication,
    Outreach,
)

MSG_HIRE_BEFORE_OFFICE_OPENED = gettext_noop("The hire starts before the office opened.")
MSG_HIRE_BEFORE_FIRST_USE = gettext_noop("The hire starts before the client's first period of use at the office.")
MSG_OTHER_OFFICE = gettext_noop("This record belongs to another office.")
MSG_FOLLOWUP_BEFORE_START = gettext_noop("A follow-up contact cannot be before the job started.")
MSG_JOB_ALREADY_ENDED = gettext_noop("This job has already ended.")
MSG_INTERVIEW_BEFORE_APPLICATION = gettext_noop("The interview cannot be before the application.")
MSG_HIRE_ALREADY_RECORDED = gettext_noop(
    "This hire (same employer and start date) is already recorded, perhaps by a colleague just now."
)


def _same_office(office: Office, *objects) -> None:
    for obj in objects:
        if obj is not None and obj.office_id != office.pk:
            raise ValidationError(_(MSG_OTHER_OFFICE), code=PlacementError.OTHER_OFFICE)


# --- Employers -----------------------------------------------------------------------------------------


@audited(by="by")
@transaction.atomic
def employer_create(*, office: Office, name: str, industry: str = "", address: str = "", area: str = "",
                    notes: str = "", by: User) -> Employer:
    employer = Employer(office=office, name=name.strip(), industry=industry, address=address, area=area,
                        notes=notes)
    employer.full_clean()
    with constraint_refusals(Employer):  # the same name saved by a colleague at the same moment
        employer.save()
    return employer


@audited(by="by")
@transaction.atomic
def employer_update(*, employer: Employer, by: User, **fields) -> Employer:
    allowed = {"name", "industry", "address", "area", "notes"}
    for key, value in fields.items():
        if key not in allowed:
            raise TypeError(f"employer_update: unknown field {key}")
        setattr(employer, key, value.strip() if key == "name" else value)
    employer.full_clean()
    with constraint_refusals(Employer):
        employer.save(update_fields=sorted(fields))
    return employer


@audited(by="by")
@transaction.atomic
def employer_person_add(*, employer: Employer, name: str, position: str = "", phone: str = "", email: str = "",
                        note: str = "", by: User) -> EmployerPerson:
    person = EmployerPerson(employer=employer, name=name.strip(), position=position, phone=phone, email=email,
                            note=note)
    person.full_clean()
    with constraint_refusals(EmployerPerson):
        person.save()
    return person


@audited(by="by")
@transaction.atomic
def employer_contact_log(*, office: Office, employer: Employer, day: date, staff: User, kind: str,
                         clients: Iterable[Client] = (), outcome: str = "", minutes: int | None = None,
                         person: EmployerPerson | None = None, by: User) -> EmployerContact:
    """One entry of the job-development (職場開拓) log, for zero or more clients."""
    clients = list(clients)
    _same_office(office, employer, *clients)
    if person is not None and person.employer_id != employer.pk:
        raise ValidationError(_(MSG_OTHER_OFFICE), code=PlacementError.OTHER_OFFICE)
    refuse_future_date(day)
    contact = EmployerContact(office=office, employer=employer, day=day, staff=staff, kind=kind, outcome=outcome,
                              minutes=minutes, person=person)
    contact.full_clean()
    contact.save()
    contact.clients.set(clients)
    return contact


# --- Job search ----------------------------------------------------------------------------------------


@audited(by="by")
@transaction.atomic
def application_create(*, client: Client, employer: Employer, job_title: str, job_field: str,
                       recruitment_type: str, applied_on: date, note: str = "", by: User) -> JobApplication:
    _same_office(client.office, employer)
    application = JobApplication(office_id=client.office_id, client=client, employer=employer, job_title=job_title,
                                 job_field=job_field, recruitment_type=recruitment_type, applied_on=applied_on,
                                 note=note, created_by=by)
    application.full_clean()
    application.save()
    return application


@audited(by="by")
@transaction.atomic
def application_record_result(*, application: JobApplication, result: str, result_on: date | None,
                              by: User) -> JobApplication:
    application = JobApplication.objects.select_for_update().get(pk=application.pk)
    application.result = result
    application.result_on = None if result == ApplicationResult.PENDING else result_on
    application.full_clean()
    application.save(update_fields=["result", "result_on"])
    return application


@audited(by="by")
@transaction.atomic
def interview_record(*, application: JobApplication, day: date, accompanied: bool, staff: User | None = None,
                     note: str = "", by: User) -> Interview:
    if day < application.applied_on:
        raise ValidationError({"day": ValidationError(_(MSG_INTERVIEW_BEFORE_APPLICATION),
                                                      code=PlacementError.INTERVIEW_BEFORE_APPLICATION)})
    interview = Interview(office_id=application.office_id, application=application, day=day,
                          accompanied=accompanied, staff=staff, note=note)
    interview.full_clean()
    interview.save()
    return interview


# --- Hires -----------------------------------------------------------------------------------------------


@audited(by="by")
@transaction.atomic
def placement_record_hire(*, client: Client, employer: Employer, job_title: str, job_field: str,
                          recruitment_type: str, start_date: date, hours_per_week: Decimal, hourly_wage: int,
                          employment_form: str, fixed_term_end: date | None = None, disclosed: bool,
                          competitive: bool = True, application: JobApplication | None = None,
                          by: User) -> Hire:
    """就職: records the hire and moves the client to "employed" (``clients.services.client_record_hire``)."""
    _same_office(client.office, employer, application)
    # one writer per client at a time: two staff recording the same hire at once get one row and a message
    Client.objects.select_for_update().only("pk").get(pk=client.pk)
    if Hire.objects.filter(client=client, employer=employer, start_date=start_date).exists():
        raise ValidationError(_(MSG_HIRE_ALREADY_RECORDED), code=PlacementError.HIRE_ALREADY_RECORDED)
    hire = Hire(office_id=client.office_id, client=client, employer=employer, job_title=job_title,
                job_field=job_field, recruitment_type=recruitment_type, start_date=start_date,
                hours_per_week=hours_per_week, hourly_wage=hourly_wage, employment_form=employment_form,
                fixed_term_end=fixed_term_end, disclosed=disclosed, competitive=competitive,
                application=application, created_by=by)
    first_use = client.periods.order_by("started_on").values_list("started_on", flat=True).first()
    hire_check_rules(hire, office_opened_on=client.office.opened_on, first_use=first_use)
    hire.full_clean()
    hire.save()
    client_record_hire(client=client, start_date=start_date, by=by)
    if application is not None and application.result == ApplicationResult.PENDING:
        application_record_result(application=application, result=ApplicationResult.OFFER,
                                  result_on=max(application.applied_on, start_date), by=by)
    return hire


def hire_check_rules(hire: Hire, *, office_opened_on: date | None = None, first_use: date | None = None) -> None:
    """The rules of a hire, each a message on its field.  Recording a hire, ending it and the hires import
    check a hire with this one function.  With ``office_opened_on`` and ``first_use`` (the start of the
    client's first period of use) given, a hire before either is refused: it cannot be the office's placement,
    and would count in the retention tier.  The rules of the hire itself (a fixed term has its end, on or after
    the start; an end has its reason; an undisclosed job is not marked disclosed) are its database constraints,
    checked here with their messages and codes (``Hire.Meta.constraints``)."""
    if office_opened_on is not None and hire.start_date < office_opened_on:
        raise ValidationError({"start_date": ValidationError(_(MSG_HIRE_BEFORE_OFFICE_OPENED),
                                                             code=PlacementError.HIRE_BEFORE_OFFICE_OPENED)})
    if first_use is not None and hire.start_date < first_use:
        raise ValidationError({"start_date": ValidationError(_(MSG_HIRE_BEFORE_FIRST_USE),
                                                             code=PlacementError.HIRE_BEFORE_FIRST_USE)})
    hire.validate_constraints()


@audited(by="by")
@transaction.atomic
def placement_record_job_end(*, hire: Hire, ended_on: date, reason: str, by: User) -> Hire:
    """The job ended.  The client's use ends too unless they still hold another job
    (``clients.services.client_record_job_end``); a return (再利用) is recorded by the clients app."""
    hire = Hire.objects.select_for_update().get(pk=hire.pk)
    if hire.ended_on is not None:
        raise ValidationError(_(MSG_JOB_ALREADY_ENDED), code=PlacementError.JOB_ALREADY_ENDED)
    hire.ended_on = ended_on
    hire.end_reason = reason
    hire_check_rules(hire)
    hire.full_clean()
    hire.save(update_fields=["ended_on", "end_reason"])
    still_employed = (
        Hire.objects.filter(client_id=hire.client_id, ended_on__isnull=True, start_date__lte=ended_on)
        .exclude(pk=hire.pk).exists()
    )
    client_record_job_end(client=hire.client, ended_on=ended_on, still_employed=still_employed, by=by)
    return hire


@audited(by="by")
@transaction.atomic
def followup_record(*, hire: Hire, day: date, staff: User, kind: str, minutes: int, note: str = "",
                    by: User) -> FollowUpContact:
    """定着支援: one follow-up contact after a hire."""
    refuse_future_date(day)
    if day < hire.start_date:
        raise ValidationError({"day": ValidationError(_(MSG_FOLLOWUP_BEFORE_START),
                                                      code=PlacementError.FOLLOWUP_BEFORE_START)})
    contact = FollowUpContact(office_id=hire.office_id, hire=hire, day=day, staff=staff, kind=kind,
                              minutes=minutes, note=note)
    contact.full_clean()
    contact.save()
    return contact


# --- Outreach --------------------------------------------------------------------------------------------


@audited(by="by")
@transaction.atomic
def outreach_record(*, client: Client, day: date, staff: User, kind: str, minutes: int, place: str = "",
                    note: str = "", by: User) -> Outreach:
    """アウトリーチ: home visit, accompaniment, family contact or re-engagement."""
    refuse_future_date(day)
    outreach = Outreach(office_id=client.office_id, client=client, day=day, staff=staff, kind=kind, place=place,
                        minutes=minutes, note=note)
    outreach.full_clean()
    outreach.save()
    return outreach

"""Writes of the clients app: one function per business action, each owning its transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clients.errors import ClientError
from clients.models import (
    CapManagement,
    CareerProfile,
    CareerProfileChange,
    CaseNote,
    Certificate,
    CertificateService,
    Client,
    ClientStatus,
    Diagnosis,
    DisabilityCertificateKind,
    HealthRecord,
    PensionGrade,
    SensitiveExport,
    ServicePeriod,
    WorkHistoryEntry,
)
from clients.rules import certificate_longest_end, certificate_longest_months
from compostela.audit import audited
from compostela.dates import refuse_future_date
from compostela.models import Membership, Office, User
from regulations import rules as regulations
from regulations.selectors import FiguresNotConfigured, figures_on

MSG_HIRE_BEFORE_PERIOD = gettext_noop("The hire starts before the client's current period of use.")


def _open_period(client: Client) -> ServicePeriod | None:
    return client.periods.select_for_update().filter(ended_on__isnull=True).order_by("-started_on").first()


@audited(by="by")
@transaction.atomic
def client_record_hire(*, client: Client, start_date: date, by: User) -> Client:
    """A hire (recorded in placements) moves the client to "employed" and closes the period of use on the
    day before the job starts (the history of the period is kept)."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    period = _open_period(client)
    if period is not None:
        if start_date < period.started_on:
            raise ValidationError(_(MSG_HIRE_BEFORE_PERIOD), code=ClientError.HIRE_BEFORE_PERIOD)
        period.ended_on = max(period.started_on, start_date - timedelta(days=1))
        period.end_reason = _("Hired")
        period.full_clean()
        period.save(update_fields=["ended_on", "end_reason"])
    client.status = ClientStatus.EMPLOYED
    client.ended_on = None
    client.end_reason = ""
    client.full_clean()
    client.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    return client


@audited(by="by")
@transaction.atomic
def client_record_job_end(*, client: Client, ended_on: date, still_employed: bool, by: User) -> Client:
    """A job ended.  Unless the client still has another job, the client's use ends ("ended", reason: the
    job ended); they may come back (再利用) as a new period."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.status == ClientStatus.EMPLOYED and not still_employed:
        client.status = ClientStatus.ENDED
        client.ended_on = ended_on
        client.end_reason = _("The job ended")
        client.full_clean()
        client.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    return client


# --- messages (constants so tests assert the very text a user sees) -------------------------------------
MSG_BAD_TRANSITION = gettext_noop("A client in status “%(current)s” cannot move to “%(target)s”.")
MSG_END_NEEDS_REASON = gettext_noop("Give the reason for ending.")
MSG_DATE_BEFORE_PERIOD = gettext_noop("The date is before the start of the current period of use (%(start)s).")
MSG_RETURN_ONLY_ENDED = gettext_noop("Only a client whose use has ended can come back (re-use).")
MSG_RETURN_OVERLAPS = gettext_noop("The new period must start after the last period ended (%(end)s).")
MSG_ENROLL_NEEDS_DATE = gettext_noop("Give the enrolment date for an enrolled client.")
MSG_ENROLLED_BEFORE_VISIT = gettext_noop("The enrolment date cannot be before the first visit.")
MSG_CERTIFICATE_TOO_LONG = gettext_noop("A service period is at most %(months)s months (until %(end)s).")
MSG_CERTIFICATE_OVERLAP = gettext_noop("This period overlaps another certificate of the client for the same service.")
MSG_CERTIFICATE_NUMBER_TAKEN = gettext_noop("This certificate number already belongs to another client of this office.")
MSG_EXTENSION_NEEDS_CERTIFICATE = gettext_noop("An extension follows an earlier certificate of the client.")
MSG_EXTENSION_ONCE = gettext_noop("The service period can be extended only once.")
MSG_EXTENSION_TRANSITION_ONLY = gettext_noop("Only a transition certificate is extended; retention support is not.")
MSG_NOT_IN_OFFICE = gettext_noop("This person has no role in the client's office.")
MSG_PENSION_KIND_WITH_GRADE = gettext_noop("Give the kind of pension with its grade.")
MSG_PENSION_AMOUNT_WITHOUT_PENSION = gettext_noop("A pension amount needs a pension grade.")
MSG_GRADE_WITHOUT_CERTIFICATE = gettext_noop("A grade needs a disability certificate.")
MSG_NO_STANDARD_CAP = gettext_noop(
    "No standard co-payment cap is recorded for %(day)s; enter the cap written on the certificate."
)

CLIENT_FIELDS = (
    "family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "phone", "email", "address",
    "emergency_contact_name", "emergency_contact_phone", "referral_source", "referral_note", "first_visit_on",
    "enrolled_on", "specialist", "case_manager", "usual_start", "usual_end",
)
REGISTER_STATUSES = (ClientStatus.VISITOR, ClientStatus.TRIAL, ClientStatus.ENROLLED)


def _check_staff_of(office: Office, *users: User | None) -> None:
    ids = {user.pk for user in users if user is not None}
    if ids and Membership.objects.filter(office=office, user_id__in=ids).count() != len(ids):
        raise ValidationError(_(MSG_NOT_IN_OFFICE), code=ClientError.NOT_IN_OFFICE)


def _latest_period(client: Client) -> ServicePeriod | None:
    return client.periods.select_for_update().order_by("-started_on").first()


def client_build(*, office: Office, data: dict[str, Any], status: str = ClientStatus.VISITOR) -> tuple[Client,
                                                                                                   ServicePeriod]:
    """A new client and the first period of use, checked by every rule that needs no query (the fields, the
    status, the enrolment date); the database constraints are checked on saving.  ``client_register`` saves
    one; the import builds thousands this way and saves them in bulk."""
    if status not in REGISTER_STATUSES:
        raise ValidationError(_(MSG_BAD_TRANSITION) % {"current": "—", "target": ClientStatus(status).label},
                              code=ClientError.BAD_TRANSITION)
    client = Client(office=office, status=status, **{k: v for k, v in data.items() if k in CLIENT_FIELDS})
    if status == ClientStatus.ENROLLED and client.enrolled_on is None:
        raise ValidationError({"enrolled_on": ValidationError(_(MSG_ENROLL_NEEDS_DATE),
                                                              code=ClientError.ENROLL_NEEDS_DATE)})
    if status != ClientStatus.ENROLLED:
        client.enrolled_on = None
    client.full_clean(exclude=["office", "specialist", "case_manager"], validate_constraints=False)
    period = ServicePeriod(
        client=client, started_on=client.first_visit_on or client.enrolled_on or timezone.localdate(),
        enrolled_on=client.enrolled_on,
    )
    period.full_clean(exclude=["client"], validate_constraints=False)
    return client, period


@audited(by="by")
@transaction.atomic
def client_register(*, office: Office, data: dict[str, Any], status: str = ClientStatus.VISITOR, by: User) -> Client:
    """Register a client as a visitor, trial or enrolled client, with the first period of use (it starts on the
    first visit, else the enrolment date, else today)."""
    client, period = client_build(office=office, data=data, status=status)
    _check_staff_of(office, client.specialist, client.case_manager)
    client.full_clean()
    client.save()
    period.client = client
    period.full_clean()
    period.save()
    return client


@audited(by="by")
@transaction.atomic
def client_update(*, client: Client, data: dict[str, Any], by: User) -> Client:
    """Edit a client's details (not the status: see ``client_change_status`` and ``client_return``)."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    editable = [name for name in CLIENT_FIELDS if name in data and name != "enrolled_on"]
    for name in editable:
        setattr(client, name, data[name])
    _check_staff_of(client.office, client.specialist, client.case_manager)
    client.full_clean()
    client.save(update_fields=[*editable, "updated_at"])
    return client


ALLOWED_TRANSITIONS = {
    ClientStatus.VISITOR: {ClientStatus.TRIAL, ClientStatus.ENROLLED, ClientStatus.ENDED},
    ClientStatus.TRIAL: {ClientStatus.ENROLLED, ClientStatus.ENDED},
    ClientStatus.ENROLLED: {ClientStatus.ENDED},
    ClientStatus.EMPLOYED: {ClientStatus.ENDED},  # "employed" itself comes from a hire in placements
    ClientStatus.ENDED: set(),  # coming back is client_return
}


@audited(by="by")
@transaction.atomic
def client_change_status(*, client: Client, status: str, on: date, reason: str = "", by: User) -> Client:
    """visitor → trial → enrolled → ended (with a reason).  The open period of use follows: enrolment is
    recorded on it, ending closes it.  Nothing is overwritten: a later return opens a new period."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    current, target = ClientStatus(client.status), ClientStatus(status)
    if target not in ALLOWED_TRANSITIONS[current]:
        raise ValidationError(_(MSG_BAD_TRANSITION) % {"current": current.label, "target": target.label},
                              code=ClientError.BAD_TRANSITION)
    period = _open_period(client)
    if period is not None and on < period.started_on:
        raise ValidationError({"on": ValidationError(_(MSG_DATE_BEFORE_PERIOD) % {"start": period.started_on},
                                                     code=ClientError.DATE_BEFORE_PERIOD)})
    fields = ["status", "updated_at"]
    if target == ClientStatus.ENROLLED:
        if client.first_visit_on and on < client.first_visit_on and period is not None and not period.is_return:
            raise ValidationError({"on": ValidationError(_(MSG_ENROLLED_BEFORE_VISIT),
                                                         code=ClientError.ENROLLED_BEFORE_VISIT)})
        client.enrolled_on = on
        fields.append("enrolled_on")
        if period is not None:
            period.enrolled_on = on
            period.full_clean()
            period.save(update_fields=["enrolled_on"])
    elif target == ClientStatus.ENDED:
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": ValidationError(_(MSG_END_NEEDS_REASON),
                                                             code=ClientError.END_NEEDS_REASON)})
        client.ended_on, client.end_reason = on, reason
        fields += ["ended_on", "end_reason"]
        if period is not None:
            period.ended_on, period.end_reason = on, reason
            period.full_clean()
            period.save(update_fields=["ended_on", "end_reason"])
    client.status = target
    client.full_clean()
    client.save(update_fields=fields)
    return client


@audited(by="by")
@transaction.atomic
def client_return(*, client: Client, on: date, enrolled: bool = False, by: User) -> ServicePeriod:
    """再利用: a client whose use ended comes back.  A new period of use starts on ``on`` (earlier periods
    are kept as they were); the client is a visitor again, or enrolled from ``on``."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.status != ClientStatus.ENDED:
        raise ValidationError(_(MSG_RETURN_ONLY_ENDED), code=ClientError.RETURN_ONLY_ENDED)
    last = _latest_period(client)
    if last is not None and (last.ended_on is None or on <= last.ended_on):
        raise ValidationError({"on": ValidationError(_(MSG_RETURN_OVERLAPS) % {"end": last.ended_on or "—"},
                                                     code=ClientError.RETURN_OVERLAPS)})
    period = ServicePeriod(client=client, started_on=on, enrolled_on=on if enrolled else None, is_return=True)
    period.full_clean()
    period.save()
    client.status = ClientStatus.ENROLLED if enrolled else ClientStatus.VISITOR
    client.enrolled_on = on if enrolled else client.enrolled_on
    client.ended_on, client.end_reason = None, ""
    client.full_clean()
    client.save(update_fields=["status", "enrolled_on", "ended_on", "end_reason", "updated_at"])
    return period


# --- recipient certificates -----------------------------------------------------------------------------


def _standard_copay_cap(income_category: str, day: date, history: list | None = None) -> int | None:
    """The category's standard cap by the figures in force on ``day`` (None for an unknown category: the
    model's choices then refuse it with their own message).  Before the first recorded figures there is no
    standard to take: the cap on the certificate must be entered."""
    try:
        return regulations.standard_copay_cap(income_category, figures_on(day=day, history=history))
    except regulations.RuleError:
        return None
    except FiguresNotConfigured as error:
        raise ValidationError({"copay_cap": ValidationError(_(MSG_NO_STANDARD_CAP) % {"day": day.isoformat()},
                                                            code=ClientError.NO_STANDARD_CAP)}) from error


def certificate_build(
    *, client: Client, number: str, municipality: str, period_start: date, period_end: date,
    income_category: str, earlier: list[Certificate], number_taken: bool,
    service: str = CertificateService.TRANSITION, granted_days: int | None = None, copay_cap: int | None = None,
    is_extension: bool = False, figures: list | None = None, municipality_number: str = "",
    decision_service_code: str = "", provider_entry_number: int | None = None, contract_start: date | None = None,
    cap_management: str = CapManagement.NONE, cap_manager_number: str = "", cap_manager_name: str = "",
) -> Certificate:
    """A new certificate checked by every rule of ``certificate_add`` against what the caller read:
    ``earlier``, the client's certificates of the same service, and ``number_taken``, whether the number
    belongs to another client of the office (``figures``: ``figures_history()``, read once by a caller that
    builds many).  The database constraints are checked on saving."""
    certificate = Certificate(
        office=client.office, client=client, service=service, number=number, municipality=municipality,
        period_start=period_start, period_end=period_end, is_extension=is_extension,
        granted_days=granted_days or None, income_category=income_category,
        copay_cap=_standard_copay_cap(income_category, period_start, figures) if copay_cap is None else copay_cap,
        municipality_number=municipality_number or "", decision_service_code=decision_service_code or "",
        provider_entry_number=provider_entry_number, contract_start=contract_start,
        cap_management=cap_management or CapManagement.NONE, cap_manager_number=cap_manager_number or "",
        cap_manager_name=cap_manager_name or "",
    )
    errors: dict[str, list[ValidationError]] = {}
    if is_extension and service != CertificateService.TRANSITION:
        errors["is_extension"] = [ValidationError(_(MSG_EXTENSION_TRANSITION_ONLY),
                                                   code=ClientError.EXTENSION_TRANSITION_ONLY)]
        is_extension = False  # judge the period as a plain decision of its service
    if period_end >= period_start:
        longest = certificate_longest_end(period_start, is_extension=is_extension, service=service)
        if period_end > longest:
            months = certificate_longest_months(service=service, is_extension=is_extension)
            errors["period_end"] = [ValidationError(_(MSG_CERTIFICATE_TOO_LONG) % {"months": months, "end": longest},
                                                     code=ClientError.CERTIFICATE_TOO_LONG)]
        earlier = sorted((c for c in earlier if c.service == service), key=lambda c: c.period_start)
        if any(c.period_start <= period_end and period_start <= c.period_end for c in earlier):
            errors.setdefault("period_start", []).append(
                ValidationError(_(MSG_CERTIFICATE_OVERLAP), code=ClientError.CERTIFICATE_OVERLAP))
        if is_extension:
            before = [c for c in earlier if c.period_end < period_start]
            standard = [i for i, c in enumerate(before) if not c.is_extension]
            if not before:
                errors.setdefault("is_extension", []).append(
                    ValidationError(_(MSG_EXTENSION_NEEDS_CERTIFICATE), code=ClientError.EXTENSION_NEEDS_CERTIFICATE))
            elif not standard or any(c.is_extension for c in before[standard[-1] + 1:]):
                errors.setdefault("is_extension", []).append(
                    ValidationError(_(MSG_EXTENSION_ONCE), code=ClientError.EXTENSION_ONCE))
    if number_taken:
        errors.setdefault("number", []).append(
            ValidationError(_(MSG_CERTIFICATE_NUMBER_TAKEN), code=ClientError.CERTIFICATE_NUMBER_TAKEN))
    if errors:
        raise ValidationError(errors)
    certificate.full_clean(exclude=["office", "client"], validate_constraints=False)
    return certificate


@audited(by="by")
@transaction.atomic
def certificate_add(
    *, client: Client, number: str, municipality: str, period_start: date, period_end: date,
    income_category: str, service: str = CertificateService.TRANSITION, granted_days: int | None = None,
    copay_cap: int | None = None, is_extension: bool = False, municipality_number: str = "",
    decision_service_code: str = "", provider_entry_number: int | None = None, contract_start: date | None = None,
    cap_management: str = CapManagement.NONE, cap_manager_number: str = "", cap_manager_name: str = "",
    by: User,
) -> Certificate:
    """Record a decision on the recipient certificate as a new row (renewals and the one extension too).
    Each service (就労移行支援, 就労定着支援) is its own decision: periods may not overlap within a service,
    only a transition certificate is extended.  The co-payment cap defaults to the income category's
    standard amount; granted days default to the standard amount (``regulations.rules.granted_days``)."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    certificate = certificate_build(
        client=client, number=number, municipality=municipality, period_start=period_start, period_end=period_end,
        income_category=income_category, service=service, granted_days=granted_days, copay_cap=copay_cap,
        is_extension=is_extension, earlier=list(client.certificates.filter(service=service)),
        municipality_number=municipality_number, decision_service_code=decision_service_code,
        provider_entry_number=provider_entry_number, contract_start=contract_start,
        cap_management=cap_management, cap_manager_number=cap_manager_number, cap_manager_name=cap_manager_name,
        number_taken=Certificate.objects.filter(office=client.office, number=number).exclude(client=client).exists(),
    )
    certificate.full_clean()
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError as error:  # the per-office number trigger, under a concurrent insert
        if "certificate_number_unique_per_office" in str(error):
            raise ValidationError({"number": ValidationError(_(MSG_CERTIFICATE_NUMBER_TAKEN),
                                                             code=ClientError.CERTIFICATE_NUMBER_TAKEN)}) from error
        raise
    return certificate


@audited(by="by")
@transaction.atomic
def certificate_cap_manager_set(
    *, certificate: Certificate, cap_management: str, cap_manager_number: str = "", cap_manager_name: str = "",
    by: User,
) -> Certificate:
    """Record who manages the person's co-payment cap across providers (上限額管理事業所) on a certificate:
    nobody, this office, or another office named by its number and name (the constraints refuse another office
    without them, and a name when no other office manages).  Often written on the certificate after it was
    issued, so it is set on the recorded certificate; the history keeps each change."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    other = cap_management == CapManagement.OTHER_OFFICE
    certificate.cap_management = cap_management
    certificate.cap_manager_number = (cap_manager_number or "").strip() if other else ""
    certificate.cap_manager_name = (cap_manager_name or "").strip() if other else ""
    certificate.full_clean()
    certificate.save(update_fields=["cap_management", "cap_manager_number", "cap_manager_name"])
    return certificate


# --- health and benefits (sensitive) --------------------------------------------------------------------

HEALTH_FIELDS = ("diagnosis_note", "disability_certificate", "disability_grade", "pension_grade", "pension_kind",
                 "pension_amount", "public_assistance", "hospital", "doctor")


@audited(by="by")
@transaction.atomic
def health_update(*, client: Client, data: dict[str, Any], diagnoses: Iterable[Diagnosis], by: User) -> HealthRecord:
    health = HealthRecord.objects.select_for_update().filter(client=client).first() or HealthRecord(client=client)
    for name in HEALTH_FIELDS:
        if name in data:
            setattr(health, name, data[name])
    errors: dict[str, ValidationError] = {}
    if health.pension_grade == PensionGrade.NONE and health.pension_amount is not None:
        errors["pension_amount"] = ValidationError(_(MSG_PENSION_AMOUNT_WITHOUT_PENSION),
                                                   code=ClientError.PENSION_AMOUNT_WITHOUT_PENSION)
    if health.pension_grade != PensionGrade.NONE and not health.pension_kind:
        errors["pension_kind"] = ValidationError(_(MSG_PENSION_KIND_WITH_GRADE),
                                                 code=ClientError.PENSION_KIND_WITH_GRADE)
    if health.disability_certificate == DisabilityCertificateKind.NONE and health.disability_grade:
        errors["disability_grade"] = ValidationError(_(MSG_GRADE_WITHOUT_CERTIFICATE),
                                                     code=ClientError.GRADE_WITHOUT_CERTIFICATE)
    if errors:
        raise ValidationError(errors)
    health.updated_by = by
    health.full_clean()
    health.save()
    health.diagnoses.set(list(diagnoses))
    return health


# --- IPS career profile ---------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "own_words", "dream_job", "next_job", "job_fields", "tasks", "hours_per_week", "days_per_week",
    "preferred_days", "places", "commute_minutes", "hourly_wage", "recruitment_type", "disclosure_discussed_on",
    "disclosure_note", "strengths", "skills", "licences", "education", "supports_needed", "things_to_avoid",
)
JOB_FIELDS = ("employer", "job_title", "started_on", "ended_on", "end_reason")


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json(item) for item in value]
    return value


def _profile_snapshot(profile: CareerProfile, jobs: Iterable[WorkHistoryEntry]) -> dict[str, Any]:
    snapshot = {name: _json(getattr(profile, name)) for name in PROFILE_FIELDS}
    snapshot["work_history"] = [{"id": job.pk, **{name: _json(getattr(job, name)) for name in JOB_FIELDS}}
                                for job in jobs]
    return snapshot


@audited(by="by")
@transaction.atomic
def career_profile_update(
    *, client: Client, data: dict[str, Any], jobs: Iterable[dict[str, Any]] = (), by: User
) -> CareerProfile:
    """Save the IPS career profile and work history; when anything changed, keep a ``CareerProfileChange``
    (who, when, which fields, the profile after the change).  ``jobs`` are dicts of ``JOB_FIELDS`` with an
    optional ``id`` of an existing job of this client (updated) — jobs are never deleted."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    profile = CareerProfile.objects.filter(client=client).first()
    existing_jobs = {job.pk: job for job in client.work_history.all()}
    before = _profile_snapshot(profile, existing_jobs.values()) if profile else None
    profile = profile or CareerProfile(client=client)
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    profile.job_fields = sorted(set(profile.job_fields or []))
    profile.updated_by = by
    profile.full_clean()
    saved_jobs = []
    for row in jobs:
        job = existing_jobs.get(row.get("id")) if row.get("id") else None
        job = job or WorkHistoryEntry(client=client)
        for name in JOB_FIELDS:
            setattr(job, name, row.get(name) or ("" if name in ("employer", "job_title", "end_reason") else None))
        job.full_clean()
        saved_jobs.append(job)
    profile.save()
    for job in saved_jobs:
        job.save()
    after = _profile_snapshot(profile, client.work_history.all())
    if after != before:
        changed = [name for name in after if before is None or after[name] != before.get(name)]
        CareerProfileChange.objects.create(client=client, changed_by=by, changed_fields=changed, snapshot=after)
    return profile


# --- case notes -----------------------------------------------------------------------------------------


@audited(by="by")
@transaction.atomic
def case_note_add(
    *, client: Client, kind: str, text: str, minutes: int, by: User, day: date | None = None
) -> CaseNote:
    """A dated case note (面談, 電話, 家族連絡, 医療連携, 生活・福祉の相談, ケース会議) by ``by``."""
    day = day or timezone.localdate()
    refuse_future_date(day)
    note = CaseNote(client=client, kind=kind, text=text.strip(), minutes=minutes, author=by, day=day)
    note.full_clean()
    note.save()
    return note


# --- sensitive export -----------------------------------------------------------------------------------


@audited(by="by")
@transaction.atomic
def sensitive_export_record(
    *, office: Office, kind: str, filters: dict[str, Any], client_ids: list[int], fields: list[str], by: User
) -> SensitiveExport:
    """Record who exported which sensitive data, when.  Call it in the same transaction as building the export."""
    export = SensitiveExport(office=office, exported_by=by, kind=kind, filters=filters, client_ids=client_ids,
                             fields=fields)
    export.full_clean()
    export.save()
    return export

"""IPS work with employers and everything after a hire.

Core records shared with billing and case review: employers, hires and follow-up contacts.  The
job-development log, applications, interviews and outreach live beside them.
"""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from clients.models import Client, JobField, RecruitmentType
from compostela.audit import track
from compostela.constraints import (
    MSG_MINUTES_RANGE,
    MSG_UNKNOWN_CHOICE,
    FieldCheckConstraint,
    FieldUniqueConstraint,
)
from compostela.models import Office
from placements.errors import PlacementError

# The rules of a hire, checked by its constraints (full_clean shows them on their field)
MSG_FIXED_TERM_NEEDS_END = _("A fixed-term job needs the end of its term; a permanent job has none.")
MSG_FIXED_TERM_ENDS_BEFORE_START = _("The end of the fixed term cannot be before the start date.")
MSG_JOB_END_NEEDS_REASON = _("The end of a job and its reason go together.")
MSG_JOB_ENDS_BEFORE_START = _("The job cannot end before it starts.")
MSG_CLOSED_JOB_DISCLOSED = _("An ordinary job without disclosure cannot be marked as disclosed.")


@track()
class Employer(models.Model):
    """企業: one employer of the office's shared employer list."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="employers")
    name = models.CharField(_("name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]
        constraints = [
            FieldUniqueConstraint(
                fields=["office", "name"], name="employer_name_unique_per_office",
                field="name", violation_error_code=PlacementError.EMPLOYER_NAME_TAKEN,
                violation_error_message=_("The office already has an employer of this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EmploymentForm(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    FIXED_TERM = "fixed_term", _("Fixed-term")


class JobEndReason(models.TextChoices):
    QUIT = "quit", _("Quit")
    DISMISSED = "dismissed", _("Dismissed")
    CONTRACT_ENDED = "contract_ended", _("Contract ended")
    CHANGED_JOB = "changed_job", _("Changed job")


@track()
class Hire(models.Model):
    """就職: a client's hire into one job.  Its start date drives retention, phases and billing."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="hires")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="hires")
    job_title = models.CharField(_("job title"), max_length=100)
    job_field = models.CharField(_("job field"), max_length=20, choices=JobField.choices)
    recruitment_type = models.CharField(_("recruitment type"), max_length=10, choices=RecruitmentType.choices)
    start_date = models.DateField(_("start date"))
    hours_per_week = models.DecimalField(_("hours a week"), max_digits=4, decimal_places=1)
    hourly_wage = models.PositiveIntegerField(_("hourly wage (yen)"))
    employment_form = models.CharField(_("employment form"), max_length=12, choices=EmploymentForm.choices)
    fixed_term_end = models.DateField(_("end of the fixed term"), null=True, blank=True)
    disclosed = models.BooleanField(_("disability disclosed"))
    ended_on = models.DateField(_("job ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason the job ended"), max_length=16, choices=JobEndReason.choices, blank=True)
    competitive = models.BooleanField(
        _("competitive job"), default=True,
        help_text=_(
            "An ordinary job in the open labour market (not sheltered work such as continuous employment support)."
        ),
    )
    application = models.ForeignKey(
        "JobApplication", on_delete=models.SET_NULL, null=True, blank=True, related_name="hires",
        verbose_name=_("application"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        verbose_name = _("hire")
        verbose_name_plural = _("hires")
        ordering = ["-start_date", "pk"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(job_field__in=JobField.values), name="hire_job_field_known",
                field="job_field", violation_error_code=PlacementError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(recruitment_type__in=RecruitmentType.values), name="hire_recruitment_type_known",
                field="recruitment_type", violation_error_code=PlacementError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(employment_form__in=EmploymentForm.values), name="hire_employment_form_known",
                field="employment_form", violation_error_code=PlacementError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(employment_form=EmploymentForm.PERMANENT, fixed_term_end__isnull=True)
                | Q(employment_form=EmploymentForm.FIXED_TERM, fixed_term_end__isnull=False),
                name="hire_fixed_term_has_end",
                field="fixed_term_end", violation_error_code=PlacementError.FIXED_TERM_NEEDS_END,
                violation_error_message=MSG_FIXED_TERM_NEEDS_END,
            ),
            FieldCheckConstraint(
                condition=Q(fixed_term_end__isnull=True) | Q(fixed_term_end__gte=F("start_date")),
                name="hire_fixed_term_ends_after_start",
                field="fixed_term_end", violation_error_code=PlacementError.FIXED_TERM_ENDS_BEFORE_START,
                violation_error_message=MSG_FIXED_TERM_ENDS_BEFORE_START,
            ),
            FieldCheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | Q(ended_on__isnull=False, end_reason__in=JobEndReason.values),
                name="hire_end_has_date_and_reason",
                field="end_reason", violation_error_code=PlacementError.JOB_END_NEEDS_REASON,
                violation_error_message=MSG_JOB_END_NEEDS_REASON,
            ),
            FieldCheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("start_date")), name="hire_ends_after_start",
                field="ended_on", violation_error_code=PlacementError.JOB_ENDS_BEFORE_START,
                violation_error_message=MSG_JOB_ENDS_BEFORE_START,
            ),
            FieldCheckConstraint(
                condition=Q(hours_per_week__gt=0, hours_per_week__lte=60), name="hire_hours_per_week_range",
                field="hours_per_week", violation_error_code=PlacementError.HOURS_PER_WEEK_RANGE,
                violation_error_message=_("Give the hours a week: more than 0, at most 60."),
            ),
            # an undisclosed ordinary job is the only one where the employer does not know
            FieldCheckConstraint(
                condition=~Q(recruitment_type=RecruitmentType.CLOSED) | Q(disclosed=False),
                name="hire_closed_job_not_disclosed",
                field="disclosed", violation_error_code=PlacementError.CLOSED_JOB_DISCLOSED,
                violation_error_message=MSG_CLOSED_JOB_DISCLOSED,
            ),
        ]
        indexes = [
            # retention tier and follow-up cost: an office's hires by start date
            models.Index(fields=["office", "start_date"], name="hire_office_start"),
            # client funnel and timeline: a client's hires
            models.Index(fields=["client", "start_date"], name="hire_client_start"),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.employer} ({self.start_date})"


class FollowUpKind(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face-to-face with the person")
    WORKPLACE_VISIT = "workplace_visit", _("Workplace visit with the employer")
    PHONE_ONLINE = "phone_online", _("Phone or online")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment (hospital, Hello Work)")
    SUPPORT_REPORT = "support_report", _("Support report shared with the person")


@track()
class FollowUpContact(models.Model):
    """定着支援: one follow-up contact after a hire."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    hire = models.ForeignKey(Hire, on_delete=models.PROTECT, related_name="followups")
    day = models.DateField(_("date"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("staff member"))
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up contact")
        verbose_name_plural = _("follow-up contacts")
        ordering = ["-day", "-pk"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(kind__in=FollowUpKind.values), name="followup_kind_known",
                field="kind", violation_error_code=PlacementError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=720), name="followup_minutes_range",
                field="minutes", violation_error_code=PlacementError.MINUTES_RANGE,
                violation_error_message=MSG_MINUTES_RANGE,
            ),
        ]
        indexes = [
            # hire timeline, follow-up cost and 就労定着支援 billing: contacts of a hire by date
            models.Index(fields=["hire", "day"], name="followup_hire_day"),
            # case review and billing month: an office's contacts in a date range
            models.Index(fields=["office", "day"], name="followup_office_day"),
        ]

    def __str__(self) -> str:
        return f"{self.hire.client} {self.day} {self.get_kind_display()}"


@track()
class EmployerPerson(models.Model):
    """A contact person at an employer (hiring manager, site supervisor …)."""

    office_path = "employer__office"

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(_("name"), max_length=100)
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        ordering = ["employer", "name", "pk"]
        constraints = [
            FieldUniqueConstraint(
                fields=["employer", "name"], name="employer_person_name_unique",
                field="name", violation_error_code=PlacementError.PERSON_NAME_TAKEN,
                violation_error_message=_("The employer already has a contact person of this name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.position})" if self.position else self.name


class EmployerContactKind(models.TextChoices):
    FIRST_VISIT = "first_visit", _("First visit")
    LEARN_BUSINESS = "learn_business", _("Return visit to learn the business")
    PHONE = "phone", _("Phone call")
    HIRING_MANAGER = "hiring_manager", _("Meeting with a hiring manager")
    JOB_LEAD = "job_lead", _("Job lead received")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment with a client")


# The kinds met in person: IPS counts these for the employer-contact fidelity items.
FACE_TO_FACE_EMPLOYER_KINDS = (
    EmployerContactKind.FIRST_VISIT,
    EmployerContactKind.LEARN_BUSINESS,
    EmployerContactKind.HIRING_MANAGER,
    EmployerContactKind.ACCOMPANIMENT,
)


@track()
class EmployerContact(models.Model):
    """職場開拓: one entry of the job-development log."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="contacts",
                                 verbose_name=_("employer"))
    person = models.ForeignKey(EmployerPerson, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="contacts", verbose_name=_("contact person"))
    day = models.DateField(_("date"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("staff member"))
    kind = models.CharField(_("kind"), max_length=20, choices=EmployerContactKind.choices)
    clients = models.ManyToManyField(Client, through="EmployerContactClient", blank=True,
                                     related_name="employer_contacts", verbose_name=_("for clients"))
    outcome = models.TextField(_("outcome"), blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employer contact")
        verbose_name_plural = _("employer contacts")
        ordering = ["-day", "-pk"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(kind__in=EmployerContactKind.values),
                name="employer_contact_kind_known",
                field="kind", violation_error_code=PlacementError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(minutes__isnull=True) | Q(minutes__gte=1, minutes__lte=720),
                name="employer_contact_minutes_range",
                field="minutes", violation_error_code=PlacementError.MINUTES_RANGE,
                violation_error_message=MSG_MINUTES_RANGE,
            ),
        ]
        indexes = [
            # contact log and fidelity figures: an office's contacts in a date range
            models.Index(fields=["office", "day"], name="employer_contact_office_day"),
            # employer page: the history of one employer
            models.Index(fields=["employer", "day"], name="employer_contact_employer_day"),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.day} {self.get_kind_display()}"


class ApplicationResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    OFFER = "offer", _("Offer")
    REJECTED = "rejected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


@track()
class JobApplication(models.Model):
    """One application of a client's job search."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="applications")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="applications",
                                 verbose_name=_("employer"))
    job_title = models.CharField(_("job title"), max_length=100)
    job_field = models.CharField(_("job field"), max_length=20, choices=JobField.choices)
    recruitment_type = models.CharField(_("recruitment type"), max_length=10, choices=RecruitmentType.choices)
    applied_on = models.DateField(_("applied on"))
    result = models.CharField(_("result"), max_length=10, choices=ApplicationResult.choices,
                              default=ApplicationResult.PENDING)
    result_on = models.DateField(_("result on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(job_field__in=JobField.values), name="application_job_field_known",
                field="job_field", violation_error_code=PlacementError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(recruitment_type__in=RecruitmentType.values),
                name="application_recruitment_type_known",
                field="recruitment_type", violation_error_code=PlacementError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(result__in=ApplicationResult.values),
                name="application_result_known",
                field="result", violation_error_code=PlacementError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(result=ApplicationResult.PENDING, result_on__isnull=True)
                | (~Q(result=ApplicationResult.PENDING) & Q(result_on__isnull=False,
                result_on__gte=F("applied_on"))),
                name="application_result_has_date",
                field="result_on", violation_error_code=PlacementError.RESULT_NEEDS_DATE,
                violation_error_message=_("A result other than pending has its date, on or after the application; "
                                          "a pending one has none."),
            ),
        ]
        indexes = [
            # client job-search page and funnel: a client's applications by date
            models.Index(fields=["client", "applied_on"], name="application_client_day"),
            # reports: an office's applications in a date range
            models.Index(fields=["office", "applied_on"], name="application_office_day"),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.employer} {self.job_title} ({self.applied_on})"


@track()
class Interview(models.Model):
    """面接: one interview of an application."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(JobApplication, on_delete=models.CASCADE, related_name="interviews")
    day = models.DateField(_("date"))
    accompanied = models.BooleanField(_("accompanied by staff"), default=False)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("staff member"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["day", "pk"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(accompanied=False) | Q(staff__isnull=False),
                name="interview_accompanied_has_staff",
                field="staff", violation_error_code=PlacementError.ACCOMPANIED_NEEDS_STAFF,
                violation_error_message=_("Choose the staff member who accompanies the client."),
            ),
        ]
        indexes = [
            # client funnel: interviews of a client's applications by date
            models.Index(fields=["application", "day"], name="interview_application_day"),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.day}"


class OutreachKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    ACCOMPANY_INTERVIEW = "accompany_interview", _("Accompaniment to an interview")
    ACCOMPANY_HELLO_WORK = "accompany_hello_work", _("Accompaniment to Hello Work")
    ACCOMPANY_HOSPITAL = "accompany_hospital", _("Accompaniment to hospital")
    ACCOMPANY_BENEFITS = "accompany_benefits", _("Accompaniment to the benefits office")
    FAMILY = "family", _("Contact with family")
    RE_ENGAGEMENT = "re_engagement", _("Re-engagement")


@track()
class Outreach(models.Model):
    """アウトリーチ: work with a client outside the office."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="outreach")
    day = models.DateField(_("date"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("staff member"))
    kind = models.CharField(_("kind"), max_length=24, choices=OutreachKind.choices)
    place = models.CharField(_("place"), max_length=100, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outreach")
        verbose_name_plural = _("outreach")
        ordering = ["-day", "-pk"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(kind__in=OutreachKind.values), name="outreach_kind_known",
                field="kind", violation_error_code=PlacementError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
            FieldCheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=720), name="outreach_minutes_range",
                field="minutes", violation_error_code=PlacementError.MINUTES_RANGE,
                violation_error_message=MSG_MINUTES_RANGE,
            ),
        ]
        indexes = [
            # client timeline: a client's outreach by date
            models.Index(fields=["client", "day"], name="outreach_client_day"),
            # fidelity figures: an office's outreach in a date range
            models.Index(fields=["office", "day"], name="outreach_office_day"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.day} {self.get_kind_display()}"



@track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class EmployerContactClient(models.Model):
    """Which clients a contact with an employer was about: the link rows of ``EmployerContact.clients``.  A
    model of its own (the table Django made for the link) so that the migrations carry its audit-trail
    triggers."""

    employercontact = models.ForeignKey(EmployerContact, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "placements_employercontact_clients"
        unique_together = [("employercontact", "client")]
        verbose_name = _("client of an employer contact")
        verbose_name_plural = _("clients of employer contacts")

    def __str__(self) -> str:
        return str(self.client_id)

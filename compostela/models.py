"""Offices, staff and their roles: the pieces every app shares."""

import pghistory
import pghistory.models
import pgtrigger
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compostela.audit import track
from compostela.constraints import MSG_UNKNOWN_CHOICE, FieldCheckConstraint, FieldUniqueConstraint
from compostela.errors import CompostelaError


class User(AbstractUser):
    """A staff member who logs in.  The language is chosen per user (Japanese by default)."""

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            FieldCheckConstraint(
                condition=Q(language__in=["ja", "en"]), name="user_language_known",
                field="language", violation_error_code=CompostelaError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]

    def __str__(self) -> str:
        full = f"{self.last_name} {self.first_name}".strip()
        return full or self.username


class AreaGrade(models.TextChoices):
    """地域区分 (area grade) used for the yen-per-unit price."""

    GRADE_1 = "1", _("Grade 1")
    GRADE_2 = "2", _("Grade 2")
    GRADE_3 = "3", _("Grade 3")
    GRADE_4 = "4", _("Grade 4")
    GRADE_5 = "5", _("Grade 5")
    GRADE_6 = "6", _("Grade 6")
    GRADE_7 = "7", _("Grade 7")
    OTHER = "other", _("Other areas")


prefecture_number_validator = RegexValidator(r"^\d{2}$", _("The prefecture number has exactly 2 digits."),
                                             code=CompostelaError.PREFECTURE_NUMBER_FORMAT)
claim_municipality_validator = RegexValidator(r"^\d{6}$", _("The municipality number has exactly 6 digits."),
                                              code=CompostelaError.CLAIM_MUNICIPALITY_FORMAT)
office_number_validator = RegexValidator(r"^\d{10}$", _("The office number has exactly 10 digits."),
                                         code=CompostelaError.OFFICE_NUMBER_FORMAT)


@track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), pghistory.ManualEvent("export")
)
class Office(models.Model):
    """事業所: one employment-transition office.  Several offices share one schema."""

    name = models.CharField(_("name"), max_length=200)
    number = models.CharField(
        _("office number"), max_length=10, unique=True, validators=[office_number_validator]
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    area_grade = models.CharField(_("area grade"), max_length=8, choices=AreaGrade.choices)
    opened_on = models.DateField(_("opening date"))
    # The control record of the electronic claim file (billing.claimfile): blank until the office enters them
    # (the claim file then names what is missing).  Our layout reference gives no rule to derive them.
    prefecture_number = models.CharField(
        _("prefecture number"), max_length=2, blank=True, validators=[prefecture_number_validator],
        help_text=_("都道府県番号 of the claim file's control record (2 digits)."),
    )
    claim_file_municipality_number = models.CharField(
        _("municipality number of the claim file's control record"), max_length=6, blank=True,
        validators=[claim_municipality_validator],
        help_text=_("市町村番号 of the claim file's control record, as the 国保連's instructions give it (6 digits)."),
    )
    demo = models.BooleanField(
        _("demonstration office"), default=False,
        help_text=_("Set by the demo seeder only: the office may use EXAMPLE fee data, and nothing made for it is "
                    "for submission."),
    )

    office_path = "pk"  # see compostela.scoping.scoped

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["number"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(number__regex=r"^\d{10}$"), name="office_number_ten_digits",
                field="number", violation_error_code=CompostelaError.OFFICE_NUMBER_FORMAT,
                violation_error_message=_("The office number has exactly 10 digits."),
            ),
            FieldCheckConstraint(
                condition=Q(prefecture_number="") | Q(prefecture_number__regex=r"^\d{2}$"),
                name="office_prefecture_number_two_digits",
                field="prefecture_number", violation_error_code=CompostelaError.PREFECTURE_NUMBER_FORMAT,
                violation_error_message=_("The prefecture number has exactly 2 digits."),
            ),
            FieldCheckConstraint(
                condition=Q(claim_file_municipality_number="") | Q(claim_file_municipality_number__regex=r"^\d{6}$"),
                name="office_claim_file_municipality_six_digits",
                field="claim_file_municipality_number", violation_error_code=CompostelaError.CLAIM_MUNICIPALITY_FORMAT,
                violation_error_message=_("The municipality number has exactly 6 digits."),
            ),
            FieldCheckConstraint(
                condition=Q(capacity__gte=1), name="office_capacity_positive",
                field="capacity", violation_error_code=CompostelaError.CAPACITY_POSITIVE,
                violation_error_message=_("The capacity is at least 1."),
            ),
            FieldCheckConstraint(
                condition=Q(area_grade__in=AreaGrade.values), name="office_area_grade_known",
                field="area_grade", violation_error_code=CompostelaError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def capacity_on(self, day, history) -> int:
        """利用定員 in force on ``day``: the latest of ``history`` (this office's ``OfficeCapacity`` rows,
        oldest first) from on or before the day, else ``capacity``.  No query: callers read the history once."""
        found = None
        for row in history:
            if row.valid_from <= day:
                found = row
            else:
                break
        return found.capacity if found is not None else self.capacity


@track()
class OfficeCapacity(models.Model):
    """The office's capacity (利用定員) from a date; before the first row, ``Office.capacity`` applies
    (``Office.capacity_on``).  The roster's over-capacity warning and billing's reduction both read it."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    valid_from = models.DateField(_("in force from"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))

    class Meta:
        db_table = "billing_officecapacity"  # the table kept its name when the model left the billing app
        verbose_name = _("office capacity")
        verbose_name_plural = _("office capacities")
        ordering = ["office", "-valid_from"]
        constraints = [
            FieldUniqueConstraint(
                fields=["office", "valid_from"], name="office_capacity_one_per_day",
                field="valid_from", violation_error_code=CompostelaError.CAPACITY_ONE_PER_DAY,
                violation_error_message=_("The office already has a capacity in force from this date."),
            ),
            FieldCheckConstraint(
                condition=Q(capacity__gte=1), name="office_capacity_history_positive",
                field="capacity", violation_error_code=CompostelaError.CAPACITY_POSITIVE,
                violation_error_message=_("The capacity is at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.valid_from}: {self.capacity}"



class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")


# A higher rank may do everything a lower one may (a manager also supervises).
ROLE_RANK = {Role.STAFF: 1, Role.SUPERVISOR: 2, Role.MANAGER: 3}


@track()
class Membership(models.Model):
    """A staff member's role in one office.  A user may belong to several offices."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            FieldUniqueConstraint(
                fields=["user", "office"], name="membership_one_role_per_office",
                field="office", violation_error_code=CompostelaError.ONE_ROLE_PER_OFFICE,
                violation_error_message=_("This staff member already has a role in this office."),
            ),
            FieldCheckConstraint(
                condition=Q(role__in=Role.values), name="membership_role_known",
                field="role", violation_error_code=CompostelaError.UNKNOWN_CHOICE,
                violation_error_message=MSG_UNKNOWN_CHOICE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.office} ({self.get_role_display()})"

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]


class AuditAction(models.TextChoices):
    """The labels of the trail's events (``pgh_label``)."""

    INSERT = "insert", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")


class AuditEvent(pghistory.models.Events):
    """The audit trail as one list: the events of every tracked model (``pghistory.models.Events``, a
    read-only union over the event tables that django-pghistory fills by trigger; see ``compostela.audit``),
    with who and why read from each event's context.  Nothing is stored under this name: it is a proxy."""

    user = pghistory.ProxyField(
        "pgh_context__user",
        models.ForeignKey(User, on_delete=models.DO_NOTHING, null=True, related_name="+", verbose_name=_("by")),
    )
    reason = pghistory.ProxyField("pgh_context__reason", models.TextField(_("reason"), null=True))
    request = pghistory.ProxyField("pgh_context__request", models.TextField(_("request"), null=True))

    class Meta:
        proxy = True
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.pgh_created_at:%Y-%m-%d %H:%M} {self.pgh_label} {self.pgh_obj_model} {self.pgh_obj_id}"

    def get_action_display(self) -> str:
        return AuditAction(self.pgh_label).label if self.pgh_label in AuditAction.values else self.pgh_label


# --- The read log: who opened which client's sensitive page (compostela.reads) ------------------------------


class ReadPage(models.TextChoices):
    """The pages that show one client's sensitive records; each records a ``SensitiveRead`` when opened."""

    CLIENT = "client", _("Client page")
    EDIT = "edit", _("Client details form")
    HEALTH = "health", _("Health and benefits (diagnoses)")
    PROFILE = "profile", _("Career profile")
    PROFILE_HISTORY = "profile_history", _("Career profile changes")
    HISTORY = "history", _("History (recorded changes)")
    CASE_REVIEW = "case_review", _("Case review details")
    PLACEMENTS = "placements", _("Job search page")
    HIRE = "hire", _("Job and follow-up page")
    PLAN = "plan", _("Individual support plan")
    PLAN_PRINT = "plan_print", _("Support plan or monitoring printout (PDF)")
    PLAN_SIGNATURE = "plan_signature", _("Support plan signature")


class SensitiveRead(models.Model):
    """One opening of a page of one client's sensitive records: who, when, which client, which page.

    Append-only and cheap: one INSERT per page view (``compostela.reads.record_read``), never an update; the
    application role may only SELECT and INSERT it (``manage.py db_roles``), an UPDATE is refused by trigger
    for everyone, and old rows are deleted only by ``manage.py purge_sensitive_reads`` run as the owner role.
    ``client_id`` is the pk of ``clients.Client`` kept as a number: compostela imports no domain app, and a
    client's reads outlive nothing (clients are never deleted, and a read log must not block anything)."""

    office_path = "office"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("read by"))
    client_id = models.BigIntegerField(_("client"))
    page = models.CharField(_("page"), max_length=20, choices=ReadPage.choices)
    path = models.CharField(_("address"), max_length=200)
    at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("sensitive record read")
        verbose_name_plural = _("sensitive record reads")
        constraints = [
            FieldCheckConstraint(
                condition=Q(page__in=ReadPage.values), name="sensitive_read_page_known", field="page",
                violation_error_message=MSG_UNKNOWN_CHOICE, violation_error_code=CompostelaError.UNKNOWN_CHOICE,
            ),
        ]
        indexes = [
            # the manager's "who read this person's records", newest first
            models.Index(fields=["office", "client_id", "-at"], name="sensitive_read_office_client"),
            # the manager's "what did this staff member open", newest first
            models.Index(fields=["office", "user", "-at"], name="sensitive_read_office_user"),
            # the purge: rows older than the retention
            models.Index(fields=["at"], name="sensitive_read_at"),
        ]
        triggers = [
            # nobody rewrites a read, not even the owner; rows only leave by the purge (a DELETE)
            pgtrigger.Protect(name="sensitive_read_no_update", operation=pgtrigger.Update),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.page} {self.client_id}"


@track()  # a purge is only inserted (a trigger refuses the rest); tracked like every table
class SensitiveReadPurge(models.Model):
    """One run of ``manage.py purge_sensitive_reads``: when, by which database role and operating-system
    user, the cutoff and how many reads were deleted.  Its insert is an event of the audit trail too."""

    ran_at = models.DateTimeField(_("run at"), default=timezone.now)
    cutoff = models.DateTimeField(_("reads before"))
    deleted = models.PositiveIntegerField(_("reads deleted"))
    database_role = models.CharField(_("database role"), max_length=63)
    run_by = models.CharField(_("run by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("read log purge")
        verbose_name_plural = _("read log purges")
        ordering = ["-ran_at"]
        triggers = [
            pgtrigger.Protect(name="sensitive_read_purge_no_change", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.ran_at:%Y-%m-%d %H:%M} {self.deleted} < {self.cutoff:%Y-%m-%d}"

"""Database constraints whose violation a form shows on one field.

Every invariant that must never break is a named database constraint, and each one carries its
``violation_error_message`` (in the user's language) and ``violation_error_code`` (a member of its app's
error enum).  ``Model.full_clean()`` — which every service calls before saving — checks the constraints and
raises those.  Django files a check or exclusion constraint's violation under ``NON_FIELD_ERRORS`` (it
names no field); the classes here take ``field=`` and file it under that field, so the form shows the
message beside the input that broke the rule (``compostela.forms.form_add_service_errors``).  The rule is
still written once: in the constraint's condition.

``field`` says only where a form shows the violation — like the message, nothing in the database — so it is
left out of ``deconstruct()``, and the migrations hold the plain Django constraint.  A constraint that
belongs to no single field (a total that must add up, say) is a plain Django constraint with its message
and code, shown on top of the form.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.postgres.constraints import ExclusionConstraint
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DataError, IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _


class _OnField:
    """Files the violation of the constraint it is mixed into under ``field``."""

    database_path: str  # the plain Django constraint the migrations hold

    def __init__(self, *args, field: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.field = field

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as error:
            if self.field is None:
                raise
            # a constraint raises one message with its code (violation_error_message, violation_error_code)
            raise ValidationError(
                {self.field: ValidationError(error.message, code=error.code, params=error.params)}
            ) from None

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        return self.database_path, args, kwargs

    def clone(self):
        copy = super().clone()
        copy.field = self.field
        return copy


class FieldCheckConstraint(_OnField, models.CheckConstraint):
    """A ``CheckConstraint`` whose violation is shown on ``field``."""

    database_path = "django.db.models.CheckConstraint"


class FieldUniqueConstraint(_OnField, models.UniqueConstraint):
    """A ``UniqueConstraint`` whose violation is shown on ``field`` (one of its fields, the one a user
    changes to resolve it: the day of a client's attendance, the name of an employer)."""

    database_path = "django.db.models.UniqueConstraint"


class FieldExclusionConstraint(_OnField, ExclusionConstraint):
    """An ``ExclusionConstraint`` (no two periods overlap) whose violation is shown on ``field``."""

    database_path = "django.contrib.postgres.constraints.ExclusionConstraint"

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        # A period whose end is before its start is no range: PostgreSQL refuses to build it (DataError), which
        # would end the request with a 500.  It overlaps nothing; the check constraint on its end says what is
        # wrong.  The savepoint keeps the transaction usable after the refused query.
        try:
            with transaction.atomic(using=using):
                super().validate(model, instance, exclude=exclude, using=using)
        except DataError:
            return


@contextmanager
def constraint_refusals(model: type[models.Model]) -> Iterator[None]:
    """Save inside this block, after ``full_clean``: a constraint of ``model`` that only the insert can detect
    (two people saving the same employer name at the same moment: each ``full_clean`` saw no other) is refused
    as ``full_clean`` refuses it — its message and code, on its field — not as an ``IntegrityError`` and a 500.
    The savepoint leaves the caller's transaction usable."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        constraint = next((each for each in model._meta.constraints if each.name == name), None)
        if constraint is None:
            raise
        message, code = constraint.get_violation_error_message(), constraint.violation_error_code
        field = getattr(constraint, "field", None)
        if field is None:
            raise ValidationError(message, code=code) from error
        raise ValidationError({field: ValidationError(message, code=code)}) from error


# Messages several apps' constraints share.
# A choice outside the field's choices: the form's own choice field refuses it first; the constraint's message
# reaches a user only through code that sets the value itself.
MSG_UNKNOWN_CHOICE = _("Choose one of the listed values.")
MSG_MINUTES_RANGE = _("Give the minutes from 1 to 720.")
MSG_MONTH_FIRST_DAY = _("A month is stored as its first day.")

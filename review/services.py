"""Writes of the morning case review (issue 7): mark a person reviewed today, add the meeting's note
(a case note of kind ケース会議, through ``clients.services.case_note_add``), save the office's settings."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from clients.models import CaseNote, CaseNoteKind, Client
from clients.services import case_note_add
from compostela.audit import audited
from compostela.models import Office, User
from review.models import CaseReviewMark, CaseReviewSettings

REVIEW_NOTE_MINUTES_DEFAULT = 5


def _same_office(office: Office, client: Client) -> None:
    if client.office_id != office.pk:
        raise PermissionDenied("The client belongs to another office.")


@audited(by="by")
@transaction.atomic
def case_review_mark(*, office: Office, client: Client, day: date, by: User) -> CaseReviewMark:
    """Mark ``client`` reviewed at ``office``'s meeting of ``day``; marking twice keeps the first mark
    (the unique constraint case_review_mark_once_per_day backs it)."""
    _same_office(office, client)
    mark, _created = CaseReviewMark.objects.get_or_create(office=office, client=client, day=day,
                                                          defaults={"marked_by": by})
    return mark


@audited(by="by")
@transaction.atomic
def case_review_unmark(*, office: Office, client: Client, day: date, by: User) -> None:
    _same_office(office, client)
    CaseReviewMark.objects.filter(office=office, client=client, day=day).delete()


@audited(by="by")
@transaction.atomic
def case_review_note_add(*, office: Office, client: Client, text: str, minutes: int, by: User,
                         day: date) -> CaseNote:
    """The meeting's note about ``client`` (kind ケース会議), shown on the client page; writing it also
    marks the person reviewed today."""
    _same_office(office, client)
    note = case_note_add(client=client, kind=CaseNoteKind.CASE_MEETING, text=text, minutes=minutes, by=by, day=day)
    case_review_mark(office=office, client=client, day=day, by=by)
    return note


@audited(by="by")
@transaction.atomic
def case_review_settings_save(*, office: Office, quiet_days: int, by: User) -> CaseReviewSettings:
    # the rules first: the office's first settings are created with the value given
    CaseReviewSettings(office=office, quiet_days=quiet_days, updated_by=by).full_clean(validate_unique=False)
    settings, _created = CaseReviewSettings.objects.select_for_update().get_or_create(
        office=office, defaults={"quiet_days": quiet_days, "updated_by": by})
    settings.quiet_days = quiet_days
    settings.updated_by = by
    settings.save(update_fields=["quiet_days", "updated_by", "updated_at"])
    return settings

"""Rules: case notes have a kind, an author and minutes; the client page shows them newest first."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients.errors import ClientError
from clients.models import CaseNote, CaseNoteKind
from clients.services import case_note_add
from tests.factories import ClientFactory
from tests.helpers import codes_of


def test_case_note_add_records_the_author_and_the_time_spent(world):
    client = ClientFactory(office=world.office)
    note = case_note_add(client=client, kind=CaseNoteKind.MEDICAL, text="主治医と電話", minutes=20, by=world.staff,
                         day=date(2025, 6, 3))
    assert (note.author, note.minutes, note.kind, note.day) == (world.staff, 20, "medical", date(2025, 6, 3))


@pytest.mark.parametrize("minutes", [0, 721])
def test_minutes_out_of_range_are_refused(world, minutes):
    with pytest.raises(ValidationError) as error:
        case_note_add(client=ClientFactory(office=world.office), kind=CaseNoteKind.PHONE, text="x",
                      minutes=minutes, by=world.staff)
    assert codes_of(error.value) == {ClientError.CASE_NOTE_MINUTES_RANGE}
    assert not CaseNote.objects.exists()


def test_notes_appear_newest_first_on_the_client_page(world, staff_client):
    client = ClientFactory(office=world.office)
    case_note_add(client=client, kind=CaseNoteKind.INTERVIEW, text="古いメモ", minutes=30, by=world.staff,
                  day=date(2025, 5, 1))
    case_note_add(client=client, kind=CaseNoteKind.CASE_MEETING, text="新しいメモ", minutes=45, by=world.staff,
                  day=date(2025, 6, 1))
    html = staff_client.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert html.index("新しいメモ") < html.index("古いメモ")
    assert "ケース会議" in html


def test_an_invalid_note_form_says_why_in_japanese_and_saves_nothing(world, staff_client):
    client = ClientFactory(office=world.office)
    response = staff_client.post(reverse("clients:note_add", args=[client.pk]),
                                 {"day": "2025-06-01", "kind": "interview", "minutes": "0", "text": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "このフィールドは必須です" in html
    assert not CaseNote.objects.exists()

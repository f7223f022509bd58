"""Rules: another office's client answers 404 and is not changed; the list shows only this office."""

from django.urls import reverse

from clients.models import CaseNote
from tests.factories import ClientFactory


def test_another_offices_client_page_is_404(world, outsider_client):
    client = ClientFactory(office=world.office)
    assert outsider_client.get(reverse("clients:detail", args=[client.pk])).status_code == 404


def test_another_office_cannot_edit_or_add_notes_and_nothing_changes(world, outsider_client):
    client = ClientFactory(office=world.office, phone="011-000-0000")
    edit = outsider_client.post(reverse("clients:edit", args=[client.pk]), {"phone": "999"})
    note = outsider_client.post(reverse("clients:note_add", args=[client.pk]),
                                {"day": "2025-06-01", "kind": "phone", "minutes": "5", "text": "x"})
    assert (edit.status_code, note.status_code) == (404, 404)
    client.refresh_from_db()
    assert client.phone == "011-000-0000"
    assert not CaseNote.objects.exists()


def test_the_list_shows_only_this_offices_clients(world, staff_client):
    ClientFactory(office=world.office, family_name="自事業所")
    ClientFactory(office=world.other_office, family_name="他事業所")
    html = staff_client.get(reverse("clients:list")).content.decode()
    assert "自事業所" in html and "他事業所" not in html


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    response = client.get(reverse("clients:detail", args=[ClientFactory(office=world.office).pk]))
    assert response.status_code == 302 and "login" in response["Location"]

"""Rule: every office role views the board and writes notes; the settings are for supervisors and managers;
another office's person answers 404 on the detail, note and mark URLs, and nothing is written."""

import pytest
from django.urls import reverse

from clients.models import CaseNote
from review.models import CaseReviewMark, CaseReviewSettings
from tests.conftest import logged_in
from tests.review.helpers import client_in_service

pytestmark = pytest.mark.django_db


def test_another_offices_person_is_404_on_detail_note_and_mark_and_nothing_is_written(world):
    client = client_in_service(world.office)
    http = logged_in(world.outsider)
    assert http.get(reverse("review:person", kwargs={"pk": client.pk})).status_code == 404
    assert http.post(reverse("review:note", kwargs={"pk": client.pk}),
                     {"text": "見てはいけない", "minutes": 5}).status_code == 404
    assert http.post(reverse("review:mark", kwargs={"pk": client.pk})).status_code == 404
    assert not CaseNote.objects.exists()
    assert not CaseReviewMark.objects.exists()


def test_another_offices_board_does_not_list_this_offices_people(world):
    client = client_in_service(world.office)
    response = logged_in(world.outsider).get(reverse("review:board"))
    assert f'id="row-{client.pk}"' not in response.content.decode()


def test_staff_may_not_change_the_settings_and_nothing_changes(world):
    response = logged_in(world.staff).post(reverse("review:settings"), {"quiet_days": 3})
    assert response.status_code == 403
    assert not CaseReviewSettings.objects.exists()


def test_a_supervisor_sets_the_no_contact_days(world):
    response = logged_in(world.supervisor).post(reverse("review:settings"), {"quiet_days": 10})
    assert response.status_code == 302
    assert CaseReviewSettings.objects.get(office=world.office).quiet_days == 10


def test_the_no_contact_days_stay_between_1_and_60(world):
    response = logged_in(world.supervisor).post(reverse("review:settings"), {"quiet_days": 61})
    assert response.status_code == 200
    assert not CaseReviewSettings.objects.exists()


def test_staff_write_a_note_without_javascript_and_return_to_the_board(world):
    client = client_in_service(world.office)
    response = logged_in(world.staff).post(reverse("review:note", kwargs={"pk": client.pk}),
                                           {"text": "来週から求人に応募", "minutes": 5, "next": "/review/?mine=on"})
    assert response.status_code == 302
    assert response["Location"] == f"/review/?mine=on#row-{client.pk}"
    assert CaseNote.objects.get(client=client).kind == "case_meeting"


def test_an_empty_note_is_refused_and_nothing_is_written(world):
    client = client_in_service(world.office)
    response = logged_in(world.staff).post(reverse("review:note", kwargs={"pk": client.pk}),
                                           {"text": "  ", "minutes": 5})
    assert response.status_code == 400
    assert not CaseNote.objects.exists()
    assert not CaseReviewMark.objects.exists()

"""The hire form speaks Japanese with one label per field, and ending a job is a deliberate step: nothing
is filled in for the user and the end must be confirmed."""

from datetime import timedelta

import pytest
from django.urls import reverse

from placements.models import Hire
from tests.factories import HireFactory

pytestmark = pytest.mark.django_db


def test_the_hire_form_labels_are_japanese_and_distinct(world, staff_client):
    from tests.factories import ClientFactory

    client = ClientFactory(office=world.office)
    body = staff_client.get(reverse("placements:hire_create", args=[client.pk])).content.decode()
    assert "Employer:" not in body
    assert '<label for="id_employer">就職先:</label>' in body
    assert '<label for="id_job_title">職名:</label>' in body
    assert '<label for="id_job_field">職種:</label>' in body
    # a checkbox sits inside its label, on one line
    assert '<label><input type="checkbox" name="disclosed"' in body


def test_the_job_end_form_fills_in_nothing(world, staff_client, today):
    hire = HireFactory(office=world.office, start_date=today - timedelta(days=60), created_by=world.staff)
    body = staff_client.get(reverse("placements:hire_detail", args=[hire.pk])).content.decode()
    assert 'name="ended_on"' in body and f'value="{today.isoformat()}"' not in body
    assert '<option value="" selected>---------</option>' in body
    assert '<details class="job-end">' in body


def test_ending_a_job_needs_the_confirmation(world, staff_client, today):
    hire = HireFactory(office=world.office, start_date=today - timedelta(days=60), created_by=world.staff)
    url = reverse("placements:hire_end", args=[hire.pk])
    data = {"ended_on": (today - timedelta(days=1)).isoformat(), "reason": "quit"}
    refused = staff_client.post(url, data)
    assert refused.status_code == 200
    hire.refresh_from_db()
    assert hire.ended_on is None
    done = staff_client.post(url, {**data, "confirmed": "on"})
    assert done.status_code == 302
    assert Hire.objects.get(pk=hire.pk).ended_on == today - timedelta(days=1)

"""Recording a hire over saved attendance says which days now fall outside the period of use (billing claims
none of them), and the client page keeps saying it until they are corrected."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests.factories import AttendanceFactory, EmployerFactory, enrolled_client

pytestmark = pytest.mark.django_db


def test_a_hire_over_saved_attendance_names_the_days_now_outside(world, today, staff_client):
    client = enrolled_client(world.office, family_name="北村")
    AttendanceFactory(client=client, day=today - timedelta(days=1))
    AttendanceFactory(client=client, day=today)
    employer = EmployerFactory(office=world.office)
    response = staff_client.post(reverse("placements:hire_create", args=[client.pk]), {
        "employer": employer.pk, "job_title": "倉庫作業", "job_field": "warehouse",
        "recruitment_type": "quota", "start_date": today.isoformat(), "hours_per_week": "20",
        "hourly_wage": "1010", "employment_form": "permanent", "disclosed": "on", "competitive": "on",
    }, follow=True)
    body = response.content.decode()
    assert "利用期間の終了後に通所が記録されていて" in body, body[body.find("errorlist"):][:500]
    warning = body.split("利用期間の終了後")[1][:120]
    assert today.isoformat() in warning and (today - timedelta(days=1)).isoformat() not in warning
    page = staff_client.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "利用期間外に通所が記録されていて" in page
    assert f'?day={today.isoformat()}"' in page


def test_no_warning_when_nothing_is_outside(world, today, staff_client):
    client = enrolled_client(world.office, period=(date(2024, 4, 1), today + timedelta(days=300)))
    page = staff_client.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "利用期間外に通所が記録されていて" not in page

"""Rule (compostela.dates.is_after_today): a record of what happened — a follow-up, an outreach, an employer
contact, a case note — cannot be dated after today (a follow-up dated a week ahead became the client's
"last contact"); what is planned is a due date.  Today is accepted."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance.models import RegionalMeeting
from attendance.services import regional_meeting_record
from clients.models import CaseNote
from clients.services import case_note_add
from compostela.errors import CompostelaError
from placements.models import EmployerContact, FollowUpContact, Outreach
from placements.services import employer_contact_log, followup_record, outreach_record
from tests.conftest import logged_in
from tests.factories import ClientFactory, EmployerFactory, HireFactory
from tests.helpers import codes_of

pytestmark = pytest.mark.django_db


def record(kind, world, day):
    client = ClientFactory(office=world.office)
    if kind == "followup":
        hire = HireFactory(office=world.office, start_date=day - timedelta(days=30), created_by=world.staff)
        return followup_record(hire=hire, day=day, staff=world.staff, kind="face_to_face", minutes=30,
                               by=world.staff)
    if kind == "outreach":
        return outreach_record(client=client, day=day, staff=world.staff, kind="home_visit", minutes=30,
                               by=world.staff)
    if kind == "employer_contact":
        return employer_contact_log(office=world.office, employer=EmployerFactory(office=world.office), day=day,
                                    staff=world.staff, kind="hiring_manager", by=world.staff)
    if kind == "regional_meeting":
        return regional_meeting_record(office=world.office, client=client, day=day, kind="i",
                                       participants="相談支援事業所", by=world.staff)
    return case_note_add(client=client, kind="interview", text="面談", minutes=30, by=world.staff, day=day)


MODELS = {"followup": FollowUpContact, "outreach": Outreach, "employer_contact": EmployerContact,
          "case_note": CaseNote, "regional_meeting": RegionalMeeting}


@pytest.mark.parametrize("kind", list(MODELS))
def test_a_record_dated_tomorrow_is_refused_with_its_code(world, today, kind):
    with pytest.raises(ValidationError) as refused:
        record(kind, world, today + timedelta(days=1))
    assert codes_of(refused.value) == {CompostelaError.FUTURE_DATE}
    assert "day" in refused.value.message_dict
    assert not MODELS[kind].objects.exists()


@pytest.mark.parametrize("kind", list(MODELS))
def test_a_record_dated_today_is_accepted(world, today, kind):
    assert record(kind, world, today).day == today


def test_the_follow_up_form_shows_the_refusal_on_the_date(world, today):
    hire = HireFactory(office=world.office, start_date=today - timedelta(days=30), created_by=world.staff)
    response = logged_in(world.staff).post(
        reverse("placements:followup_create", args=[hire.pk]),
        {"day": (today + timedelta(days=7)).isoformat(), "kind": "face_to_face", "minutes": "30", "note": "",
         "staff": world.staff.pk},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "今日より後の日付にはできません" in body, body[body.find("<form"):][:3000]
    assert not FollowUpContact.objects.exists()

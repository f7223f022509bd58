"""Rules: visitor → trial → enrolled → employed → ended; a return (再利用) is a new period, history kept."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clients.errors import ClientError
from clients.models import ClientStatus, ServicePeriod
from clients.services import (
    MSG_END_NEEDS_REASON,
    MSG_RETURN_ONLY_ENDED,
    client_change_status,
    client_record_hire,
    client_record_job_end,
    client_register,
    client_return,
)
from tests.factories import ClientFactory
from tests.helpers import codes_of

PERSON = {"family_name": "山本", "given_name": "一郎", "family_name_kana": "ヤマモト", "given_name_kana": "イチロウ",
          "birth_date": date(1985, 1, 2), "first_visit_on": date(2025, 4, 1)}


def test_registering_a_visitor_opens_the_first_period_on_the_first_visit(world):
    client = client_register(office=world.office, data=PERSON, by=world.staff)
    assert client.status == ClientStatus.VISITOR
    period = client.periods.get()
    assert (period.started_on, period.ended_on, period.is_return) == (date(2025, 4, 1), None, False)


def test_registering_an_enrolled_client_needs_the_enrolment_date(world):
    with pytest.raises(ValidationError) as error:
        client_register(office=world.office, data=PERSON, status=ClientStatus.ENROLLED, by=world.staff)
    assert "enrolled_on" in error.value.error_dict
    assert codes_of(error.value) == {ClientError.ENROLL_NEEDS_DATE}
    assert not world.office.clients.exists()


def test_visitor_goes_through_trial_to_enrolled_and_the_period_records_enrolment(world):
    client = client_register(office=world.office, data=PERSON, by=world.staff)
    client_change_status(client=client, status=ClientStatus.TRIAL, on=date(2025, 4, 8), by=world.staff)
    client = client_change_status(client=client, status=ClientStatus.ENROLLED, on=date(2025, 4, 15), by=world.staff)
    assert client.status == ClientStatus.ENROLLED
    assert client.enrolled_on == date(2025, 4, 15)
    assert client.periods.get().enrolled_on == date(2025, 4, 15)


def test_ending_needs_a_reason_and_changes_nothing_without_one(world):
    client = ClientFactory(office=world.office)
    with pytest.raises(ValidationError) as error:
        client_change_status(client=client, status=ClientStatus.ENDED, on=date(2025, 6, 1), by=world.staff)
    assert codes_of(error.value) == {ClientError.END_NEEDS_REASON}
    assert error.value.error_dict["reason"][0].messages == [_(MSG_END_NEEDS_REASON)]
    client.refresh_from_db()
    assert client.status == ClientStatus.ENROLLED
    assert client.periods.get().ended_on is None


def test_an_enrolled_client_cannot_go_back_to_visitor(world):
    client = ClientFactory(office=world.office)
    with pytest.raises(ValidationError) as error:
        client_change_status(client=client, status=ClientStatus.VISITOR, on=date(2025, 6, 1), by=world.staff)
    assert codes_of(error.value) == {ClientError.BAD_TRANSITION}


def test_ending_closes_the_open_period_with_the_reason(world):
    client = ClientFactory(office=world.office)
    client_change_status(client=client, status=ClientStatus.ENDED, on=date(2025, 6, 1), reason="転居",
                         by=world.staff)
    period = client.periods.get()
    assert (period.ended_on, period.end_reason) == (date(2025, 6, 1), "転居")


def test_a_client_who_comes_back_after_a_job_gets_a_new_period_and_keeps_the_old_one(world):
    # given a client (first visit 2025-04-01) hired, whose job then ended
    client = ClientFactory(office=world.office, first_visit_on=date(2025, 4, 1), enrolled_on=date(2025, 4, 15))
    client_record_hire(client=client, start_date=date(2025, 7, 1), by=world.staff)
    client_record_job_end(client=client, ended_on=date(2025, 9, 30), still_employed=False, by=world.staff)
    # when they come back
    period = client_return(client=client, on=date(2025, 11, 1), enrolled=True, by=world.staff)
    # then
    client.refresh_from_db()
    assert client.status == ClientStatus.ENROLLED
    assert (client.ended_on, client.end_reason) == (None, "")
    periods = list(client.periods.order_by("started_on"))
    assert [(p.started_on, p.ended_on, p.is_return) for p in periods] == [
        (date(2025, 4, 1), date(2025, 6, 30), False), (date(2025, 11, 1), None, True),
    ]
    assert period.enrolled_on == date(2025, 11, 1)


def test_only_an_ended_client_can_come_back(world):
    client = ClientFactory(office=world.office)
    with pytest.raises(ValidationError) as error:
        client_return(client=client, on=date(2025, 11, 1), by=world.staff)
    assert codes_of(error.value) == {ClientError.RETURN_ONLY_ENDED}
    assert error.value.messages == [_(MSG_RETURN_ONLY_ENDED)]
    assert ServicePeriod.objects.filter(client=client).count() == 1


def test_a_return_cannot_start_inside_the_last_period(world):
    client = ClientFactory(office=world.office)
    client_change_status(client=client, status=ClientStatus.ENDED, on=date(2025, 6, 1), reason="体調",
                         by=world.staff)
    with pytest.raises(ValidationError) as error:
        client_return(client=client, on=date(2025, 6, 1), by=world.staff)
    assert codes_of(error.value) == {ClientError.RETURN_OVERLAPS}
    assert client.periods.count() == 1

"""Rules: recording a hire moves the client to employed; a job end ends the use unless another job is
held; a return (再利用) is a new period; invalid input becomes a message, not a 500."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from clients.models import ClientStatus, ServicePeriod
from placements.errors import PlacementError
from placements.models import (
    MSG_CLOSED_JOB_DISCLOSED,
    MSG_FIXED_TERM_NEEDS_END,
    ApplicationResult,
    EmploymentForm,
    FollowUpKind,
    Hire,
    JobEndReason,
    JobField,
    RecruitmentType,
)
from placements.services import (
    MSG_FOLLOWUP_BEFORE_START,
    MSG_OTHER_OFFICE,
    followup_record,
    placement_record_hire,
    placement_record_job_end,
)
from tests.factories import ApplicationFactory, ClientFactory, EmployerFactory, ServicePeriodFactory
from tests.helpers import codes_of


def hire_kwargs(world, client, **extra):
    values = dict(client=client, employer=EmployerFactory(office=world.office), job_title="事務補助",
                  job_field=JobField.OFFICE, recruitment_type=RecruitmentType.OPEN, start_date=date(2024, 7, 1),
                  hours_per_week=Decimal("20"), hourly_wage=1010, employment_form=EmploymentForm.PERMANENT,
                  disclosed=True, by=world.staff)
    values.update(extra)
    return values


def test_recording_a_hire_moves_the_client_to_employed_and_closes_the_period(world):
    client = ClientFactory(office=world.office, service_period=False)
    period = ServicePeriodFactory(client=client, started_on=date(2024, 4, 1))
    hire = placement_record_hire(**hire_kwargs(world, client))
    client.refresh_from_db()
    period.refresh_from_db()
    assert client.status == ClientStatus.EMPLOYED
    assert period.ended_on == date(2024, 6, 30)
    assert hire.office == world.office


def test_hire_from_an_application_marks_the_offer(world):
    client = ClientFactory(office=world.office)
    application = ApplicationFactory(office=world.office, client=client, applied_on=date(2024, 6, 1))
    placement_record_hire(**hire_kwargs(world, client, employer=application.employer, application=application))
    application.refresh_from_db()
    assert application.result == ApplicationResult.OFFER


def test_fixed_term_hire_without_its_end_is_refused_with_a_message(world):
    client = ClientFactory(office=world.office)
    with pytest.raises(ValidationError) as error:
        placement_record_hire(**hire_kwargs(world, client, employment_form=EmploymentForm.FIXED_TERM))
    assert codes_of(error.value) == {PlacementError.FIXED_TERM_NEEDS_END}
    assert str(MSG_FIXED_TERM_NEEDS_END) in str(error.value)
    assert not Hire.objects.exists()


def test_undisclosed_ordinary_job_cannot_be_marked_disclosed(world):
    client = ClientFactory(office=world.office)
    with pytest.raises(ValidationError) as error:
        placement_record_hire(**hire_kwargs(world, client, recruitment_type=RecruitmentType.CLOSED))
    assert codes_of(error.value) == {PlacementError.CLOSED_JOB_DISCLOSED}
    assert str(MSG_CLOSED_JOB_DISCLOSED) in str(error.value)


def test_employer_of_another_office_is_refused(world):
    client = ClientFactory(office=world.office)
    with pytest.raises(ValidationError) as error:
        placement_record_hire(**hire_kwargs(world, client, employer=EmployerFactory(office=world.other_office)))
    assert codes_of(error.value) == {PlacementError.OTHER_OFFICE}
    assert gettext(MSG_OTHER_OFFICE) in str(error.value)
    client.refresh_from_db()
    assert client.status == ClientStatus.ENROLLED


def test_job_end_ends_the_clients_use_and_a_return_is_a_new_period(world):
    client = ClientFactory(office=world.office, service_period=False)
    ServicePeriodFactory(client=client, started_on=date(2024, 4, 1))
    hire = placement_record_hire(**hire_kwargs(world, client))
    placement_record_job_end(hire=hire, ended_on=date(2024, 8, 31), reason=JobEndReason.QUIT, by=world.staff)
    client.refresh_from_db()
    assert client.status == ClientStatus.ENDED
    # the clients app records the return as a new period; placements sees it as re-use
    ServicePeriodFactory(client=client, started_on=date(2024, 10, 1), is_return=True)
    assert ServicePeriod.objects.filter(client=client).count() == 2


def test_job_end_keeps_the_client_employed_while_another_job_is_held(world):
    client = ClientFactory(office=world.office)
    first = placement_record_hire(**hire_kwargs(world, client))
    placement_record_hire(**hire_kwargs(world, client, start_date=date(2024, 8, 1)))
    placement_record_job_end(hire=first, ended_on=date(2024, 9, 30), reason=JobEndReason.QUIT, by=world.staff)
    client.refresh_from_db()
    assert client.status == ClientStatus.EMPLOYED


def test_followup_before_the_start_is_refused(world):
    client = ClientFactory(office=world.office)
    hire = placement_record_hire(**hire_kwargs(world, client))
    with pytest.raises(ValidationError) as error:
        followup_record(hire=hire, day=date(2024, 6, 30), staff=world.staff, kind=FollowUpKind.PHONE_ONLINE,
                        minutes=10, by=world.staff)
    assert codes_of(error.value) == {PlacementError.FOLLOWUP_BEFORE_START}
    assert gettext(MSG_FOLLOWUP_BEFORE_START) in str(error.value)

"""Rule: the board of a whole office is built in the same small number of queries for the demo-sized office
(25 clients, 60 employed) and for a 300-person office; the page adds only its fixed overhead."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from attendance.models import Attendance, AttendanceStatus
from clients.models import CaseNote, CaseNoteKind, Certificate, Client, ClientStatus, SupportPlan
from placements.models import (
    Employer,
    EmployerContact,
    EmploymentForm,
    FollowUpContact,
    FollowUpKind,
    Hire,
    JobField,
    RecruitmentType,
)
from review.selectors import BoardFilters, review_board
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db

BOARD_QUERIES = 11  # … and the figures in force (each service's monitoring interval of the support plans)
PAGE_QUERIES = 18  # the board, the staff list, session, user, membership, …


def build_office(office, staff, *, in_service: int, employed: int, day: date) -> None:
    """An office with clients in service (attendance for two weeks, a note, a certificate, a plan, an employer
    contact) and employed people (a hire and follow-ups), in bulk."""
    clients = Client.objects.bulk_create([
        Client(office=office, family_name=f"利用{i}", given_name="太郎", family_name_kana="リヨウ",
               given_name_kana=f"タロウ{i}", birth_date=date(1990, 1, 1), status=ClientStatus.ENROLLED,
               first_visit_on=day - timedelta(days=140), enrolled_on=day - timedelta(days=100 + i % 30),
               specialist=staff)
        for i in range(in_service)
    ] + [
        Client(office=office, family_name=f"就労{i}", given_name="花子", family_name_kana="シュウロウ",
               given_name_kana=f"ハナコ{i}", birth_date=date(1990, 1, 1), status=ClientStatus.EMPLOYED,
               first_visit_on=day - timedelta(days=900), enrolled_on=day - timedelta(days=890), specialist=staff)
        for i in range(employed)
    ])
    serving, working = clients[:in_service], clients[in_service:]
    Certificate.objects.bulk_create([
        Certificate(office=office, client=c, number=f"{2000000000 + c.pk}", municipality="札幌市",
                    period_start=day - timedelta(days=200), period_end=day + timedelta(days=20 + i),
                    income_category="general_1", copay_cap=9300)
        for i, c in enumerate(serving)
    ])
    Attendance.objects.bulk_create([
        Attendance(office=office, client=c, day=day - timedelta(days=d), updated_by=staff,
                   status=AttendanceStatus.ABSENT if (i + d) % 5 == 0 else AttendanceStatus.ATTENDED)
        for i, c in enumerate(serving) for d in range(14) if (day - timedelta(days=d)).weekday() < 5
    ])
    CaseNote.objects.bulk_create([
        CaseNote(client=c, day=day - timedelta(days=i % 12), kind=CaseNoteKind.INTERVIEW, text="面談",
                 minutes=30, author=staff)
        for i, c in enumerate(serving)
    ])
    SupportPlan.objects.bulk_create([
        SupportPlan(client=c, period_start=day - timedelta(days=80 + i % 20), period_end=day + timedelta(days=100),
                    long_term_goal="通所", overall_policy="面談", created_by=staff, created_on=day - timedelta(days=80))
        for i, c in enumerate(serving)
    ])
    employer = Employer.objects.create(office=office, name="株式会社サンプル")
    contacts = EmployerContact.objects.bulk_create([
        EmployerContact(office=office, employer=employer, day=day - timedelta(days=i % 40), staff=staff,
                        kind="first_visit")
        for i in range(len(serving))
    ])
    EmployerContact.clients.through.objects.bulk_create([
        EmployerContact.clients.through(employercontact_id=contact.pk, client_id=c.pk)
        for contact, c in zip(contacts, serving, strict=True)
    ])
    hires = Hire.objects.bulk_create([
        Hire(office=office, client=c, employer=employer, job_title="清掃", job_field=JobField.CLEANING,
             recruitment_type=RecruitmentType.OPEN, start_date=day - timedelta(days=5 + 7 * i),
             hours_per_week=Decimal("20.0"), hourly_wage=1010, employment_form=EmploymentForm.PERMANENT,
             disclosed=True, created_by=staff)
        for i, c in enumerate(working)
    ])
    FollowUpContact.objects.bulk_create([
        FollowUpContact(office=office, hire=h, day=day - timedelta(days=d), staff=staff,
                        kind=FollowUpKind.FACE_TO_FACE, minutes=30)
        for h in hires for d in (1, 20, 45) if day - timedelta(days=d) >= h.start_date
    ])


@pytest.mark.parametrize(("in_service", "employed"), [(25, 60), (120, 180)])
def test_board_is_built_in_the_same_number_of_queries_at_demo_size_and_300_people(
    world, today, django_assert_max_num_queries, in_service, employed
):
    day = today
    build_office(world.office, world.staff, in_service=in_service, employed=employed, day=day)
    with django_assert_max_num_queries(BOARD_QUERIES):
        board = review_board(office=world.office, day=day, user=world.staff, filters=BoardFilters())
    assert board.total == in_service + employed
    assert any(row.flags for row in board.rows)


@pytest.mark.parametrize(("in_service", "employed"), [(25, 60), (120, 180)])
def test_board_page_renders_300_people_with_a_fixed_number_of_queries(
    world, today, django_assert_max_num_queries, in_service, employed
):
    day = today
    build_office(world.office, world.staff, in_service=in_service, employed=employed, day=day)
    http = logged_in(world.supervisor)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = http.get(reverse("review:board"), {"order": "urgency"})
    assert response.status_code == 200
    assert response.content.decode().count('data-row>') == in_service + employed

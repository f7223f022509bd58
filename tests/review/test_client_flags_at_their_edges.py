"""Rule: each client-side flag of the case review appears on the day after its edge and not on the edge."""

from datetime import date, timedelta

import pytest
from django.utils.translation import gettext as _

from attendance.models import AttendanceStatus
from clients.models import CertificateService
from placements.models import EmployerContactKind, Outreach
from review.models import CaseReviewSettings
from tests.factories import (
    AttendanceFactory,
    CaseNoteFactory,
    CertificateFactory,
    EmployerContactFactory,
    FollowUpFactory,
    SupportPlanFactory,
)
from tests.review.helpers import DAY, client_in_service, codes, employed_person, row_of

pytestmark = pytest.mark.django_db


def _attend(client, day, status=AttendanceStatus.ATTENDED, by=None):
    AttendanceFactory(client=client, day=day, status=status, updated_by=by)


CONTACTS = ["attendance", "absence_with_support", "note", "outreach", "employer_contact", "followup"]


def _contact(kind, client, day, world):
    if kind == "attendance":
        _attend(client, day, by=world.staff)
    elif kind == "absence_with_support":
        _attend(client, day, AttendanceStatus.ABSENT_SUPPORTED, by=world.staff)
    elif kind == "note":
        CaseNoteFactory(client=client, day=day, author=world.staff)
    elif kind == "outreach":
        Outreach.objects.create(office=client.office, client=client, day=day, staff=world.staff,
                                kind="home_visit", minutes=30)
    elif kind == "employer_contact":
        EmployerContactFactory(office=client.office, day=day, staff=world.staff, clients=[client],
                               kind=EmployerContactKind.PHONE)
    elif kind == "followup":
        hire = employed_person(client.office, start=day - timedelta(days=300), by=world.staff,
                               ended_on=day - timedelta(days=200))
        hire.client = client
        hire.save()
        FollowUpFactory(hire=hire, day=day, staff=world.staff)


@pytest.mark.parametrize("kind", CONTACTS)
def test_no_contact_flag_after_more_than_7_days_counts_every_kind_of_contact(world, kind):
    on_edge = client_in_service(world.office)
    past_edge = client_in_service(world.office)
    _contact(kind, on_edge, DAY - timedelta(days=7), world)
    _contact(kind, past_edge, DAY - timedelta(days=8), world)
    assert "no_contact" not in codes(on_edge)
    assert "no_contact" in codes(past_edge)


def test_a_plain_absence_is_not_a_contact(world):
    client = client_in_service(world.office)
    _attend(client, DAY - timedelta(days=1), AttendanceStatus.ABSENT, by=world.staff)
    assert "no_contact" in codes(client)


def test_no_contact_days_follow_the_office_setting(world):
    CaseReviewSettings.objects.create(office=world.office, quiet_days=10, updated_by=world.supervisor)
    on_edge, past_edge = client_in_service(world.office), client_in_service(world.office)
    CaseNoteFactory(client=on_edge, day=DAY - timedelta(days=10), author=world.staff)
    CaseNoteFactory(client=past_edge, day=DAY - timedelta(days=11), author=world.staff)
    assert "no_contact" not in codes(on_edge)
    assert "no_contact" in codes(past_edge)


def test_a_new_client_without_any_contact_is_flagged_only_after_7_days_since_enrolment(world):
    assert "no_contact" not in codes(client_in_service(world.office, enrolled_on=DAY - timedelta(days=7)))
    assert "no_contact" in codes(client_in_service(world.office, enrolled_on=DAY - timedelta(days=8)))


def test_absent_three_recorded_days_in_a_row_is_flagged_two_is_not(world):
    two, three, broken = (client_in_service(world.office) for _ in range(3))
    for client, statuses in [
        (two, ["attended", "absent", "absent"]),
        (three, ["absent", "absent_supported", "absent"]),
        (broken, ["absent", "attended", "absent"]),
    ]:
        for offset, status in zip([4, 2, 1], statuses, strict=True):  # recorded days, Sat-Sun unrecorded
            _attend(client, DAY - timedelta(days=offset), status, by=world.staff)
    assert "absent_in_a_row" not in codes(two)
    assert "absent_in_a_row" in codes(three)
    assert "absent_in_a_row" not in codes(broken)


def test_certificate_ending_within_60_days_is_flagged_61_is_not(world):
    flagged = client_in_service(world.office, certificate=False)
    not_yet = client_in_service(world.office, certificate=False)
    renewed = client_in_service(world.office, certificate=False)
    CertificateFactory(client=flagged, office=world.office, period_start=date(2025, 1, 1),
                       period_end=DAY + timedelta(days=60))
    CertificateFactory(client=not_yet, office=world.office, period_start=date(2025, 1, 1),
                       period_end=DAY + timedelta(days=61))
    CertificateFactory(client=renewed, office=world.office, period_start=date(2025, 1, 1),
                       period_end=DAY + timedelta(days=30))
    CertificateFactory(client=renewed, office=world.office, period_start=DAY + timedelta(days=31),
                       period_end=DAY + timedelta(days=400))
    assert "certificate_ending" in codes(flagged)
    assert "certificate_ending" not in codes(not_yet)
    assert "certificate_ending" not in codes(renewed)


def test_a_retention_support_certificate_is_neither_a_certificate_to_attend_with_nor_a_renewal(world):
    # given a person in service whose only certificate valid today is a 就労定着支援 one
    support_only = client_in_service(world.office, certificate=False)
    CertificateFactory(client=support_only, office=world.office, service=CertificateService.RETENTION_SUPPORT,
                       period_start=date(2025, 1, 1), period_end=DAY + timedelta(days=300))
    # and one whose transition certificate ends in 30 days, followed only by a 就労定着支援 certificate
    ending = client_in_service(world.office, certificate=False)
    CertificateFactory(client=ending, office=world.office, period_start=date(2025, 1, 1),
                       period_end=DAY + timedelta(days=30))
    CertificateFactory(client=ending, office=world.office, service=CertificateService.RETENTION_SUPPORT,
                       period_start=DAY + timedelta(days=31), period_end=DAY + timedelta(days=400))
    # then the first has no certificate to attend with and the second still needs its renewal
    [flag] = [f for f in row_of(support_only).flags if f.code == "certificate_ending"]
    assert flag.label == _("No certificate")
    [flag] = [f for f in row_of(ending).flags if f.code == "certificate_ending"]
    assert flag.label != _("No certificate")


def test_granted_days_flagged_with_two_days_left_not_with_three(world):
    # June 2025: 30 − 8 = 22 granted days; certificate with 10 granted days a month
    three_left, two_left = client_in_service(world.office, certificate=False), client_in_service(
        world.office, certificate=False)
    for client, used in [(three_left, 7), (two_left, 8)]:
        CertificateFactory(client=client, office=world.office, period_start=date(2025, 1, 1),
                           period_end=date(2026, 3, 31), granted_days=10)
        for day in range(1, used + 1):
            _attend(client, date(2025, 6, day), by=world.staff)
    assert "granted_days" not in codes(three_left)
    assert "granted_days" in codes(two_left)


def test_plan_review_flagged_when_due_within_14_days_and_when_overdue(world):
    def with_plan(agreed_on):  # the review is due three months after the agreement
        client = client_in_service(world.office)
        SupportPlanFactory(client=client, period_start=agreed_on, period_end=agreed_on + timedelta(days=180),
                           created_on=agreed_on, agreed_on=agreed_on, created_by=world.supervisor)
        return client

    due_in_15 = with_plan(date(2025, 4, 3))  # due 2025-07-03
    due_in_14 = with_plan(date(2025, 4, 2))  # due 2025-07-02
    due_today = with_plan(date(2025, 3, 18))  # due 2025-06-18
    overdue = with_plan(date(2025, 3, 17))  # due 2025-06-17
    assert "plan_review" not in codes(due_in_15)
    assert "plan_review" in codes(due_in_14)
    assert [f.level for f in _flags(due_today) if f.code == "plan_review"] == ["notice"]  # due, not overdue
    assert [f.level for f in _flags(overdue) if f.code == "plan_review"] == ["alert"]


def _flags(client):
    from tests.review.helpers import row_of

    return row_of(client).flags


def test_rapid_search_flag_after_30_days_enrolled_without_face_to_face_employer_contact(world):
    day_30 = client_in_service(world.office, enrolled_on=DAY - timedelta(days=30))
    day_31 = client_in_service(world.office, enrolled_on=DAY - timedelta(days=31))
    met = client_in_service(world.office, enrolled_on=DAY - timedelta(days=31))
    phoned = client_in_service(world.office, enrolled_on=DAY - timedelta(days=31))
    EmployerContactFactory(office=world.office, day=DAY - timedelta(days=5), staff=world.staff, clients=[met],
                           kind=EmployerContactKind.FIRST_VISIT)
    EmployerContactFactory(office=world.office, day=DAY - timedelta(days=5), staff=world.staff, clients=[phoned],
                           kind=EmployerContactKind.PHONE)
    assert "rapid_search" not in codes(day_30)
    assert "rapid_search" in codes(day_31)
    assert "rapid_search" not in codes(met)
    assert "rapid_search" in codes(phoned)


def test_rapid_search_counts_a_face_to_face_employer_contact_from_the_enrolment_day_on(world):
    """The face-to-face contact must be since enrolment: the day before does not count, the day itself does
    (the board reads the latest face-to-face contact and compares it with the enrolment day)."""
    enrolled_on = DAY - timedelta(days=31)
    day_before = client_in_service(world.office, enrolled_on=enrolled_on)
    on_the_day = client_in_service(world.office, enrolled_on=enrolled_on)
    EmployerContactFactory(office=world.office, day=enrolled_on - timedelta(days=1), staff=world.staff,
                           clients=[day_before], kind=EmployerContactKind.FIRST_VISIT)
    EmployerContactFactory(office=world.office, day=enrolled_on, staff=world.staff, clients=[on_the_day],
                           kind=EmployerContactKind.FIRST_VISIT)
    assert "rapid_search" in codes(day_before)
    assert "rapid_search" not in codes(on_the_day)

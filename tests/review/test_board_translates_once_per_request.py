"""Rule: the case-review board translates its words once per kind, not once per row — a board of 20 people
makes as many translation calls as a board of 3 people in the same situations (the flags, due dates, stages
and counted words come from ``review.labels``)."""

from datetime import timedelta

from django.urls import reverse

from review.labels import forget_translations
from tests.conftest import logged_in
from tests.helpers import translation_calls
from tests.review.helpers import client_in_service, employed_person


def add_people(world, today, *, in_service: int, employed: int) -> None:
    """People in the same situation each: enrolled 100 days ago with no contact nor employer met (two flags, a
    due date), or started a job 20 days ago with no follow-up (flags, a due date, a phase)."""
    for _i in range(in_service):
        client_in_service(world.office, enrolled_on=today - timedelta(days=100), day=today, specialist=world.staff)
    for _i in range(employed):
        employed_person(world.office, start=today - timedelta(days=20), by=world.staff, specialist=world.staff)


def board_translations(http) -> int:
    forget_translations()  # the texts the previous request remembered
    with translation_calls() as calls:
        response = http.get(reverse("review:board"))
    assert response.status_code == 200
    return calls()


def test_a_board_of_20_people_makes_as_many_translation_calls_as_a_board_of_3(world, today):
    # given
    http = logged_in(world.supervisor)
    add_people(world, today, in_service=2, employed=1)
    http.get(reverse("review:board"))  # templates loaded
    # when
    three = board_translations(http)
    add_people(world, today, in_service=12, employed=5)
    twenty = board_translations(http)
    # then
    assert three == twenty
    assert "data-flag=" in http.get(reverse("review:board")).content.decode()  # the rows do carry flags

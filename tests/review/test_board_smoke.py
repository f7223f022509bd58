"""Rule: the board lists clients in service and employed people in follow-up, each in its section."""

from datetime import timedelta

from django.urls import reverse

from clients.models import ClientStatus
from tests.conftest import logged_in
from tests.review.helpers import client_in_service, employed_person


def test_board_page_lists_clients_in_service_and_employed_people_in_follow_up(world, today):
    # given
    enrolled = client_in_service(world.office, family_name="青木", day=today)
    visitor = client_in_service(world.office, family_name="石井", status=ClientStatus.VISITOR, certificate=False,
                                day=today)
    ended = client_in_service(world.office, family_name="上田", status=ClientStatus.ENDED, ended_on=today,
                              day=today)
    hire = employed_person(world.office, start=today - timedelta(days=40), by=world.staff, family_name="遠藤")
    # when
    response = logged_in(world.staff).get(reverse("review:board"))
    # then
    assert response.status_code == 200
    text = response.content.decode()
    for client in (enrolled, visitor, hire.client):
        assert f'id="row-{client.pk}"' in text
    assert f'id="row-{ended.pk}"' not in text
    board = response.context["board"]
    assert [r.client for r in board.clients.rows] == [enrolled, visitor]
    assert [r.client for r in board.employed.rows] == [hire.client]

"""Rule: the client list translates its words once per request, not once per row — a list of 20 clients makes
as many translation calls as a list of 3 (the status labels and the client links are made once by the view;
the rows, ``templates/jinja2/clients/rows.html``, translate nothing)."""

from datetime import date
from itertools import cycle, islice

from django.urls import reverse

from clients.models import ClientStatus
from tests.factories import CertificateFactory, ClientFactory
from tests.helpers import translation_calls


def add_clients(world, count: int) -> None:
    """Clients of every status in turn, with their staff and a transition certificate each."""
    for status in islice(cycle(ClientStatus.values), count):
        client = ClientFactory(office=world.office, status=status, specialist=world.staff,
                               case_manager=world.supervisor,
                               ended_on=date(2026, 3, 31) if status == ClientStatus.ENDED else None)
        CertificateFactory(client=client, period_start=date(2025, 4, 1), period_end=date(2026, 3, 31))


def list_translations(http) -> int:
    with translation_calls() as calls:
        response = http.get(reverse("clients:list"))
    assert response.status_code == 200
    return calls()


def test_a_list_of_20_clients_makes_as_many_translation_calls_as_a_list_of_3(world, staff_client):
    # given
    add_clients(world, 3)
    staff_client.get(reverse("clients:list"))  # templates loaded
    # when
    three = list_translations(staff_client)
    add_clients(world, 17)
    twenty = list_translations(staff_client)
    # then
    assert three == twenty
    html = staff_client.get(reverse("clients:list")).content.decode()
    assert html.count('<span class="cert cert-') == 20 and str(ClientStatus.ENROLLED.label) in html


def test_the_rows_show_the_status_label_link_and_certificate_end_as_before(world, staff_client):
    client = ClientFactory(office=world.office, status=ClientStatus.ENROLLED, family_name="森", given_name="花子")
    CertificateFactory(client=client, period_start=date(2025, 4, 1), period_end=date(2026, 3, 31))
    html = staff_client.get(reverse("clients:list")).content.decode()
    assert f'<a href="{reverse("clients:detail", args=[client.pk])}">森 花子</a>' in html
    assert f'<span class="status status-enrolled">{ClientStatus.ENROLLED.label}</span>' in html
    assert "2026-03-31</span>" in html

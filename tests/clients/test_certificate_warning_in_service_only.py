"""Rule: the certificate warnings (60 / 30 days, expired) are for people attending the transition service
(trial, enrolled); an employed person's ended transition certificate is not flagged on the client page or the
client list (their 就労定着支援 certificate is another decision)."""

from datetime import date

import pytest
from django.urls import reverse

from clients.models import ClientStatus
from clients.rules import CertificateWarning
from clients.selectors import client_list, client_page
from tests.factories import CertificateFactory, ClientFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 18)


def with_ended_certificate(office, status):
    ended = {"ended_on": date(2025, 3, 31), "end_reason": "本人の希望により"} if status == ClientStatus.ENDED else {}
    client = ClientFactory(office=office, status=status, **ended)
    CertificateFactory(client=client, office=office, period_start=date(2023, 4, 1), period_end=date(2025, 3, 31))
    return client


@pytest.mark.parametrize(("status", "warning"), [
    (ClientStatus.ENROLLED, CertificateWarning.EXPIRED),
    (ClientStatus.TRIAL, CertificateWarning.EXPIRED),
    (ClientStatus.EMPLOYED, CertificateWarning.NONE),
    (ClientStatus.ENDED, CertificateWarning.NONE),
])
def test_expired_warning_only_for_people_in_the_transition_service(world, status, warning):
    client = with_ended_certificate(world.office, status)
    assert client_page(client=client, today=TODAY).certificate_warning == warning
    [row] = [c for c in client_list(office=world.office, today=TODAY) if c.pk == client.pk]
    assert row.certificate_warning == warning


def test_employed_client_page_has_no_expired_alert(world, manager_client):
    employed = with_ended_certificate(world.office, ClientStatus.EMPLOYED)
    enrolled = with_ended_certificate(world.office, ClientStatus.ENROLLED)
    alert = "alert alert-30"
    assert alert not in manager_client.get(reverse("clients:detail", args=[employed.pk])).content.decode()
    assert alert in manager_client.get(reverse("clients:detail", args=[enrolled.pk])).content.decode()

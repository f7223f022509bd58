"""Rules: the certificate form asks which service the certificate decides (就労移行支援 / 就労定着支援); the
client page shows the current transition certificate and the 就労定着支援 one apart, the history names each
row's service; the client list's certificate end is the transition certificate's."""

from datetime import date

from django.urls import reverse

from clients.models import Certificate, CertificateService
from tests.factories import CertificateFactory, ClientFactory

FORM = {"number": "0123456789", "municipality": "札幌市", "period_start": "2027-04-01",
        "period_end": "2028-03-31", "income_category": "general_1"}


def test_the_certificate_form_offers_both_services_by_their_japanese_names(world, staff_client):
    client = ClientFactory(office=world.office)
    page = staff_client.get(reverse("clients:certificate_add", args=[client.pk])).content.decode()
    assert '<option value="transition" selected>就労移行支援</option>' in page
    assert '<option value="retention_support">就労定着支援</option>' in page


def test_a_retention_support_certificate_is_recorded_through_the_form(world, staff_client):
    client = ClientFactory(office=world.office)
    CertificateFactory(client=client, number="0123456789", period_start=date(2026, 4, 1), period_end=date(2028, 3, 31))
    response = staff_client.post(reverse("clients:certificate_add", args=[client.pk]),
                                 {**FORM, "service": CertificateService.RETENTION_SUPPORT})
    assert response.status_code == 302
    created = Certificate.objects.get(client=client, service=CertificateService.RETENTION_SUPPORT)
    assert (created.period_start, created.period_end) == (date(2027, 4, 1), date(2028, 3, 31))


def test_an_unknown_service_comes_back_with_a_message_and_nothing_is_saved(world, staff_client):
    client = ClientFactory(office=world.office)
    response = staff_client.post(reverse("clients:certificate_add", args=[client.pk]), {**FORM, "service": "other"})
    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode()
    assert not Certificate.objects.exists()


def test_the_client_page_shows_the_transition_certificate_and_the_retention_support_one_apart(world, staff_client,
                                                                                           today):
    # given an employed person whose transition certificate ended and whose 就労定着支援 certificate runs today
    client = ClientFactory(office=world.office, status="employed")
    CertificateFactory(client=client, number="0123456789", period_start=date(2023, 4, 1),
                       period_end=date(2024, 3, 31))
    CertificateFactory(client=client, number="0123456789", service=CertificateService.RETENTION_SUPPORT,
                       period_start=today.replace(day=1), period_end=today.replace(day=1).replace(year=today.year + 1))
    # when
    response = staff_client.get(reverse("clients:detail", args=[client.pk]))
    page = response.context["page"]
    html = response.content.decode()
    # then the current certificate (granted days, warnings) is the transition one; the 定着 one is shown beside it
    assert page.certificate.service == CertificateService.TRANSITION
    assert page.current_certificate is None
    assert page.support_certificate.service == CertificateService.RETENTION_SUPPORT
    assert 'id="support-certificate"' in html
    assert "就労定着支援 · 0123456789" in html and "就労移行支援 · 0123456789 · 2023-04-01" in html


def test_the_client_list_shows_the_transition_certificates_end(world, staff_client):
    client = ClientFactory(office=world.office)
    CertificateFactory(client=client, period_start=date(2025, 4, 1), period_end=date(2027, 3, 31))
    CertificateFactory(client=client, service=CertificateService.RETENTION_SUPPORT,
                       period_start=date(2027, 4, 1), period_end=date(2028, 3, 31))
    [row] = staff_client.get(reverse("clients:list")).context["clients"]
    assert row.certificate_end == date(2027, 3, 31)

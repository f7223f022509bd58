"""Rule: at an office that runs 就労定着支援, an employed person in months 7–42 with no retention-support
certificate covering the day is flagged (the months cannot be billed until the decision is recorded) — from
the six-month day, not before; not when a 定着 certificate covers the day (a transition one does not count);
never at an office that does not run the service."""

from datetime import date

import pytest

from clients.models import CertificateService
from tests.factories import CertificateFactory, office_settings
from tests.review.helpers import codes, employed_person

pytestmark = pytest.mark.django_db

START = date(2024, 12, 10)  # six months on 2025-06-10


@pytest.fixture
def runs_it(world):
    office_settings(world.office, runs_retention_support=True)
    return world.office


def test_flagged_from_the_six_month_day_without_a_retention_support_certificate(world, runs_it):
    hire = employed_person(runs_it, start=START, by=world.staff)
    assert "retention_certificate" not in codes(hire.client, date(2025, 6, 9))  # month 6: unpaid follow-up
    assert "retention_certificate" in codes(hire.client, date(2025, 6, 10))


def test_a_retention_support_certificate_covering_the_day_clears_it_a_transition_one_does_not(world, runs_it):
    hire = employed_person(runs_it, start=START, by=world.staff)
    CertificateFactory(client=hire.client, office=runs_it, service=CertificateService.TRANSITION,
                       period_start=date(2025, 1, 1), period_end=date(2026, 12, 31))
    assert "retention_certificate" in codes(hire.client, date(2025, 7, 1))
    CertificateFactory(client=hire.client, office=runs_it, service=CertificateService.RETENTION_SUPPORT,
                       period_start=date(2025, 6, 10), period_end=date(2026, 6, 9))
    assert "retention_certificate" not in codes(hire.client, date(2025, 7, 1))
    assert "retention_certificate" in codes(hire.client, date(2026, 6, 10))  # the day after it ends


def test_never_flagged_at_an_office_that_does_not_run_the_service(world):
    office_settings(world.office, runs_retention_support=False)
    hire = employed_person(world.office, start=START, by=world.staff)
    assert "retention_certificate" not in codes(hire.client, date(2025, 7, 1))

"""Rules of the recipient certificate: history as rows, 24 months standard, one extension of at most 12,
standard granted days (days in the month − 8), co-payment caps, warnings 60 and 30 days before the end.
Each service is its own decision: a 就労定着支援 certificate runs beside a 就労移行支援 one, at most 3 years,
never extended, and the ending warnings are about transition certificates only."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clients.errors import ClientError
from clients.models import Certificate, CertificateService, IncomeCategory
from clients.rules import CertificateWarning, certificate_warning
from clients.selectors import certificates_ending
from clients.services import (
    MSG_CERTIFICATE_NUMBER_TAKEN,
    MSG_CERTIFICATE_OVERLAP,
    MSG_EXTENSION_ONCE,
    MSG_EXTENSION_TRANSITION_ONLY,
    certificate_add,
)
from regulations import rules as regulations
from tests.factories import ClientFactory
from tests.helpers import codes_of


def add(client, by, **overrides):
    values = {"number": "0100000001", "municipality": "札幌市", "period_start": date(2025, 4, 1),
              "period_end": date(2027, 3, 31), "income_category": IncomeCategory.GENERAL_1}
    values.update(overrides)
    return certificate_add(client=client, by=by, **values)


@pytest.mark.parametrize(("month", "days"), [(date(2025, 1, 1), 23), (date(2025, 4, 1), 22),
                                             (date(2025, 2, 1), 20), (date(2024, 2, 1), 21)])
def test_standard_granted_days_are_days_in_the_month_minus_8(month, days):
    assert regulations.standard_granted_days(month) == days
    assert regulations.granted_days(Certificate(granted_days=None).granted_days, month) == days


def test_a_certificate_with_its_own_granted_days_keeps_them():
    assert regulations.granted_days(Certificate(granted_days=15).granted_days, date(2025, 1, 1)) == 15


@pytest.mark.parametrize(("category", "cap"), [(IncomeCategory.WELFARE, 0), (IncomeCategory.LOW_INCOME, 0),
                                               (IncomeCategory.GENERAL_1, 9300), (IncomeCategory.GENERAL_2, 37200)])
def test_the_copay_cap_defaults_to_the_income_categorys_standard(world, category, cap):
    certificate = add(ClientFactory(office=world.office), world.staff, income_category=category)
    assert certificate.copay_cap == cap


def test_another_copay_cap_can_be_given(world):
    certificate = add(ClientFactory(office=world.office), world.staff, copay_cap=4600)
    assert certificate.copay_cap == 4600


def test_a_certificate_longer_than_24_months_is_refused(world):
    with pytest.raises(ValidationError) as error:
        add(ClientFactory(office=world.office), world.staff, period_end=date(2027, 4, 1))
    assert "period_end" in error.value.error_dict
    assert codes_of(error.value) == {ClientError.CERTIFICATE_TOO_LONG}
    assert not Certificate.objects.exists()


def test_a_renewal_is_a_new_row_and_the_history_is_kept(world):
    client = ClientFactory(office=world.office)
    add(client, world.staff, period_end=date(2026, 3, 31))
    add(client, world.staff, period_start=date(2026, 4, 1), period_end=date(2027, 3, 31))
    assert client.certificates.count() == 2


def test_overlapping_certificates_of_a_client_are_refused_with_a_message(world):
    client = ClientFactory(office=world.office)
    add(client, world.staff)
    with pytest.raises(ValidationError) as error:
        add(client, world.staff, period_start=date(2027, 3, 1), period_end=date(2027, 12, 31))
    assert codes_of(error.value) == {ClientError.CERTIFICATE_OVERLAP}
    assert _(MSG_CERTIFICATE_OVERLAP) in error.value.messages


def test_one_extension_of_up_to_12_months_but_not_two(world):
    client = ClientFactory(office=world.office)
    add(client, world.staff)
    with pytest.raises(ValidationError) as error:  # longer than 12 months
        add(client, world.staff, period_start=date(2027, 4, 1), period_end=date(2028, 4, 1), is_extension=True)
    assert codes_of(error.value) == {ClientError.CERTIFICATE_TOO_LONG}
    add(client, world.staff, period_start=date(2027, 4, 1), period_end=date(2028, 3, 31), is_extension=True)
    with pytest.raises(ValidationError) as error:
        add(client, world.staff, period_start=date(2028, 4, 1), period_end=date(2028, 9, 30), is_extension=True)
    assert codes_of(error.value) == {ClientError.EXTENSION_ONCE}
    assert _(MSG_EXTENSION_ONCE) in error.value.messages
    assert client.certificates.count() == 2


def test_a_number_of_another_client_is_refused_with_a_message(world):
    add(ClientFactory(office=world.office), world.staff)
    with pytest.raises(ValidationError) as error:
        add(ClientFactory(office=world.office), world.staff)
    assert codes_of(error.value) == {ClientError.CERTIFICATE_NUMBER_TAKEN}
    assert error.value.error_dict["number"][0].messages == [_(MSG_CERTIFICATE_NUMBER_TAKEN)]


@pytest.mark.parametrize(("today", "warning"), [
    (date(2027, 1, 29), CertificateWarning.NONE),  # 61 days left
    (date(2027, 1, 30), CertificateWarning.DAYS_60),
    (date(2027, 3, 1), CertificateWarning.DAYS_30),
    (date(2027, 3, 31), CertificateWarning.DAYS_30),
    (date(2027, 4, 1), CertificateWarning.EXPIRED),
])
def test_warnings_60_and_30_days_before_the_end(today, warning):
    assert certificate_warning(date(2027, 3, 31), today) == warning


def test_certificates_ending_lists_those_without_a_renewal(world):
    renewed, pending = ClientFactory(office=world.office), ClientFactory(office=world.office)
    add(renewed, world.staff, number="0100000001", period_end=date(2026, 3, 31))
    add(renewed, world.staff, number="0100000001", period_start=date(2026, 4, 1), period_end=date(2027, 3, 31))
    add(pending, world.staff, number="0100000002", period_end=date(2026, 3, 31))
    ending = certificates_ending(office=world.office, today=date(2026, 2, 15))
    assert [c.client_id for c in ending] == [pending.pk]


def support(client, by, **overrides):
    values = {"service": CertificateService.RETENTION_SUPPORT, "period_start": date(2025, 10, 1),
              "period_end": date(2026, 9, 30)}
    values.update(overrides)
    return add(client, by, **values)


def test_a_retention_support_certificate_runs_beside_a_transition_certificate(world):
    client = ClientFactory(office=world.office)
    add(client, world.staff)  # transition, 2025-04-01 – 2027-03-31
    certificate = support(client, world.staff)  # same number: one person, one 受給者証番号
    assert certificate.service == CertificateService.RETENTION_SUPPORT
    assert client.certificates.transition().count() == client.certificates.retention_support().count() == 1


def test_overlapping_retention_support_certificates_are_refused_with_a_message(world):
    client = ClientFactory(office=world.office)
    support(client, world.staff)
    with pytest.raises(ValidationError) as error:
        support(client, world.staff, period_start=date(2026, 9, 30), period_end=date(2027, 9, 29))
    assert codes_of(error.value) == {ClientError.CERTIFICATE_OVERLAP}
    assert _(MSG_CERTIFICATE_OVERLAP) in error.value.messages
    support(client, world.staff, period_start=date(2026, 10, 1), period_end=date(2027, 9, 30))  # the renewal
    assert client.certificates.retention_support().count() == 2


def test_a_retention_support_certificate_covers_at_most_the_services_3_years(world):
    client = ClientFactory(office=world.office)
    with pytest.raises(ValidationError) as error:
        support(client, world.staff, period_end=date(2028, 10, 1))
    assert "period_end" in error.value.error_dict
    assert codes_of(error.value) == {ClientError.CERTIFICATE_TOO_LONG}
    support(client, world.staff, period_end=date(2028, 9, 30))


def test_only_a_transition_certificate_is_extended(world):
    client = ClientFactory(office=world.office)
    support(client, world.staff)
    with pytest.raises(ValidationError) as error:
        support(client, world.staff, period_start=date(2026, 10, 1), period_end=date(2027, 9, 30), is_extension=True)
    assert codes_of(error.value) == {ClientError.EXTENSION_TRANSITION_ONLY}
    assert error.value.error_dict["is_extension"][0].messages == [_(MSG_EXTENSION_TRANSITION_ONLY)]


def test_a_transition_extension_follows_a_transition_certificate_not_a_retention_support_one(world):
    client = ClientFactory(office=world.office)
    support(client, world.staff, period_start=date(2024, 4, 1), period_end=date(2025, 3, 31))
    with pytest.raises(ValidationError) as error:
        add(client, world.staff, is_extension=True, period_end=date(2026, 3, 31))
    assert "is_extension" in error.value.error_dict
    assert codes_of(error.value) == {ClientError.EXTENSION_NEEDS_CERTIFICATE}


def test_certificates_ending_are_transition_certificates_renewed_by_a_transition_certificate(world):
    # given a client whose transition certificate ends soon, with only a 就労定着支援 certificate after it
    client = ClientFactory(office=world.office)
    add(client, world.staff, period_end=date(2026, 3, 31))
    support(client, world.staff, period_start=date(2026, 4, 1), period_end=date(2026, 4, 30))
    # and another whose retention-support certificate ends soon
    other = ClientFactory(office=world.office)
    support(other, world.staff, number="0100000002", period_start=date(2025, 4, 1), period_end=date(2026, 3, 31))
    # when / then the transition one still needs a renewal; the retention-support one is not listed
    ending = certificates_ending(office=world.office, today=date(2026, 2, 15))
    assert [(c.client_id, c.service) for c in ending] == [(client.pk, CertificateService.TRANSITION)]

"""Rule: a certificate's 市町村番号 is six digits whose last is the check digit of the five before it (JIS X 0402:
weights 6, 5, 4, 3, 2, modulus 11, the last digit of 11 − the remainder); the certificate refuses a wrong one
and the claim file's check lists it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from billing.claimfile.build import Record
from billing.claimfile.check import record_problems
from billing.errors import BillingError
from clients.errors import ClientError
from regulations.rules import municipality_check_digit, municipality_number_valid
from tests.factories import CertificateFactory


@pytest.mark.parametrize(("number", "valid"), [
    ("011002", True),  # 札幌市 (remainder 9 → 2)
    ("012131", True),  # 苫小牧市 (remainder 0 → 11 → 1)
    ("012050", True),  # 室蘭市 (remainder 1 → 10 → 0)
    ("131016", True),  # 千代田区
    ("011001", False), ("01100", False), ("01100a", False), ("０１１００２", False),
])
def test_municipality_numbers_with_their_check_digit(number, valid):
    assert municipality_number_valid(number) is valid


def test_the_check_digit_of_five_digits():
    assert [municipality_check_digit(n) for n in ("01100", "01217", "01234")] == ["2", "3", "3"]


def test_a_certificate_refuses_a_wrong_check_digit(world):
    certificate = CertificateFactory.build(client=CertificateFactory(client__office=world.office).client,
                                           municipality_number="011001")
    with pytest.raises(ValidationError) as refused:
        certificate.full_clean()
    assert [e.code for e in refused.value.error_dict["municipality_number"]] == [
        ClientError.MUNICIPALITY_NUMBER_CHECK_DIGIT]


def test_the_claim_file_check_lists_a_wrong_check_digit_but_not_the_control_record():
    record = Record("J121 03", {1: "J121", 2: "03", 3: "202006", 4: "011001", 5: "0110000001", 6: "0000000011",
                                7: "43T001", 8: "811", 9: "5", 10: "4055"})
    assert [(p.field, p.code) for p in record_problems(record)] == [
        ("市町村番号", BillingError.CLAIM_FILE_CHECK_DIGIT)]
    control = Record("outer_control", {1: "1", 2: "1", 3: "1", 4: "3", 5: "J11", 6: "000000", 7: "0110000001",
                                       8: "01", 9: "1", 10: "202007"})
    assert record_problems(control) == []

"""Rules: a certificate that changes mid-month — each certificate applies to its own days (its granted days
over its days only), the month's granted days are marked to confirm, and the month's co-payment cap is the
one cap of the certificates or, when they differ, the one the manager confirmed (never picked silently)."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from regulations.rules import (
    RuleError,
    RuleErrorCode,
    certificate_days,
    copay_cap_to_confirm,
    copayments_under_one_cap,
    granted_days_to_confirm,
    month_copay_cap,
)
from tests.regulations.figures import FIGURES


@dataclass(frozen=True)
class Cert:
    name: str
    period_start: date
    period_end: date
    granted_days: int | None
    copay_cap: int


SEPTEMBER = date(2025, 9, 1)  # 30 days
A = Cert("A", date(2025, 3, 1), date(2025, 9, 15), granted_days=20, copay_cap=9300)  # 1–15 of the month
B = Cert("B", date(2025, 9, 16), date(2026, 9, 15), granted_days=10, copay_cap=0)  # 16–30
EVERY_DAY = [SEPTEMBER + timedelta(days=n) for n in range(30)]


def test_each_certificate_takes_the_days_it_is_valid_on_and_its_own_granted_days():
    # when
    a, b = certificate_days([B, A], SEPTEMBER, EVERY_DAY)
    # then
    assert (a.certificate, a.first, a.last, len(a.days), a.granted, len(a.counted), a.over_granted) == (
        A,
        date(2025, 9, 1),
        date(2025, 9, 15),
        15,
        20,
        15,
        0,
    )
    assert (b.certificate, b.first, b.last, len(b.days), b.granted, len(b.counted), b.over_granted) == (
        B,
        date(2025, 9, 16),
        date(2025, 9, 30),
        15,
        10,
        10,
        5,
    )
    assert b.counted == tuple(EVERY_DAY[15:25])  # the first ten of its own days


def test_a_certificates_granted_days_are_not_used_up_by_the_other_certificates_days():
    # 18 days under A (not possible: A ends on the 15th) — so 15 under A, and 3 under B, all counted
    a, b = certificate_days([A, B], SEPTEMBER, EVERY_DAY[:18])
    assert (len(a.counted), len(b.counted)) == (15, 3)


def test_a_certificate_without_granted_days_takes_the_standard_over_its_days():
    plain = Cert("C", date(2025, 9, 16), date(2026, 9, 15), granted_days=None, copay_cap=0)
    _a, c = certificate_days([A, plain], SEPTEMBER, EVERY_DAY)
    assert c.granted == 22  # 30 − 8


def test_a_day_without_a_certificate_belongs_to_none():
    gap = Cert("G", date(2025, 9, 20), date(2026, 3, 31), granted_days=None, copay_cap=0)
    a, g = certificate_days([A, gap], SEPTEMBER, EVERY_DAY)
    assert len(a.days) + len(g.days) == 15 + 11  # the 16th–19th are nobody's
    assert date(2025, 9, 17) not in a.days + g.days


def test_a_certificate_overlapping_the_month_without_days_still_has_its_part():
    a, b = certificate_days([A, B], SEPTEMBER, EVERY_DAY[:5])
    assert (len(a.days), len(b.days), b.first, b.last) == (5, 0, date(2025, 9, 16), date(2025, 9, 30))


def test_granted_days_are_to_confirm_only_when_two_certificates_share_the_month():
    assert granted_days_to_confirm(certificate_days([A, B], SEPTEMBER, EVERY_DAY))
    assert not granted_days_to_confirm(certificate_days([B], SEPTEMBER, EVERY_DAY))


def test_different_caps_need_the_managers_confirmation_the_same_cap_does_not():
    assert copay_cap_to_confirm([9300, 0])
    assert not copay_cap_to_confirm([9300, 9300])
    assert not copay_cap_to_confirm([0])


def test_the_months_cap_is_held_until_confirmed_then_the_confirmed_one():
    assert month_copay_cap(caps=[9300, 0], confirmed=None) is None
    assert month_copay_cap(caps=[9300, 0], confirmed=37200) is None  # not one of the month's caps: still held
    assert month_copay_cap(caps=[9300, 0], confirmed=0) == 0
    assert month_copay_cap(caps=[9300, 0], confirmed=9300) == 9300


def test_the_same_cap_on_both_certificates_governs_without_confirmation():
    assert month_copay_cap(caps=[9300, 9300], confirmed=None) == 9300
    assert month_copay_cap(caps=[], confirmed=None) == 0


def test_one_cap_is_shared_by_the_persons_lines_in_order():
    # 10 % of 82,478 = 8,247 and of 21,254 = 2,125: 10,372 in all, above 9,300
    assert copayments_under_one_cap(totals=[82478, 21254], cap=9300, figures=FIGURES) == [8247, 1053]
    assert copayments_under_one_cap(totals=[82478, 21254], cap=37200, figures=FIGURES) == [8247, 2125]
    assert copayments_under_one_cap(totals=[82478], cap=0, figures=FIGURES) == [0]


def test_a_negative_cap_is_refused():
    with pytest.raises(RuleError) as refusal:
        copayments_under_one_cap(totals=[100], cap=-1, figures=FIGURES)
    assert refusal.value.code == RuleErrorCode.YEN_NEGATIVE

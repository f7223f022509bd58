"""Rule: 上限額管理 of one person's month (``shared/domain.md``): result 1 when the managing office alone
reaches the cap (it collects the cap, the others nothing); 2 when the co-payments together stay within the
cap (each its own); 3 when they exceed it (the cap shared — the division is entered by the manager, offered
managing office first, and must add up to the cap with no office above its own co-payment).  Each office's
co-payment is first held to the cap on its own.  The month's manager is the one the certificates name."""

import pytest

from regulations.rules import (
    CapResult,
    CapShareProblem,
    RuleError,
    cap_management,
    cap_shares_prefill,
    cap_shares_problem,
    month_cap_manager,
)


def test_result_1_when_the_managing_office_alone_reaches_the_cap():
    managed = cap_management(cap=9300, copays=[12_000, 4_000, 1_000])
    assert managed.result == CapResult.MANAGER_ALONE
    assert managed.own == (9300, 4000, 1000)
    assert managed.collect == (9300, 0, 0)


def test_result_1_when_the_managing_office_is_exactly_at_the_cap():
    assert cap_management(cap=9300, copays=[9300, 500]).collect == (9300, 0)


def test_result_2_when_the_co_payments_together_stay_within_the_cap():
    managed = cap_management(cap=9300, copays=[3000, 4000, 2300])
    assert managed.result == CapResult.UNDER_CAP
    assert managed.collect == (3000, 4000, 2300)


def test_result_3_waits_for_the_division_and_offers_one_managing_office_first():
    managed = cap_management(cap=9300, copays=[6000, 5000])
    assert managed.result == CapResult.SHARED and managed.collect is None
    assert managed.problem == CapShareProblem.COUNT
    assert cap_shares_prefill(cap=9300, own=managed.own) == [6000, 3300]


def test_result_3_takes_the_division_entered_when_it_adds_up_to_the_cap():
    managed = cap_management(cap=9300, copays=[6000, 5000], shares=[4300, 5000])
    assert managed.result == CapResult.SHARED
    assert managed.collect == (4300, 5000)


def test_result_3_refuses_a_division_that_does_not_add_up_or_gives_too_much():
    assert cap_management(cap=9300, copays=[6000, 5000], shares=[6000, 3000]).problem == CapShareProblem.NOT_CAP
    assert cap_shares_problem(cap=9300, own=[6000, 5000], shares=[3300, 6000]) == CapShareProblem.OVER_OWN
    assert cap_shares_problem(cap=9300, own=[6000, 5000], shares=[9300]) == CapShareProblem.COUNT


def test_an_office_above_the_cap_counts_as_the_cap_in_a_shared_month():
    # the other office's own co-payment is held to the cap: 20,000 counts as 9,300
    managed = cap_management(cap=9300, copays=[1000, 20_000])
    assert managed.own == (1000, 9300) and managed.result == CapResult.SHARED
    assert cap_shares_prefill(cap=9300, own=managed.own) == [1000, 8300]


def test_negative_yen_is_a_rule_error():
    with pytest.raises(RuleError):
        cap_management(cap=9300, copays=[-1])


def test_the_month_manager_is_the_one_the_certificates_name():
    assert month_cap_manager([]) == ("none", "")
    assert month_cap_manager([("none", ""), ("this_office", "")]) == ("this_office", "")
    assert month_cap_manager([("other_office", "0110000099"), ("none", "")]) == ("other_office", "0110000099")
    assert month_cap_manager([("other_office", "0110000099"), ("this_office", "")]) is None
    assert month_cap_manager([("other_office", "0110000099"), ("other_office", "0110000098")]) is None

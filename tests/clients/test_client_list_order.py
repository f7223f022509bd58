"""Rule: the client list is sorted by kana (family name, then given name), as paper registers are."""

from datetime import date

from clients.selectors import client_list
from tests.factories import ClientFactory


def test_client_list_is_sorted_by_kana_even_with_monthly_counts(world):
    # given clients created in non-kana order
    for family, given in [("ワタナベ", "ツヨシ"), ("アオキ", "ハナ"), ("タナカ", "メグミ"), ("アオキ", "イチロウ")]:
        ClientFactory(office=world.office, family_name_kana=family, given_name_kana=given)
    # when
    rows = client_list(office=world.office, today=date(2026, 11, 24))
    # then
    assert [(c.family_name_kana, c.given_name_kana) for c in rows] == [
        ("アオキ", "イチロウ"), ("アオキ", "ハナ"), ("タナカ", "メグミ"), ("ワタナベ", "ツヨシ")]

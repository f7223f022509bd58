"""The client list and its CSV name each client's employment specialist and case manager: the staff are read
once for all rows (``clients.selectors.attach_staff``), and every row still shows its own two people."""

from datetime import date

from django.urls import reverse

from clients.selectors import client_list
from tests.factories import ClientFactory, UserFactory


def test_each_row_names_its_own_specialist_and_case_manager(world):
    sato = UserFactory(username="sato", last_name="佐藤", first_name="花子")
    kato = UserFactory(username="kato", last_name="加藤", first_name="次郎")
    ClientFactory(office=world.office, family_name_kana="ア", specialist=sato, case_manager=kato)
    ClientFactory(office=world.office, family_name_kana="イ", specialist=kato, case_manager=None)
    ClientFactory(office=world.office, family_name_kana="ウ", specialist=None, case_manager=sato)

    rows = client_list(office=world.office, today=date(2026, 11, 24))

    assert [(str(c.specialist) if c.specialist else None, str(c.case_manager) if c.case_manager else None)
            for c in rows] == [("佐藤 花子", "加藤 次郎"), ("加藤 次郎", None), (None, "佐藤 花子")]
    assert rows[0].specialist is rows[2].case_manager  # one User per person, not one per row


def test_the_page_and_the_export_print_the_names(world, supervisor_client):
    sato = UserFactory(username="sato", last_name="佐藤", first_name="花子")
    ClientFactory(office=world.office, family_name="北野", specialist=sato)

    page = supervisor_client.get(reverse("clients:list")).content.decode()
    export = supervisor_client.get(reverse("clients:export")).content.decode("utf-8-sig")

    assert "佐藤 花子" in page
    assert "佐藤 花子" in export.splitlines()[1]

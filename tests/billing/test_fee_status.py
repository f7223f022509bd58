"""Rule (billing.services.fee_status): a service month takes the fees of the latest revision effective on its
first day; each line's explanation names the revision of each value; a month on or after a known revision
whose file is not loaded, or computed with a value to verify, is 要確認 — flagged in the pre-close list
(not blocking) and on the month page; managers see the fees on /billing/fees/."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.errors import CloseCheck
from billing.services.checks import close_checks
from billing.services.claims import billing_month_compute
from billing.services.revisions import FEES_DIR, revision_load
from billing.services.tier import retention_tier_override
from tests.billing.helpers import weekdays
from tests.billing.test_fee_revisions import a_2026_revision
from tests.factories import CertificateFactory, ClientFactory, attend, office_settings, plan

TIMES = {"start_time": time(10, 0), "end_time": time(15, 0)}


def month_of(office, first: date):
    client = ClientFactory(office=office, enrolled_on=date(2019, 1, 1))  # in service from 2018-12
    plan(client, date(2019, 1, 1), date(2030, 3, 31), agreed_on=date(2019, 1, 5))
    CertificateFactory(client=client)
    last = date(first.year, first.month, 14)
    attend(client, weekdays(first, last), **TIMES)
    return billing_month_compute(office=office, month=first)


@pytest.fixture
def office(world):
    for fiscal_year in (2019, 2021, 2026):
        retention_tier_override(
            office=world.office, fiscal_year=fiscal_year, rate=Decimal("0.3"), reason="通知", by=world.manager
        )
    return world.office


def test_a_month_after_a_known_revision_with_nothing_loaded_is_flagged(office):
    """Rule: May 2021 is on or after the 2021-04 revision, whose file is not loaded: computed with the 2019
    table, but 要確認 — listed (not blocking) before closing."""
    claims = month_of(office, date(2021, 5, 1))
    status = claims.fee_status
    assert not status["verified"]
    assert [m["effective_from"] for m in status["missing_revisions"]] == ["2021-04-01"]
    assert claims.lines[0].basic[0].base_units == 811  # computed with what is loaded
    check = next(c for c in close_checks(claims=claims, earlier_open=[]) if c.code == CloseCheck.FEES_UNVERIFIED)
    assert not check.blocks
    assert "2021-04" in check.message
    assert check.href == reverse("billing:fees") + "?month=2021-05"


def test_a_month_with_every_value_verified_is_not_flagged(office):
    """Rule: November 2019 (after the loaded 2019-10 revision, before 2021-04) with verified values only — the
    ≤ 20 tier and the office's own price (override) — is not 要確認."""
    office_settings(office, yen_per_unit=Decimal("10.00"))
    claims = month_of(office, date(2019, 11, 1))
    assert claims.fee_status["verified"], claims.fee_status
    assert all(c.code != CloseCheck.FEES_UNVERIFIED for c in close_checks(claims=claims, earlier_open=[]))


def test_a_value_to_verify_flags_the_month(office):
    """Rule: the area unit price of the 2019 data is not sourced (to verify): a month using it is 要確認."""
    claims = month_of(office, date(2019, 11, 1))
    status = claims.fee_status
    assert not status["verified"] and not status["missing_revisions"]
    assert [v["item"] for v in status["unverified_values"]] == ["yen_per_unit"]


def test_each_line_names_the_revision_of_each_value(office):
    """Rule: the month's explanation lists, per line, each value with the revision it follows."""
    office_settings(office, qualified_staff="i")
    claims = month_of(office, date(2019, 11, 1))
    values = {v["item"]: v for v in claims.lines[0].explanation()["fee_values"]}
    assert values["basic"]["value"] == "811" and values["basic"]["revision_from"] == "2019-10-01"
    assert values["basic"]["verified"]
    assert values["addon:qualified_staff_i"]["revision_from"] == "2018-04-01"
    assert values["yen_per_unit"]["verified"] is False


def test_a_month_takes_the_revision_of_its_service_month(office):
    """Rule: values in force come from the latest revision effective on the service month's first day, not
    the day it is billed: May 2026 billed in December 2026 keeps the old add-on units; June 2026 takes the
    (test) 2026-06 revision."""
    revision_load(data=a_2026_revision())
    office_settings(office, qualified_staff="i", valid_from=date(2026, 1, 1))
    may = month_of(office, date(2026, 5, 1))
    assert next(a for a in may.lines[0].addons if a.kind == "qualified_staff_i").units_each == 15
    attend(may.lines[0].client, weekdays(date(2026, 6, 1), date(2026, 6, 5)), **TIMES)
    june = billing_month_compute(office=office, month=date(2026, 6, 1))
    assert next(a for a in june.lines[0].addons if a.kind == "qualified_staff_i").units_each == 16
    assert june.fee_status["revision_from"] == "2026-06-01"
    value = next(v for v in june.lines[0].fee_values if v["item"] == "addon:qualified_staff_i")
    assert value["revision_from"] == "2026-06-01" and not value["verified"]


def test_the_month_page_shows_to_verify(office, manager_client):
    """Rule: 要確認 shows on the month page of a month with an unverified value."""
    month_of(office, date(2021, 5, 1))
    page = manager_client.get(reverse("billing:index") + "?month=2021-05").content.decode()
    assert "fees-unverified" in page and "2021-04" in page


def test_a_manager_sees_the_fee_page(office, manager_client, staff_client):
    """Rule: the fee page shows the revision in force, the next loaded, its source, what is to verify and the
    office's dated settings — for managers only (staff 403; tests/access_table.py for every role)."""
    revision_load(data=a_2026_revision())
    office_settings(office, yen_per_unit=Decimal("10.17"), valid_from=date(2024, 4, 1))
    page = manager_client.get(reverse("billing:fees") + "?month=2025-05").content.decode()
    assert "令和元年10月" in page  # the 2019-10 revision in force
    assert "令和8年度" in page  # the next one loaded (2026-06)
    assert "2024-04" in page  # known, not loaded
    assert "10.17" in page
    assert staff_client.get(reverse("billing:fees")).status_code == 403
    assert manager_client.get(reverse("billing:fees") + "?month=xx").status_code == 200


def test_templates_are_in_the_fees_directory():
    assert (FEES_DIR / "2024-04.template.json").exists() and (FEES_DIR / "2026-06.template.json").exists()


def test_the_area_grade_is_a_dated_setting_and_the_price_comes_from_the_revision(office):
    """Rule: the office's area grade from a date (dated settings) chooses the revision's yen per unit; an empty
    grade keeps the office's recorded one."""
    from billing.services.fees import fee_book_load

    office.area_grade = "7"
    office.save()
    office_settings(office, valid_from=date(2018, 4, 1))
    office_settings(office, valid_from=date(2024, 4, 1), area_grade="other")
    book = fee_book_load(office=office)
    assert book.yen_per_unit_on(service="transition", day=date(2024, 3, 1)) == (Decimal("10.17"), True)
    assert book.yen_per_unit_on(service="transition", day=date(2024, 4, 1)) == (Decimal("10.00"), True)


def test_a_hand_entered_price_needs_its_reason(office):
    """Rule: the hand-entered yen per unit stays possible as an override, with the reason (as the admin checks),
    and the line's explanation names it."""
    from django.core.exceptions import ValidationError

    from billing.errors import BillingError
    from billing.models import OfficeFeeSettings
    from tests.helpers import codes_of

    row = OfficeFeeSettings(office=office, valid_from=date(2019, 10, 1), yen_per_unit=Decimal("10.00"))
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert codes_of(refused.value) == {BillingError.PRICE_OVERRIDE_NEEDS_REASON}
    row.yen_per_unit_reason = "札幌市の通知"
    row.full_clean()
    row.save()
    claims = month_of(office, date(2019, 11, 1))
    price = next(v for v in claims.lines[0].fee_values if v["item"] == "yen_per_unit")
    assert "札幌市の通知" in price["revision"] and price["verified"]

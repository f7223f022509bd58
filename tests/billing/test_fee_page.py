"""The fee page's writes (issue 20): a revision file loaded from the screen (upload → diff → confirm), a value to
verify confirmed against the notice for the office (recorded), and the office's dated settings and staff-pay
categories.  Every figure here is a test value made in the test, not the notice's."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from billing.errors import BillingError
from billing.models import (
    AddOnRate,
    AreaUnitPrice,
    BasicFee,
    FeeRevision,
    FeeValueConfirmation,
    MonthClosing,
    OfficeFeeSettings,
    OfficeTreatmentImprovement,
)
from billing.services.claims import billing_month_compute
from billing.services.fee_confirmations import fee_row_value, fee_value_confirm
from billing.services.fee_settings import office_fee_settings_set, office_treatment_set
from billing.services.fees import fee_book_load, row_ref
from billing.services.revisions import revision_diff, revision_diff_digest, revision_load
from tests.billing.test_fee_revisions import a_2026_revision, shipped
from tests.billing.test_fee_status import month_of
from tests.helpers import codes_of

pytestmark = pytest.mark.django_db

NOVEMBER_2019 = date(2019, 11, 1)


def upload(http, data: dict | str | bytes, name: str = "2026-06.json"):
    content = data if isinstance(data, bytes) else (
        data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)).encode()
    return http.post(reverse("billing:fee_load"), {"file": SimpleUploadedFile(name, content)})


def confirm_post(response) -> dict:
    """What the confirmation page's form sends back."""
    form = response.context["form"]
    return {name: form.initial[name] for name in ("text", "name", "confirmed")}


@pytest.fixture
def office(world):
    from billing.services.tier import retention_tier_override

    for fiscal_year in (2019, 2026):
        retention_tier_override(office=world.office, fiscal_year=fiscal_year, rate=Decimal("0.3"), reason="通知",
                                by=world.manager)
    return world.office


# -- loading a revision file ---------------------------------------------------------------------------------
def test_a_malformed_file_is_refused_with_the_path_of_each_value_and_nothing_is_loaded(manager_client):
    data = shipped()
    data["basic_fees"][0]["tiers"][2]["units"] = "811x"
    data["area_prices"] = [{"service": "transition", "area_grade": "9", "yen_per_unit": "10.00", "verified": False}]
    revisions = FeeRevision.objects.count()
    response = upload(manager_client, data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "$.basic_fees[0].tiers[2].units" in page and "$.area_prices[0].area_grade" in page
    assert codes_of(ValidationError(response.context["form"].errors.as_data()["file"])) == {
        BillingError.REVISION_FILE_INVALID}
    assert FeeRevision.objects.count() == revisions


@pytest.mark.parametrize("content", [b"{not json", "{}".encode("utf-16"), b"[]"])
def test_a_file_that_is_not_a_revision_is_refused(manager_client, content):
    response = upload(manager_client, content)
    assert response.status_code == 422
    assert codes_of(ValidationError(response.context["form"].errors.as_data()["file"])) == {
        BillingError.REVISION_FILE_INVALID}


def test_the_diff_is_shown_and_confirming_loads_the_revision_in_the_managers_name(world, manager_client):
    # when the file is uploaded
    response = upload(manager_client, a_2026_revision())
    # then the diff is shown (old → new), nothing loaded yet
    assert response.status_code == 200
    page = response.content.decode()
    assert "$.addons[0]" in page and "units: — → 16" in page and "$.area_prices[0]" in page
    assert not FeeRevision.objects.filter(effective_from=date(2026, 6, 1)).exists()
    assert "revision-example" not in page
    # when confirmed
    done = manager_client.post(reverse("billing:fee_load_confirm"), confirm_post(response))
    # then it is loaded, from the upload, by the manager
    assert done.status_code == 302 and done["Location"].endswith("?month=2026-06")
    revision = FeeRevision.objects.get(effective_from=date(2026, 6, 1))
    assert revision.loaded_from == "upload: 2026-06.json"
    assert AddOnRate.objects.get(kind="qualified_staff_i", valid_from=date(2026, 6, 1)).units == 16
    event = FeeRevision.pgh_event_model.objects.get(pgh_obj_id=revision.pk)
    assert event.pgh_context["user"] == world.manager.pk


def test_loading_a_revision_twice_shows_that_nothing_changes(manager_client):
    revision_load(data=a_2026_revision())
    response = upload(manager_client, a_2026_revision())
    page = response.content.decode()
    assert response.status_code == 200 and "revision-same" in page
    assert reverse("billing:fee_load_confirm") not in page  # nothing to confirm


def test_a_changed_file_or_changed_fees_since_the_diff_was_shown_are_refused_as_stale(manager_client):
    # given the confirmation page of a file
    shown = confirm_post(upload(manager_client, a_2026_revision()))
    # when the text sent back is another file (units 17) with the digest of the first one's diff
    changed = a_2026_revision()
    changed["addons"][0]["units"] = 17
    response = manager_client.post(reverse("billing:fee_load_confirm"),
                                   {**shown, "text": json.dumps(changed, ensure_ascii=False)})
    # then it is refused, nothing is loaded, and the new diff is shown to confirm again
    assert response.status_code == 422
    assert "units: — → 17" in response.content.decode()
    assert not FeeRevision.objects.filter(effective_from=date(2026, 6, 1)).exists()
    # and so is the digest of a diff that the data loaded meanwhile made old
    revision_load(data=a_2026_revision())
    with pytest.raises(ValidationError) as refused:
        revision_load(data=changed, confirmed=shown["confirmed"])
    assert codes_of(refused.value) == {BillingError.REVISION_STALE}
    assert AddOnRate.objects.get(kind="qualified_staff_i", valid_from=date(2026, 6, 1)).units == 16


def test_the_digest_names_the_diff():
    data = a_2026_revision()
    assert revision_diff_digest(revision_diff(data)) == revision_diff_digest(revision_diff(a_2026_revision()))
    data["addons"][0]["units"] = 17
    assert revision_diff_digest(revision_diff(data)) != revision_diff_digest(revision_diff(a_2026_revision()))


def test_a_value_the_tables_refuse_at_the_confirmation_is_shown_with_its_path(manager_client):
    data = a_2026_revision()
    data["area_prices"][0]["yen_per_unit"] = "0.50"  # the schema takes it, the table does not
    shown = upload(manager_client, data)
    response = manager_client.post(reverse("billing:fee_load_confirm"), confirm_post(shown))
    assert response.status_code == 422
    assert "$.area_prices[0].yen_per_unit" in response.content.decode()
    assert not FeeRevision.objects.filter(effective_from=date(2026, 6, 1)).exists()


def test_an_example_revision_may_be_loaded_and_the_confirmation_says_so(manager_client):
    response = upload(manager_client, a_2026_revision(example=True))
    page = response.content.decode()
    assert "revision-example" in page
    manager_client.post(reverse("billing:fee_load_confirm"), confirm_post(response))
    assert FeeRevision.objects.get(effective_from=date(2026, 6, 1)).example


@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_only_a_manager_loads_a_revision(world, role):
    from tests.conftest import logged_in

    http = logged_in(getattr(world, role))
    assert upload(http, a_2026_revision()).status_code == 403
    data = a_2026_revision()
    response = http.post(reverse("billing:fee_load_confirm"), {
        "text": json.dumps(data), "name": "x.json", "confirmed": revision_diff_digest(revision_diff(data))})
    assert response.status_code == 403
    assert not FeeRevision.objects.filter(effective_from=date(2026, 6, 1)).exists()


def test_an_upload_too_large_is_refused_with_a_clear_message(manager_client):
    with override_settings(FEE_REVISION_MAX_BYTES=100):
        response = upload(manager_client, a_2026_revision())
        assert response.status_code == 422
        assert codes_of(ValidationError(response.context["form"].errors.as_data()["file"])) == {
            BillingError.REVISION_FILE_TOO_LARGE}
        assert "KB" in response.content.decode()
        data = a_2026_revision()
        confirm = manager_client.post(reverse("billing:fee_load_confirm"), {
            "text": json.dumps(data), "name": "x.json", "confirmed": revision_diff_digest(revision_diff(data))})
        assert confirm.status_code == 422
    assert not FeeRevision.objects.filter(effective_from=date(2026, 6, 1)).exists()


def test_the_admins_revision_list_links_to_the_load_page(manager_client):
    page = manager_client.get(reverse("admin:billing_feerevision_changelist")).content.decode()
    assert reverse("billing:fee_load") in page
    assert manager_client.get(reverse("billing:fee_load")).status_code == 200


# -- confirming a value to verify against the notice ----------------------------------------------------------
def _price_row(office, month: date) -> AreaUnitPrice:
    return fee_book_load(office=office).price_row_on(service="transition", day=month)


def test_a_confirmed_value_counts_as_verified_for_that_office_only(world, office, manager_client):
    # given November 2019, whose only value to verify is the yen per unit of the office's grade
    claims = month_of(office, NOVEMBER_2019)
    assert [v["item"] for v in claims.fee_status["unverified_values"]] == ["yen_per_unit"]
    price = _price_row(office, NOVEMBER_2019)
    page = manager_client.get(reverse("billing:fees") + "?month=2019-11").content.decode()
    assert row_ref(price) in page  # the value's confirmation form names its row
    # when the manager confirms it against the notice
    response = manager_client.post(reverse("billing:fee_value_confirm") + "?month=2019-11", {
        "row": row_ref(price), "value": str(price.yen_per_unit), "notice": "告示第523号 別表 p.12"})
    # then it is recorded (who, when, against what) and the office's month counts it as verified
    assert response.status_code == 302
    confirmation = FeeValueConfirmation.objects.get(office=office)
    assert (confirmation.row, confirmation.value, confirmation.confirmed_by) == (
        row_ref(price), str(price.yen_per_unit), world.manager)
    again = billing_month_compute(office=office, month=NOVEMBER_2019)
    assert again.fee_status["verified"] and again.fee_status["unverified_values"] == []
    value = next(v for v in again.lines[0].fee_values if v["item"] == "yen_per_unit")
    assert value["verified"] and value["confirmed"]["notice"] == "告示第523号 別表 p.12"
    response = manager_client.get(reverse("billing:fees") + "?month=2019-11")
    page = response.content.decode()
    assert "告示第523号 別表 p.12" in page
    assert row_ref(price) not in {v["row"] for v in response.context["unconfirmed"]}
    # but another office's month with the same value is still to verify
    world.other_office.area_grade = office.area_grade
    world.other_office.save()
    other = month_of(world.other_office, NOVEMBER_2019)
    assert not other.fee_status["verified"]
    assert world.other_office.name not in page


def test_a_confirmation_no_longer_applies_once_a_load_changes_the_value(world, office, manager_client):
    # given a test revision's add-on, used by the office in June 2026, confirmed by the manager
    from tests.factories import office_settings

    revision_load(data=a_2026_revision())
    office_settings(office, qualified_staff="i", valid_from=date(2026, 1, 1))
    rate = AddOnRate.objects.get(kind="qualified_staff_i", valid_from=date(2026, 6, 1))
    fee_value_confirm(office=office, row=row_ref(rate), value="16", notice="テスト告示 p.1", by=world.manager)
    june = month_of(office, date(2026, 6, 1))
    addon = next(v for v in june.lines[0].fee_values if v["item"] == "addon:qualified_staff_i")
    assert addon["verified"] and "confirmed" in addon
    # a known revision that is not loaded cannot be confirmed: the month stays to verify for it
    assert not june.fee_status["verified"] and june.fee_status["missing_revisions"]
    # when the same revision is loaded again with another value for that add-on (the same row, changed)
    changed = a_2026_revision()
    changed["addons"][0]["units"] = 17
    revision_load(data=changed)
    # then the confirmation stands but no longer applies: the value is to verify again
    june = billing_month_compute(office=office, month=date(2026, 6, 1))
    addon = next(v for v in june.lines[0].fee_values if v["item"] == "addon:qualified_staff_i")
    assert not addon["verified"] and "confirmed" not in addon
    assert "addon:qualified_staff_i" in {v["item"] for v in june.fee_status["unverified_values"]}
    page = manager_client.get(reverse("billing:fees") + "?month=2026-06").content.decode()
    assert "テスト告示 p.1" in page and "17" in page


def test_a_row_that_is_not_to_verify_or_whose_value_changed_is_refused(world, office, manager_client):
    verified = BasicFee.objects.filter(to_verify=False, schedule__to_verify=False).first()
    for row in (row_ref(verified), "compostela.office:1", "billing.basicfee:x", "billing.addonrate:999999"):
        with pytest.raises(ValidationError) as refused:
            fee_value_confirm(office=office, row=row, value="1", notice="告示", by=world.manager)
        assert codes_of(refused.value) == {BillingError.FEE_VALUE_NOT_TO_VERIFY}
    rate = AddOnRate.objects.filter(to_verify=True).first()
    with pytest.raises(ValidationError) as refused:
        fee_value_confirm(office=office, row=row_ref(rate), value=str(rate.units + 1), notice="告示", by=world.manager)
    assert codes_of(refused.value) == {BillingError.FEE_VALUE_CHANGED}
    # on the page: shown again with the reason, nothing recorded
    response = manager_client.post(reverse("billing:fee_value_confirm"), {
        "row": row_ref(verified), "value": str(verified.units), "notice": "告示"})
    assert response.status_code == 422 and "errorlist" in response.content.decode()
    response = manager_client.post(reverse("billing:fee_value_confirm"), {
        "row": row_ref(rate), "value": str(rate.units), "notice": ""})
    assert response.status_code == 422
    assert not FeeValueConfirmation.objects.exists()


def test_the_value_a_confirmation_records_is_the_value_a_line_shows(office):
    """Rule: a confirmation is compared with a line's fee value as text: both are written by the same rule."""
    from tests.factories import office_settings

    office_settings(office, qualified_staff="i")
    claims = month_of(office, NOVEMBER_2019)
    book = fee_book_load(office=office)
    rows = {"basic": None, "addon:qualified_staff_i": book.addon_on(kind="qualified_staff_i", day=NOVEMBER_2019),
            "yen_per_unit": _price_row(office, NOVEMBER_2019)}
    for value in claims.lines[0].fee_values:
        row = rows.get(value["item"]) or BasicFee.objects.get(pk=value["row"].split(":")[1])
        assert value["row"] == row_ref(row) and value["value"] == fee_row_value(row)


def test_reading_the_confirmations_costs_one_query_only_when_a_value_is_to_verify(
    world, office, django_assert_num_queries
):
    from billing.services.fee_status import month_fee_status

    claims = month_of(office, NOVEMBER_2019)
    with django_assert_num_queries(1):
        month_fee_status(claims)
    office_settings_override = OfficeFeeSettings.objects.create(
        office=office, valid_from=date(2019, 1, 1), yen_per_unit=Decimal("10.00"), yen_per_unit_reason="市の通知")
    claims = billing_month_compute(office=office, month=NOVEMBER_2019)
    assert claims.fee_status["verified"], office_settings_override
    with django_assert_num_queries(0):
        month_fee_status(claims)


# -- the office's settings -------------------------------------------------------------------------------------
SETTINGS_POST = {"valid_from": "2025-07-01", "area_grade": "7", "followup_cost_method": "per_contact",
                 "cost_per_followup": "10000", "hourly_staff_cost": "2500", "restraint_not_done": "on"}


def test_a_settings_row_is_added_from_the_fee_page_and_is_in_force(world, manager_client):
    # given settings in force, which the form starts from
    OfficeFeeSettings.objects.create(office=world.office, valid_from=date(2024, 4, 1), meals=True)
    form = manager_client.get(reverse("billing:fees") + "?month=2025-07").context["settings_form"]
    assert form.initial["meals"] is True
    # when a row from July 2025 is added
    response = manager_client.post(reverse("billing:fee_settings") + "?month=2025-07", SETTINGS_POST)
    # then it is recorded, and in force from July
    assert response.status_code == 302
    row = OfficeFeeSettings.objects.get(office=world.office, valid_from=date(2025, 7, 1))
    assert row.restraint_not_done and row.area_grade == "7" and not row.meals
    page = manager_client.get(reverse("billing:fees") + "?month=2025-07")
    assert page.context["settings_in_force"] == date(2025, 7, 1)
    assert "physical restraint measures not taken" in page.content.decode() or "身体拘束" in page.content.decode()
    assert fee_book_load(office=world.office).settings_on(date(2025, 7, 1)).valid_from == date(2025, 7, 1)


def test_a_hand_price_without_its_reason_is_refused_on_its_field(world, manager_client):
    response = manager_client.post(reverse("billing:fee_settings"), {**SETTINGS_POST, "yen_per_unit": "10.20"})
    assert response.status_code == 422
    errors = response.context["settings_form"].errors.as_data()
    assert codes_of(ValidationError(errors["yen_per_unit_reason"])) == {BillingError.PRICE_OVERRIDE_NEEDS_REASON}
    assert not OfficeFeeSettings.objects.exists()


def test_a_setting_in_or_before_a_closed_month_is_refused(world, manager_client):
    # given May 2025 closed
    MonthClosing.objects.create(office=world.office, month=date(2025, 5, 1), version=1, closed_at=timezone.now(),
                                closed_by=world.manager)
    # then a settings row from within May (or before) is refused on its date, with the code
    for day in (date(2025, 5, 20), date(2024, 4, 1)):
        with pytest.raises(ValidationError) as refused:
            office_fee_settings_set(office=world.office, valid_from=day, values={}, by=world.manager)
        assert codes_of(refused.value) == {BillingError.SETTINGS_MONTH_CLOSED}
        assert "valid_from" in refused.value.message_dict
    response = manager_client.post(reverse("billing:fee_settings"), {**SETTINGS_POST, "valid_from": "2025-05-20"})
    assert response.status_code == 422
    assert codes_of(ValidationError(response.context["settings_form"].errors.as_data()["valid_from"])) == {
        BillingError.SETTINGS_MONTH_CLOSED}
    # and so is a staff-pay category from May
    with pytest.raises(ValidationError) as refused:
        office_treatment_set(office=world.office, service="transition", scheme="unified", category="I",
                             month=date(2025, 5, 1), note="", by=world.manager)
    assert codes_of(refused.value) == {BillingError.SETTINGS_MONTH_CLOSED} and "month" in refused.value.message_dict
    response = manager_client.post(reverse("billing:fee_staff_pay"), {
        "service": "transition", "scheme": "unified", "category": "I", "month": "2025-05"})
    assert response.status_code == 422
    assert not OfficeFeeSettings.objects.exists() and not OfficeTreatmentImprovement.objects.exists()
    # from June on it is accepted; a reopened month no longer holds a setting back
    office_fee_settings_set(office=world.office, valid_from=date(2025, 6, 1), values={}, by=world.manager)
    MonthClosing.objects.update(reopened_at=timezone.now(), reopened_by=world.manager, reopen_reason="訂正")
    office_fee_settings_set(office=world.office, valid_from=date(2025, 5, 20), values={}, by=world.manager)


def test_the_staff_pay_category_is_set_from_a_month_and_shown_in_force(world, manager_client):
    response = manager_client.post(reverse("billing:fee_staff_pay") + "?month=2025-08", {
        "service": "transition", "scheme": "unified", "category": "I", "month": "2025-07", "note": "体制届受理"})
    assert response.status_code == 302
    office_treatment_set(office=world.office, service="transition", scheme="unified", category="", note="取下げ",
                         month=date(2025, 10, 1), by=world.manager)
    rows = OfficeTreatmentImprovement.objects.filter(office=world.office).order_by("valid_from")
    assert [(r.valid_from, r.category) for r in rows] == [(date(2025, 7, 1), "I"), (date(2025, 10, 1), "")]
    august = manager_client.get(reverse("billing:fees") + "?month=2025-08").context
    assert august["treatments_in_force"] == {rows[0].pk}
    november = manager_client.get(reverse("billing:fees") + "?month=2025-11").context
    assert november["treatments_in_force"] == {rows[1].pk}
    # the same month again changes that month's row in place
    office_treatment_set(office=world.office, service="transition", scheme="unified", category="II", note="",
                         month=date(2025, 7, 1), by=world.manager)
    assert OfficeTreatmentImprovement.objects.get(valid_from=date(2025, 7, 1)).category == "II"


def test_another_offices_rows_are_never_shown(world, manager_client):
    OfficeFeeSettings.objects.create(office=world.other_office, valid_from=date(2025, 1, 1),
                                     yen_per_unit=Decimal("11.11"), yen_per_unit_reason="よその事業所の理由")
    office_treatment_set(office=world.other_office, service="transition", scheme="unified", category="IV",
                         note="よその体制届", month=date(2025, 1, 1), by=world.outsider)
    rate = AddOnRate.objects.filter(to_verify=True).first()
    fee_value_confirm(office=world.other_office, row=row_ref(rate), value=str(rate.units), notice="よその告示",
                      by=world.outsider)
    page = manager_client.get(reverse("billing:fees") + "?month=2025-06").content.decode()
    for text in ("11.11", "よその事業所の理由", "よその体制届", "よその告示"):
        assert text not in page


def test_a_service_refuses_a_user_who_is_not_a_manager_of_the_office(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        office_fee_settings_set(office=world.office, valid_from=date(2025, 7, 1), values={}, by=world.supervisor)
    with pytest.raises(PermissionDenied):
        office_treatment_set(office=world.office, service="transition", scheme="unified", category="I", note="",
                             month=date(2025, 7, 1), by=world.outsider)
    rate = AddOnRate.objects.filter(to_verify=True).first()
    with pytest.raises(PermissionDenied):
        fee_value_confirm(office=world.office, row=row_ref(rate), value=str(rate.units), notice="告示",
                          by=world.staff)

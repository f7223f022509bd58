"""Rules of the real admin for billing: a manager edits their own office's fee settings there (another
office's answer 404), may read the fee schedules but not change them, and cannot change closings."""

from datetime import date

import pytest
from django.urls import reverse

from billing.models import FeeSchedule, OfficeFeeSettings
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_a_manager_edits_the_fee_settings_of_their_own_office_in_the_admin(world):
    mine = OfficeFeeSettings.objects.create(office=world.office, valid_from=date(2025, 4, 1))
    http = logged_in(world.manager)
    assert http.get(change_url(mine)).status_code == 200
    response = http.post(change_url(mine), {
        "office": world.office.pk, "valid_from": "2025-04-01", "yen_per_unit": "10.17", "qualified_staff": "i",
        "transition_prep": "", "transport": "", "followup_cost_method": "per_contact", "cost_per_followup": "10000",
        "hourly_staff_cost": "2500", "yen_per_unit_reason": "札幌市の通知", "area_grade": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    mine.refresh_from_db()
    assert (str(mine.yen_per_unit), mine.qualified_staff) == ("10.17", "i")


def test_another_offices_fee_settings_answer_404_to_a_manager(world):
    theirs = OfficeFeeSettings.objects.create(office=world.other_office, valid_from=date(2025, 4, 1))
    assert logged_in(world.manager).get(change_url(theirs)).status_code == 404
    listing = logged_in(world.manager).get(reverse("admin:billing_officefeesettings_changelist"))
    assert listing.status_code == 200 and world.other_office.name not in listing.content.decode()


def test_fee_schedules_are_read_only_for_a_manager(world):
    schedule = FeeSchedule.objects.first() or FeeSchedule.objects.create(
        service="transition", valid_from=date(2024, 4, 1), name="R6")
    http = logged_in(world.manager)
    assert http.get(change_url(schedule)).status_code == 200  # view only
    assert http.post(change_url(schedule), {"service": "transition", "valid_from": "2024-04-01",
                                            "name": "changed"}).status_code == 403
    assert FeeSchedule.objects.get(pk=schedule.pk).name != "changed"


def test_closings_stay_out_of_a_managers_reach_in_the_admin(world):
    assert logged_in(world.manager).get(reverse("admin:billing_monthclosing_changelist")).status_code == 403

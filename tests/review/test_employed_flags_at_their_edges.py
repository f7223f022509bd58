"""Rule: each employed-side flag of the case review appears on the day after its edge and not on the edge;
people are in follow-up until 3½ years after the start, or 30 days after the job ended."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from placements.models import FollowUpKind
from tests.factories import FollowUpFactory
from tests.review.helpers import codes, employed_person, row_of

pytestmark = pytest.mark.django_db


def test_six_month_mark_flagged_30_days_ahead_not_31(world):
    day = date(2025, 6, 18)
    in_30 = employed_person(world.office, start=day + timedelta(days=30) - relativedelta(months=6), by=world.staff)
    in_31 = employed_person(world.office, start=day + timedelta(days=31) - relativedelta(months=6), by=world.staff)
    assert "six_month" in codes(in_30.client, day)
    assert "six_month" not in codes(in_31.client, day)


def test_first_week_without_follow_up_is_flagged_once_the_week_is_over(world):
    start = date(2025, 6, 2)
    hire = employed_person(world.office, start=start, by=world.staff)
    assert "first_week" not in codes(hire.client, start + timedelta(days=6))
    assert "first_week" in codes(hire.client, start + timedelta(days=7))
    FollowUpFactory(hire=hire, day=start + timedelta(days=6), staff=world.staff)
    assert "first_week" not in codes(hire.client, start + timedelta(days=7))


def test_no_follow_up_this_month_is_flagged_in_the_unpaid_months(world):
    day = date(2025, 6, 20)  # from the 20th (review.placement_flags.monthly_contact_due)
    last_month = employed_person(world.office, start=date(2025, 3, 1), by=world.staff)
    this_month = employed_person(world.office, start=date(2025, 3, 1), by=world.staff)
    FollowUpFactory(hire=last_month, day=date(2025, 5, 31), staff=world.staff)
    FollowUpFactory(hire=this_month, day=date(2025, 6, 1), staff=world.staff)
    assert "no_followup_month" in codes(last_month.client, day)
    assert "no_followup_month" not in codes(this_month.client, day)


def test_retention_support_month_without_face_to_face_is_flagged_once_one_is_due(world):
    start = date(2024, 12, 10)  # six months on 2025-06-10
    hire = employed_person(world.office, start=start, by=world.staff)
    FollowUpFactory(hire=hire, day=date(2025, 5, 26), staff=world.staff, kind=FollowUpKind.FACE_TO_FACE)
    FollowUpFactory(hire=hire, day=date(2025, 6, 2), staff=world.staff, kind=FollowUpKind.PHONE_ONLINE)
    assert "retention_face_to_face" not in codes(hire.client, date(2025, 6, 9))  # still month 6: unpaid
    assert "retention_face_to_face" not in codes(hire.client, date(2025, 6, 10))  # the last one 15 days ago
    assert "retention_face_to_face" not in codes(hire.client, date(2025, 6, 19))
    assert "retention_face_to_face" in codes(hire.client, date(2025, 6, 20))  # from the 20th
    FollowUpFactory(hire=hire, day=date(2025, 6, 20), staff=world.staff, kind=FollowUpKind.FACE_TO_FACE)
    assert "retention_face_to_face" not in codes(hire.client, date(2025, 6, 20))
    assert "retention_face_to_face" not in codes(hire.client, date(2025, 7, 2))  # early in the next month


def test_retention_support_face_to_face_is_flagged_early_when_the_last_one_is_over_35_days_ago(world):
    hire = employed_person(world.office, start=date(2024, 12, 10), by=world.staff)
    FollowUpFactory(hire=hire, day=date(2025, 6, 12), staff=world.staff, kind=FollowUpKind.FACE_TO_FACE)
    assert "retention_face_to_face" not in codes(hire.client, date(2025, 7, 17))  # 35 days
    assert "retention_face_to_face" in codes(hire.client, date(2025, 7, 18))  # 36 days


def test_job_ended_within_30_days_offers_a_return_and_leaves_the_board_after(world):
    day = date(2025, 6, 18)
    hire = employed_person(world.office, start=date(2025, 1, 6), by=world.staff, ended_on=day - timedelta(days=30))
    assert "job_ended" in codes(hire.client, day)
    assert row_of(hire.client, day + timedelta(days=1)) is None


def test_people_leave_the_follow_up_section_three_and_a_half_years_after_the_start(world):
    start = date(2022, 1, 10)
    hire = employed_person(world.office, start=start, by=world.staff)
    assert row_of(hire.client, start + relativedelta(months=42) - timedelta(days=1)) is not None
    assert row_of(hire.client, start + relativedelta(months=42)) is None

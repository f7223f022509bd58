"""Rule: the hire page shows each follow-up contact in its phase, the unpaid six months' count and
minutes, and per month of 就労定着支援 whether it is billable."""

from datetime import date

from placements.models import FollowUpKind
from placements.selectors import placement_hire_timeline
from regulations.rules import FollowUpPhase
from tests.factories import FollowUpFactory, HireFactory


def test_contacts_are_placed_in_their_phase_with_totals(world):
    hire = HireFactory(office=world.office, start_date=date(2024, 4, 1))
    for day, minutes in [(date(2024, 4, 1), 60), (date(2024, 9, 30), 30), (date(2024, 10, 1), 45),
                         (date(2027, 10, 1), 20)]:
        FollowUpFactory(hire=hire, day=day, minutes=minutes, staff=world.staff)
    timeline = placement_hire_timeline(hire=hire, as_of=date(2028, 1, 1))
    assert [c.phase for c in timeline.contacts] == [FollowUpPhase.UNPAID, FollowUpPhase.UNPAID,
                                                    FollowUpPhase.RETENTION_SUPPORT, FollowUpPhase.AFTER]
    assert [c.month for c in timeline.contacts] == [1, 6, 7, 43]
    totals = {t.phase: (t.count, t.minutes) for t in timeline.totals}
    assert totals[FollowUpPhase.UNPAID] == (2, 90)
    assert totals[FollowUpPhase.RETENTION_SUPPORT] == (1, 45)


def test_a_support_month_is_billable_only_with_face_to_face_and_a_report(world):
    hire = HireFactory(office=world.office, start_date=date(2024, 4, 1))
    FollowUpFactory(hire=hire, day=date(2024, 10, 3), kind=FollowUpKind.FACE_TO_FACE, staff=world.staff)
    FollowUpFactory(hire=hire, day=date(2024, 10, 20), kind=FollowUpKind.SUPPORT_REPORT, staff=world.staff)
    FollowUpFactory(hire=hire, day=date(2024, 11, 5), kind=FollowUpKind.FACE_TO_FACE, staff=world.staff)
    FollowUpFactory(hire=hire, day=date(2024, 12, 5), kind=FollowUpKind.PHONE_ONLINE, staff=world.staff)
    timeline = placement_hire_timeline(hire=hire, as_of=date(2024, 12, 31))
    months = {m.month: m.billable for m in timeline.months}
    assert months == {date(2024, 10, 1): True, date(2024, 11, 1): False, date(2024, 12, 1): False}


def test_no_support_months_before_six_months_or_after_the_job_ended(world):
    hire = HireFactory(office=world.office, start_date=date(2024, 4, 1), ended_on=date(2024, 11, 15),
                       end_reason="quit")
    assert [m.month for m in placement_hire_timeline(hire=hire, as_of=date(2025, 3, 1)).months] == [
        date(2024, 10, 1), date(2024, 11, 1)]
    fresh = HireFactory(office=world.office, start_date=date(2025, 1, 1))
    assert placement_hire_timeline(hire=fresh, as_of=date(2025, 3, 1)).months == []

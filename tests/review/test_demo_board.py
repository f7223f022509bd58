"""Rule (issue 18, "Demo data that looks like an office"): on any day of the month the demo office's case-review
board flags a handful of people per flag kind — plans reviewed every three months, follow-ups in every month
on the person's usual day, the first employer met within weeks — not nearly everyone on the 2nd."""

from collections import Counter
from datetime import UTC, date, datetime, time

import pytest
from django.core.management import call_command

from compostela.models import Office
from review.selectors import review_board
from tests.conftest import TOKYO

# 就労定着支援 certificates: the shipped fee table has the band of up to 20 users a month only, so the demo gives
# no more than 20 people one (devtools.demo.placements.RETENTION_SUPPORT_DEMO_USERS) and flags the others — a
# limit of the demo's fee data, not of its rhythm.
NOT_COUNTED = {"retention_certificate"}
HANDFUL = 5


def _seed_on(monkeypatch, day: date) -> None:
    moment = datetime.combine(day, time(10), tzinfo=TOKYO).astimezone(UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    call_command("seed_demo", "--quiet-logins")


def _flagged(day: date) -> Counter:
    board = review_board(office=Office.objects.get(number="0110000001"), day=day, user=None)
    return Counter(
        flag.code for section in (board.clients, board.employed) for row in section.rows for flag in row.flags
    )


@pytest.mark.parametrize("day", [date(2026, 6, 2), date(2026, 6, 15), date(2026, 6, 28)])
def test_the_demo_board_flags_a_handful_of_people_per_kind_on_any_day_of_the_month(db, monkeypatch, day):
    _seed_on(monkeypatch, day)
    flagged = _flagged(day)
    too_many = {code: n for code, n in flagged.items() if n > HANDFUL and code not in NOT_COUNTED}
    assert too_many == {}
    assert flagged["plan_review"] >= 1  # someone's モニタリング is due or late: the board is not empty either

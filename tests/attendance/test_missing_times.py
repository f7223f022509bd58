"""Rule (attendance.rules.lacks_times): a day of service (通所, 施設外支援) saved without its start and end times
is saved, with a warning that names the client — the record sheet (実績記録票) needs the times — and the month
grid marks and lists the days that lack them."""

from datetime import date, time

import pytest
from django.urls import reverse

from attendance import rules
from attendance.models import Attendance, AttendanceStatus
from tests.attendance.test_roster_view import URL, post_data
from tests.conftest import TODAY
from tests.factories import AttendanceFactory, enrolled_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "start", "end", "lacks"),
    [("attended", None, None, True), ("attended", time(10), None, True), ("offsite", None, time(15), True),
     ("attended", time(10), time(15), False), ("absent", None, None, False), ("absent_supported", None, None, False)],
)
def test_which_days_lack_their_times(status, start, end, lacks):
    assert rules.lacks_times(status, start, end) is lacks


def test_attended_without_times_is_saved_with_a_warning_naming_the_client(world, today, staff_client):
    client = enrolled_client(world.office, family_name="北村", usual_start=None, usual_end=None)
    response = staff_client.post(URL, post_data(TODAY, {client: {"status": "attended"}}), follow=True)
    assert Attendance.objects.get(client=client, day=TODAY).start_time is None
    body = response.content.decode()
    assert "北村" in body and "開始・終了時刻なしで保存しました" in body


def test_attended_with_times_gives_no_such_warning(world, today, staff_client):
    client = enrolled_client(world.office, family_name="北村")
    response = staff_client.post(
        URL, post_data(TODAY, {client: {"status": "attended", "start_time": "10:00", "end_time": "15:00"}}),
        follow=True,
    )
    assert "開始・終了時刻なしで保存しました" not in response.content.decode()


def test_the_month_grid_marks_and_lists_the_days_without_times(world, today, staff_client):
    client = enrolled_client(world.office, family_name="北村")
    AttendanceFactory(client=client, day=date(2025, 6, 2), status=AttendanceStatus.ATTENDED, start_time=None,
                      end_time=None)
    AttendanceFactory(client=client, day=date(2025, 6, 3), status=AttendanceStatus.ATTENDED, start_time=time(10),
                      end_time=time(15))
    response = staff_client.get(reverse("attendance:month"), {"month": "2025-06"})
    body = response.content.decode()
    assert response.context["days_without_times"] == 1
    assert "開始・終了時刻のない提供日が1日あります" in body
    assert f'href="{URL}?day=2025-06-02"' in body
    assert body.count('<sup class="no-times">*</sup>') == 2  # the legend and the one cell

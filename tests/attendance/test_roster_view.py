"""The roster screen: who is listed, saving the day in one POST, and errors shown on the rows with the
user's input kept."""

import re
from datetime import date, time

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from attendance import services
from attendance.models import Attendance, AttendanceStatus
from billing.services.closing import billing_month_close
from tests.conftest import TODAY
from tests.factories import AttendanceFactory, enrolled_client

URL = reverse("attendance:day")


def post_data(day, entries: dict, **extra) -> dict:
    """Form data as the roster sends it; ``entries``: client → dict of fields (status, start_time, …)."""
    data = {"day": day.isoformat(), "save": "1", **extra}
    for client, fields in entries.items():
        version = fields.pop("version", 0)
        data[f"c{client.pk}-version"] = version
        data[f"c{client.pk}-fingerprint"] = fields.pop("fingerprint", "")
        for name, value in fields.items():
            data[f"c{client.pk}-{name}"] = value
    return data


def test_roster_opens_on_today_with_enrolled_clients_sorted_by_kana(world, today, staff_client):
    enrolled_client(world.office, kana="ワタナベ", family_name="渡辺")
    enrolled_client(world.office, kana="アベ", family_name="阿部")
    enrolled_client(world.office, kana="カトウ", family_name="加藤", enrolled_on=date(2025, 7, 1))  # not yet
    enrolled_client(world.office, kana="サトウ", family_name="佐藤", period=(date(2024, 1, 1), date(2025, 5, 31)))
    enrolled_client(world.other_office, kana="イトウ", family_name="伊藤")
    response = staff_client.get(URL)
    assert response.status_code == 200
    assert response.context["day"] == TODAY
    names = [line.client.family_name for line in response.context["lines"]]
    assert names == ["阿部", "渡辺"]


def test_roster_shows_the_previous_entry_and_prefills_usual_times(world, today, staff_client):
    client = enrolled_client(world.office, usual_start=time(9, 30), usual_end=time(14, 0))
    AttendanceFactory(client=client, day=date(2025, 6, 12), status=AttendanceStatus.ABSENT, start_time=None,
                      end_time=None)
    response = staff_client.get(URL)
    line = response.context["lines"][0]
    assert line.row.previous.status == AttendanceStatus.ABSENT
    assert line.entry.initial["start_time"] == time(9, 30)
    assert line.values["start_time"] == "09:30"
    assert "欠席" in response.content.decode()


def test_saving_the_day_in_one_post_stores_every_row(world, today, staff_client):
    a, b = enrolled_client(world.office, kana="ア"), enrolled_client(world.office, kana="イ")
    response = staff_client.post(URL, post_data(TODAY, {
        a: {"status": "attended", "start_time": "10:00", "end_time": "15:00", "transport_to": "on", "meal": "on"},
        b: {"status": "absent_supported", "note": "電話で様子確認"},
    }))
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?day={TODAY.isoformat()}"
    row = Attendance.objects.get(client=a, day=TODAY)
    assert (row.start_time, row.transport_to, row.transport_from, row.meal) == (time(10), True, False, True)
    assert Attendance.objects.get(client=b).status == AttendanceStatus.ABSENT_SUPPORTED


def test_an_absence_drops_times_and_transport_sent_by_a_browser_without_script(world, today, staff_client):
    a = enrolled_client(world.office)
    staff_client.post(URL, post_data(TODAY, {a: {"status": "absent", "start_time": "10:00", "meal": "on"}}))
    row = Attendance.objects.get(client=a)
    assert (row.status, row.start_time, row.meal) == ("absent", None, False)


def test_a_broken_rule_redisplays_the_form_with_the_message_on_the_row_and_saves_nothing(world, today, staff_client):
    a, b = enrolled_client(world.office, kana="ア"), enrolled_client(world.office, kana="イ")
    response = staff_client.post(URL, post_data(TODAY, {
        a: {"status": "attended", "start_time": "15:00", "end_time": "10:00", "note": "遅刻"},
        b: {"status": "offsite", "start_time": "09:00", "end_time": "12:00", "note": "企業実習"},
    }))
    assert response.status_code == 422
    assert not Attendance.objects.exists()
    line_a, line_b = response.context["lines"]
    assert line_a.entry.errors == [_(services.MSG_END_NOT_AFTER_START)]
    assert not line_b.entry.has_errors
    page = response.content.decode()
    assert _(services.MSG_END_NOT_AFTER_START) in page
    assert 'value="企業実習"' in page and 'value="遅刻"' in page  # nothing the user typed is lost


def test_mark_all_as_attended_without_script_fills_empty_rows_and_saves_nothing(world, today, staff_client):
    a, b = enrolled_client(world.office, kana="ア"), enrolled_client(world.office, kana="イ")
    data = post_data(TODAY, {a: {"status": ""}, b: {"status": "absent"}})
    del data["save"]
    response = staff_client.post(URL, {**data, "mark_all": "1"})
    assert response.status_code == 200
    assert [line.values["status"] for line in response.context["lines"]] == ["attended", "absent"]
    assert not Attendance.objects.exists()


def test_a_supervisor_is_offered_the_confirmation_and_saves_beyond_granted_days(world, today, supervisor_client):
    client = enrolled_client(world.office, granted_days=1)
    AttendanceFactory(client=client, day=date(2025, 6, 2))
    response = supervisor_client.post(URL, post_data(TODAY, {client: {"status": "attended"}}))
    assert response.status_code == 422 and response.context["show_override"]
    response = supervisor_client.post(URL, post_data(TODAY, {client: {"status": "attended"}},
                                                     override_reason="面接前の準備のため市と調整済み"))
    assert response.status_code == 302
    assert Attendance.objects.filter(client=client).count() == 2


def test_staff_is_not_offered_the_confirmation(world, today, staff_client):
    client = enrolled_client(world.office, granted_days=1)
    AttendanceFactory(client=client, day=date(2025, 6, 2))
    response = staff_client.post(URL, post_data(TODAY, {client: {"status": "attended"}}, override_reason="x"))
    assert response.status_code == 422 and not response.context["show_override"]
    assert Attendance.objects.filter(client=client).count() == 1


def test_a_closed_month_shows_read_only_and_refuses_a_post(world, today, staff_client):
    client = enrolled_client(world.office)
    billing_month_close(office=world.office, month=date(2025, 5, 1), by=world.manager)
    day = date(2025, 5, 20)
    response = staff_client.get(URL, {"day": day.isoformat()})
    assert response.context["readonly"]
    assert _(services.MSG_MONTH_CLOSED) in response.content.decode()
    radios = re.findall(rf'<input type="radio" name="c{client.pk}-status"[^>]*>', response.content.decode())
    assert radios and all(radio.endswith(" disabled>") for radio in radios)
    response = staff_client.post(URL, post_data(day, {client: {"status": "attended"}}))
    assert response.status_code == 422
    assert not Attendance.objects.exists()


def test_a_future_day_is_read_only(world, today, staff_client):
    enrolled_client(world.office)
    response = staff_client.get(URL, {"day": "2025-06-14"})
    assert response.context["readonly"] and response.context["next_day"] is None


def test_a_bad_date_falls_back_to_today(world, today, staff_client):
    assert staff_client.get(URL, {"day": "2025-02-30"}).context["day"] == TODAY


def test_a_posted_row_of_another_offices_client_is_refused(world, today, staff_client):
    mine, theirs = enrolled_client(world.office), enrolled_client(world.other_office)
    data = post_data(TODAY, {mine: {"status": "attended"}})
    data.update({f"c{theirs.pk}-status": "attended", f"c{theirs.pk}-version": "0"})
    staff_client.post(URL, data)  # only rows of the roster are read
    assert not Attendance.objects.filter(client=theirs).exists()
    assert Attendance.objects.filter(client=mine).exists()


def test_month_view_shows_the_grid_and_counts(world, today, staff_client):
    client = enrolled_client(world.office)
    AttendanceFactory(client=client, day=date(2025, 6, 2))
    AttendanceFactory(client=client, day=date(2025, 6, 3), status=AttendanceStatus.OFFSITE)
    AttendanceFactory(client=client, day=date(2025, 6, 4), status=AttendanceStatus.ABSENT, start_time=None,
                      end_time=None)
    response = staff_client.get(reverse("attendance:month"), {"month": "2025-06"})
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert (row["counts"].attended, row["counts"].offsite, row["counts"].absent, row["granted"]) == (1, 1, 1, 22)
    assert response.context["day_totals"][1:4] == [1, 1, 0]
    assert response.context["next_month"] is None


def test_a_row_missing_from_the_post_is_left_as_it_is(world, today, staff_client):
    # given a row saved earlier, and a client enrolled after the page was loaded (so not in the POST)
    kept, new = enrolled_client(world.office, kana="ア"), enrolled_client(world.office, kana="イ")
    AttendanceFactory(client=kept, day=TODAY)
    # when the day is saved without that row
    staff_client.post(URL, post_data(TODAY, {new: {"status": "attended"}}))
    # then it is still there
    assert Attendance.objects.filter(client=kept, day=TODAY).exists()
    assert Attendance.objects.filter(client=new, day=TODAY).exists()


def test_a_value_a_field_refuses_is_shown_on_its_row_as_label_and_error_and_saves_nothing(world, today, staff_client):
    a, b = enrolled_client(world.office, kana="ア"), enrolled_client(world.office, kana="イ")
    response = staff_client.post(URL, post_data(TODAY, {
        a: {"status": "attended", "start_time": "25:99", "note": "遅刻"},
        b: {"status": "attended", "start_time": "09:00"},
    }))
    assert response.status_code == 422
    assert not Attendance.objects.exists()
    line_a, line_b = response.context["lines"]
    start, message = pgettext("attendance time", "Start"), _("Enter a valid time.")
    assert line_a.entry.field_errors == [(start, message)] and not line_b.entry.has_errors
    page = response.content.decode()
    assert f"{start}: {message}" in page
    assert 'value="25:99"' in page and 'value="遅刻"' in page  # what was typed is shown again

"""Regional cooperation meetings (地域連携会議, attendance.RegionalMeeting): staff of the office record, list by
month, edit and delete them; another office's meeting answers 404; a meeting is not dated after today; a month
billing has closed is read-only (the closed-month rule of attendance: ``attendance_lock_months_closed``)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance.errors import AttendanceError
from attendance.models import ClosedMonth, RegionalMeeting, RegionalMeetingKind
from attendance.services import (
    attendance_month_close,
    regional_meeting_delete,
    regional_meeting_record,
    regional_meeting_update,
)
from compostela.errors import CompostelaError
from tests.conftest import logged_in
from tests.factories import CertificateFactory, ClientFactory, attend
from tests.helpers import codes_of

pytestmark = pytest.mark.usefixtures("clock")  # TODAY is 2025-06-13

MAY = date(2025, 5, 1)
DAY = date(2025, 5, 20)


def a_client(office, **fields):
    client = ClientFactory(office=office, **fields)
    CertificateFactory(client=client)
    return client


def record(world, client, day=DAY, kind=RegionalMeetingKind.I, by=None):
    return regional_meeting_record(office=world.office, client=client, day=day, kind=kind,
                                   participants="相談支援事業所ぽっけ 山田、本人", by=by or world.staff)


# --- the services -------------------------------------------------------------------------------------------
def test_a_meeting_is_recorded_with_who_recorded_it(world):
    meeting = record(world, a_client(world.office))
    assert (meeting.office, meeting.day, meeting.kind, meeting.recorded_by) == (
        world.office, DAY, RegionalMeetingKind.I, world.staff)


def test_a_client_of_another_office_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        record(world, a_client(world.other_office))
    assert codes_of(refused.value) == {AttendanceError.UNKNOWN_CLIENT}
    assert not RegionalMeeting.objects.exists()


def test_a_meeting_after_today_is_refused_today_is_accepted(world, today):
    client = a_client(world.office)
    with pytest.raises(ValidationError) as refused:
        record(world, client, day=today + timedelta(days=1))
    assert codes_of(refused.value) == {CompostelaError.FUTURE_DATE}
    assert record(world, client, day=today).day == today


def test_one_meeting_of_a_kind_a_client_and_day(world):
    client = a_client(world.office)
    record(world, client)
    record(world, client, kind=RegionalMeetingKind.II)  # the other kind the same day: another occurrence
    with pytest.raises(ValidationError) as refused:
        record(world, client)
    assert codes_of(refused.value) == {AttendanceError.MEETING_ONCE_A_DAY}


def test_a_closed_month_refuses_adding_changing_and_deleting(world):
    client = a_client(world.office)
    meeting = record(world, client)
    moved = record(world, client, day=date(2025, 6, 2))
    attendance_month_close(office=world.office, month=MAY, by=world.manager)
    refusals = [
        lambda: record(world, client, day=date(2025, 5, 21)),
        lambda: regional_meeting_update(meeting=meeting, note="追記", by=world.staff),
        lambda: regional_meeting_delete(meeting=meeting, by=world.staff),
        # moving a meeting of an open month into the closed one changes the closed month too
        lambda: regional_meeting_update(meeting=moved, day=date(2025, 5, 30), by=world.staff),
    ]
    for refused_write in refusals:
        with pytest.raises(ValidationError) as refused:
            refused_write()
        assert codes_of(refused.value) == {AttendanceError.MONTH_CLOSED}
        assert "day" in refused.value.message_dict
    assert RegionalMeeting.objects.count() == 2
    assert RegionalMeeting.objects.get(pk=moved.pk).day == date(2025, 6, 2)


def test_an_open_month_may_be_edited_and_deleted(world):
    meeting = record(world, a_client(world.office))
    regional_meeting_update(meeting=meeting, kind=RegionalMeetingKind.II, participants="病院 MSW", by=world.staff)
    meeting.refresh_from_db()
    assert (meeting.kind, meeting.participants) == (RegionalMeetingKind.II, "病院 MSW")
    regional_meeting_delete(meeting=meeting, by=world.staff)
    assert not RegionalMeeting.objects.exists()


# --- the screens --------------------------------------------------------------------------------------------
def test_staff_record_a_meeting_on_the_screen(world):
    client = a_client(world.office)
    url = reverse("attendance:meeting_create") + f"?client={client.pk}&day=2025-05-20"
    http = logged_in(world.staff)
    assert http.get(url).status_code == 200
    response = http.post(url, {"client": client.pk, "day": "2025-05-20", "kind": "i",
                               "participants": "相談支援事業所ぽっけ", "note": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("attendance:meetings") + f"?month=2025-05&client={client.pk}"
    assert RegionalMeeting.objects.get().recorded_by == world.staff


def test_the_form_shows_refusals_on_their_fields_and_keeps_the_input(world):
    client = a_client(world.office)
    record(world, client)
    http = logged_in(world.staff)
    response = http.post(reverse("attendance:meeting_create"), {
        "client": client.pk, "day": "2025-05-20", "kind": "i", "participants": "再入力の出席者"})
    assert response.status_code == 422
    assert "kind" in response.context["form"].errors
    assert "再入力の出席者" in response.content.decode()
    other = a_client(world.other_office)
    response = http.post(reverse("attendance:meeting_create"), {
        "client": other.pk, "day": "2025-05-20", "kind": "i", "participants": "出席者"})
    assert response.status_code == 422 and "client" in response.context["form"].errors
    assert RegionalMeeting.objects.count() == 1


def test_the_month_list_shows_the_office_meetings_of_the_month_only(world):
    ours = a_client(world.office, family_name="札幌", given_name="一郎")
    record(world, ours)
    record(world, ours, day=date(2025, 6, 2), kind=RegionalMeetingKind.II)
    theirs = a_client(world.other_office, family_name="函館", given_name="次郎")
    RegionalMeeting.objects.create(office=world.other_office, client=theirs, day=DAY, kind="i",
                                   participants="よその会議", recorded_by=world.outsider)
    body = logged_in(world.staff).get(reverse("attendance:meetings") + "?month=2025-05").content.decode()
    assert "札幌 一郎" in body and "2025-05-20" in body
    assert "2025-06-02" not in body and "函館" not in body and "よその会議" not in body


def test_another_office_meeting_answers_404_to_edit_and_delete(world):
    meeting = record(world, a_client(world.office))
    outsider = logged_in(world.outsider)
    for name in ("attendance:meeting_edit", "attendance:meeting_delete"):
        assert outsider.get(reverse(name, args=[meeting.pk])).status_code == 404
        assert outsider.post(reverse(name, args=[meeting.pk]), {"participants": "x"}).status_code == 404
    assert RegionalMeeting.objects.get().participants.startswith("相談支援事業所")


def test_edit_and_delete_on_the_screen(world):
    meeting = record(world, a_client(world.office))
    http = logged_in(world.staff)
    response = http.post(reverse("attendance:meeting_edit", args=[meeting.pk]), {
        "day": "2025-05-21", "kind": "ii", "participants": "病院 MSW", "note": "計画を見直し"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.day, meeting.kind, meeting.note) == (date(2025, 5, 21), "ii", "計画を見直し")
    assert http.get(reverse("attendance:meeting_delete", args=[meeting.pk])).status_code == 200
    assert http.post(reverse("attendance:meeting_delete", args=[meeting.pk])).status_code == 302
    assert not RegionalMeeting.objects.exists()


def test_a_closed_month_is_read_only_on_the_screens(world):
    meeting = record(world, a_client(world.office))
    ClosedMonth.objects.create(office=world.office, month=MAY)
    http = logged_in(world.staff)
    page = http.get(reverse("attendance:meetings") + "?month=2025-05").content.decode()
    assert "2025-05" in page and reverse("attendance:meeting_edit", args=[meeting.pk]) not in page
    response = http.post(reverse("attendance:meeting_edit", args=[meeting.pk]), {
        "day": "2025-05-20", "kind": "i", "participants": "変更", "note": ""})
    assert response.status_code == 422 and "day" in response.context["form"].errors
    response = http.post(reverse("attendance:meeting_delete", args=[meeting.pk]))
    assert response.status_code == 422
    assert RegionalMeeting.objects.get().participants.startswith("相談支援事業所")


def test_the_month_grid_the_roster_and_the_client_page_link_to_the_meetings(world):
    client = a_client(world.office)
    attend(client, [DAY])
    record(world, client)
    http = logged_in(world.staff)
    meetings = reverse("attendance:meetings")
    grid = http.get(reverse("attendance:month") + "?month=2025-05").content.decode()
    assert f"{meetings}?month=2025-05&amp;client={client.pk}" in grid
    assert f"{meetings}?month=2025-05" in http.get(reverse("attendance:day") + "?day=2025-05-20").content.decode()
    page = http.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert f"{meetings}?month=2025-06&amp;client={client.pk}" in page

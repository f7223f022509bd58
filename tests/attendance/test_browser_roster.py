"""Rule: a member marks a day with the keyboard only in a real browser (Chromium), saves, reloads and sees
the same marks; the roster also fits a tablet."""

from datetime import date, time, timedelta
from pathlib import Path

import pytest

from attendance.models import Attendance, AttendanceStatus
from compostela.models import Role
from tests.browser_support import watch_console
from tests.factories import (
    TEST_PASSWORD,
    AttendanceFactory,
    MembershipFactory,
    OfficeFactory,
    UserFactory,
    enrolled_client,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].primary")


def checked_statuses(page) -> list[str]:
    return page.eval_on_selector_all(
        "tr[data-row]", "rows => rows.map(r => (r.querySelector('input[type=radio]:checked') || {}).value || '')")


def test_mark_a_day_with_the_keyboard_save_reload_and_see_the_same_marks(live_server, page, today):
    # given an office with four enrolled clients and a staff member
    office = OfficeFactory(name="就労移行支援事業所コンポステラ", number="0110000001")
    user = UserFactory(username="es1")
    MembershipFactory(user=user, office=office, role=Role.STAFF)
    period = (today - timedelta(days=400), today + timedelta(days=400))
    names = [("阿部", "アベ"), ("加藤", "カトウ"), ("佐々木", "ササキ"), ("田中", "タナカ"), ("渡辺", "ワタナベ")]
    clients = [enrolled_client(office, family_name=name, kana=kana, enrolled_on=period[0], period=period,
                               usual_start=time(9, 30), usual_end=time(15, 0)) for name, kana in names]
    AttendanceFactory(client=clients[0], day=today - timedelta(days=1), updated_by=user)
    log_in(page, live_server, "es1")
    page.goto(f"{live_server.url}/attendance/")
    # when marking each row with one key: attended, off-site, absent, absent with support (+ note), none
    page.focus("tr[data-row] input[type=radio]")
    page.keyboard.press("1")
    page.keyboard.press("2")
    page.keyboard.press("3")
    page.keyboard.press("4")
    assert page.evaluate("document.activeElement.name").endswith("-note")
    page.keyboard.type("電話で体調を確認")
    page.keyboard.press("ArrowDown")  # to the last row's note …
    page.keyboard.press("ArrowUp")  # … and back
    assert checked_statuses(page) == ["attended", "offsite", "absent", "absent_supported", ""]
    # the absent rows have no times; the attended ones took the usual times
    assert page.is_disabled(f"#id_c{clients[2].pk}-start_time")
    assert page.input_value(f"#id_c{clients[1].pk}-start_time") == "09:30"
    page.check(f"#id_c{clients[0].pk}-meal")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "attendance-roster-entered.png"), full_page=True)
    # and saving with Ctrl+S
    with page.expect_navigation():
        page.keyboard.press("Control+s")
    assert page.locator(".messages li.success").is_visible()
    # then, after a reload, the same marks are there
    page.reload()
    assert checked_statuses(page) == ["attended", "offsite", "absent", "absent_supported", ""]
    assert page.input_value(f"#id_c{clients[3].pk}-note") == "電話で体調を確認"
    assert page.is_checked(f"#id_c{clients[0].pk}-meal")
    stored = dict(Attendance.objects.filter(day=today).values_list("client_id", "status"))
    assert stored == {clients[0].pk: AttendanceStatus.ATTENDED, clients[1].pk: AttendanceStatus.OFFSITE,
                      clients[2].pk: AttendanceStatus.ABSENT, clients[3].pk: AttendanceStatus.ABSENT_SUPPORTED}
    page.screenshot(path=str(ARTIFACTS / "attendance-roster.png"), full_page=True)
    # the month view shows the day
    page.goto(f"{live_server.url}/attendance/month/")
    assert page.locator("table.month-grid tbody tr").count() == 5
    page.screenshot(path=str(ARTIFACTS / "attendance-month.png"), full_page=True)


def test_mark_all_as_attended_then_change_the_exceptions_on_a_tablet(live_server, browser, today):
    office = OfficeFactory(name="就労移行支援事業所コンポステラ", number="0110000001")
    user = UserFactory(username="sv")
    MembershipFactory(user=user, office=office, role=Role.SUPERVISOR)
    period = (date(2020, 1, 1), today + timedelta(days=400))
    clients = [enrolled_client(office, kana=f"テスト{n}", enrolled_on=period[0], period=period) for n in range(6)]
    context = browser.new_context(viewport={"width": 820, "height": 1180}, locale="ja-JP", has_touch=True)
    page = context.new_page()
    console_errors = watch_console(page)
    try:
        log_in(page, live_server, "sv")
        page.goto(f"{live_server.url}/attendance/")
        page.click("[data-action=mark-all]")
        page.click(f"label.st-absent:has(#id_c{clients[1].pk}-status_3)")
        assert checked_statuses(page) == ["attended", "absent", "attended", "attended", "attended", "attended"]
        # a tablet shows each client as a card without horizontal scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 820
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "attendance-roster-tablet.png"), full_page=True)
        with page.expect_navigation():
            page.click("button[name=save] >> nth=0")
        assert Attendance.objects.filter(day=today, status=AttendanceStatus.ATTENDED).count() == 5
    finally:
        context.close()
    assert not console_errors, console_errors

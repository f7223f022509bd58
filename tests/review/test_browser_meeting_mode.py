"""Rule: in a real browser (Chromium) the team goes through the board with the keyboard, opens a person's
details in place, writes a case-review note and marks rows reviewed without leaving the screen; the note
is on the client page.  Screenshots for the big display (1920×1080) and a laptop (1280×800)."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clients.models import CaseNote, ClientStatus
from compostela.models import Role
from review.models import CaseReviewMark
from tests.browser_support import watch_console
from tests.factories import (
    TEST_PASSWORD,
    CaseNoteFactory,
    FollowUpFactory,
    MembershipFactory,
    OfficeFactory,
    UserFactory,
)
from tests.review.helpers import client_in_service, employed_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].primary")


def build_office(today):
    office = OfficeFactory(name="就労移行支援事業所コンポステラ", number="0110000001")
    supervisor = UserFactory(username="supervisor")
    es = UserFactory(username="es1")
    MembershipFactory(user=supervisor, office=office, role=Role.SUPERVISOR)
    MembershipFactory(user=es, office=office, role=Role.STAFF)
    names = [("阿部", "アベ"), ("加藤", "カトウ"), ("佐々木", "ササキ"), ("田中", "タナカ")]
    clients = []
    for i, (name, kana) in enumerate(names):
        client = client_in_service(office, day=today, family_name=name, family_name_kana=kana,
                                   enrolled_on=today - timedelta(days=20 + 15 * i), specialist=es)
        if i % 2:
            CaseNoteFactory(client=client, day=today - timedelta(days=2), author=es)
        clients.append(client)
    client_in_service(office, day=today, family_name="渡辺", family_name_kana="ワタナベ",
                      status=ClientStatus.VISITOR, certificate=False, specialist=supervisor)
    hire = employed_person(office, start=today - timedelta(days=160), by=es, family_name="山本",
                           family_name_kana="ヤマモト", specialist=es)
    FollowUpFactory(hire=hire, day=today - timedelta(days=3), staff=es)
    employed_person(office, start=today - timedelta(days=9), by=es, family_name="吉田", family_name_kana="ヨシダ",
                    specialist=supervisor)
    return clients


def test_meeting_mode_with_the_keyboard_writes_a_note_seen_on_the_client_page(live_server, browser, today):
    clients = build_office(today)
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="ja-JP")
    page = context.new_page()
    console_errors = watch_console(page)
    log_in(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/review/?display=on")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-board-display-1920.png"))
    remaining = page.locator("[data-remaining]")
    assert remaining.inner_text() == "7"
    # when: meeting mode, j to the second row, Enter opens the details in place
    page.click("[data-meeting-start]")
    page.keyboard.press("j")
    second = page.locator("[data-row]").nth(1)
    expect(second).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("Enter")
    second.locator("[data-panel]").wait_for()
    # n focuses the note; write it and save with Ctrl+Enter
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.hasAttribute('data-note')")
    page.keyboard.type("来週、ハローワークに同行する")
    page.keyboard.press("Control+Enter")
    second.locator(".saved").wait_for()
    # then: the row is reviewed and one fewer remains, without leaving the screen
    # (expect waits for htmx to finish swapping and settling the row)
    expect(second.locator("[data-summary]")).to_have_class(re.compile(r"\bis-reviewed\b"))
    expect(remaining).to_have_text("6")
    page.screenshot(path=str(ARTIFACTS / "review-board-meeting-1920.png"))
    # k goes back up, r marks the first row reviewed
    page.keyboard.press("Escape")
    page.keyboard.press("k")
    page.keyboard.press("r")
    page.locator("[data-row]").nth(0).locator(".is-reviewed").wait_for()
    expect(remaining).to_have_text("5")
    assert CaseReviewMark.objects.count() == 2
    note = CaseNote.objects.get(text="来週、ハローワークに同行する")
    assert note.kind == "case_meeting"
    # the note is on the client page
    page.goto(f"{live_server.url}/clients/{note.client_id}/")
    assert page.locator("text=来週、ハローワークに同行する").is_visible()
    assert note.client_id in {c.pk for c in clients}
    context.close()
    assert not console_errors, console_errors


def test_the_board_on_a_laptop(live_server, page, today):
    build_office(today)
    log_in(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/review/")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.locator("[data-panel]").first.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-board-laptop-1280.png"), full_page=True)
    page.goto(f"{live_server.url}/review/?order=urgency&flagged=on")
    page.screenshot(path=str(ARTIFACTS / "review-board-urgency-1280.png"), full_page=True)
    assert page.locator("[data-row]").count() >= 1

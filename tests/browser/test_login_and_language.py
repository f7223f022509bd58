"""Rule: a member logs in in a real browser, switches the language and sees the navigation."""

from pathlib import Path

import pytest

from compostela.models import Role
from tests.factories import TEST_PASSWORD, MembershipFactory, OfficeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_log_in_switch_language_and_see_navigation(live_server, page):
    # given
    office = OfficeFactory(name="就労移行支援事業所コンポステラ", number="0110000001")
    user = UserFactory(username="sv")
    MembershipFactory(user=user, office=office, role=Role.MANAGER)
    # when logging in (Japanese by default)
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.fill("#id_username", "sv")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    # then the navigation is there, in Japanese
    nav = page.locator("nav.mainnav")
    for label in ["通所", "ケースレビュー", "利用者", "就職・定着", "請求"]:
        assert nav.get_by_text(label).is_visible()
    # when switching to English
    page.click("button[name=language][value=en]")
    # then the same navigation reads in English
    for label in ["Attendance", "Case review", "Clients", "Placements", "Billing"]:
        assert nav.get_by_text(label).is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-en.png"), full_page=True)
    user.refresh_from_db()
    assert user.language == "en"

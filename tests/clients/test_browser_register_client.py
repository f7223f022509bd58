"""Rule: a staff member registers a client in a real browser, fills the IPS career profile and sees both on the
client page (in Japanese)."""

from pathlib import Path

import pytest

from clients.models import Client
from compostela.models import Role
from tests.factories import TEST_PASSWORD, MembershipFactory, OfficeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_register_a_client_fill_the_profile_and_see_it_on_the_client_page(live_server, page):
    # given a staff member of the office
    office = OfficeFactory(name="就労移行支援事業所コンポステラ", number="0110000001")
    user = UserFactory(username="es1", last_name="高橋", first_name="翔")
    MembershipFactory(user=user, office=office, role=Role.STAFF)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "es1")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    # when registering a client from the list
    page.goto(f"{live_server.url}/clients/")
    page.get_by_role("link", name="利用者を登録").click()
    page.fill("#id_family_name", "北野")
    page.fill("#id_given_name", "春香")
    page.fill("#id_family_name_kana", "きたの")
    page.fill("#id_given_name_kana", "はるか")
    page.fill("#id_birth_date", "1994-07-15")
    page.select_option("#id_referral_source", "hospital")
    page.select_option("#id_specialist", label=str(user))
    page.select_option("#id_status", "enrolled")
    page.fill("#id_first_visit_on", "2025-04-01")
    page.fill("#id_enrolled_on", "2025-04-14")
    page.click("button[type=submit].primary")
    # then the client page shows the client, enrolled
    page.wait_for_selector("h1:has-text('北野 春香')")
    assert "利用者を登録しました" in page.content()
    assert page.locator(".status-enrolled").inner_text() == "利用中"
    # when filling the career profile
    page.get_by_role("link", name="キャリアプロフィールを編集").click()
    page.fill("#id_own_words", "人と話す仕事で、週4日から働きたい。")
    page.fill("#id_dream_job", "カフェの店長")
    page.fill("#id_next_job", "カフェのホール")
    page.check("input[name=job_fields][value=customer]")
    page.fill("#id_hours_per_week", "20")
    page.select_option("#id_recruitment_type", "open")
    page.fill("#id_strengths", "笑顔で接客できる")
    page.fill("#id_jobs-0-employer", "すすきの食堂")
    page.fill("#id_jobs-0-job_title", "ホールスタッフ")
    page.click("button[type=submit].primary")
    # then the client page shows the profile in the client's words
    page.wait_for_selector("#profile .own-words")
    profile = page.locator("#profile").inner_text()
    expected = ["人と話す仕事で、週4日から働きたい。", "カフェの店長", "接客",
                "一般・オープン", "週20時間", "すすきの食堂"]
    for text in expected:
        assert text in profile
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "client-page-ja.png"), full_page=True)
    client = Client.objects.get()
    assert client.family_name_kana == "キタノ"
    assert client.profile_changes.count() == 1

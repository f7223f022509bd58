"""Rules: Japanese is the default language; English is chosen per user and remembered."""

from django.urls import reverse
from django.utils import translation

from compostela.templatetags.compostela import yen


def test_pages_are_in_japanese_by_default(world, staff_client):
    html = staff_client.get(reverse("home")).content.decode()
    assert "通所" in html and "利用者" in html and "ケースレビュー" in html


def test_login_page_is_in_japanese_for_anonymous_visitors(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "ログイン" in html


def test_choosing_english_is_saved_on_the_user(world, staff_client):
    response = staff_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    world.staff.refresh_from_db()
    assert world.staff.language == "en"
    html = staff_client.get(reverse("home")).content.decode()
    assert "Attendance" in html and "Case review" in html


def test_unknown_language_is_refused_and_nothing_changes(world, staff_client):
    response = staff_client.post(reverse("set_language"), {"language": "xx"})
    assert response.status_code == 400
    world.staff.refresh_from_db()
    assert world.staff.language == "ja"


def test_language_redirect_never_leaves_the_site(world, staff_client):
    response = staff_client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_yen_is_formatted_for_the_language():
    with translation.override("ja"):
        assert yen(1234567) == "1,234,567円"
    with translation.override("en"):
        assert yen(1234567) == "¥1,234,567"

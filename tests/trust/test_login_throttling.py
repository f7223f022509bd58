"""Rule: after LOGIN_FAILURE_LIMIT failed logins in a row, the login is refused (even with the right
password) with a message in the user's language; a success before that resets the count."""

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def attempt(http: HttpClient, username: str, password: str, **headers):
    return http.post(reverse("login"), {"username": username, "password": password}, **headers)


def test_the_limit_is_five_failures_by_default():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_a_username_is_locked_after_the_failure_limit_even_with_the_right_password():
    # given
    UserFactory(username="es1")
    http = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(http, "es1", "wrong-password").status_code == 200  # the form again, with an error
    # when the limit is reached
    locked = attempt(http, "es1", "wrong-password")
    # then
    assert locked.status_code == 429
    assert "ログインに続けて5回失敗したため" in locked.content.decode()
    # and even the right password is refused now, and nobody is logged in
    again = attempt(http, "es1", TEST_PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in http.session


def test_the_lockout_message_is_in_english_for_an_english_browser():
    UserFactory(username="es2")
    http = HttpClient(headers={"accept-language": "en"})
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(http, "es2", "wrong-password")
    assert response.status_code == 429
    assert "The login was refused after 5 failed attempts" in response.content.decode()


def test_a_success_before_the_limit_resets_the_count():
    UserFactory(username="es3")
    http = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(http, "es3", "wrong-password")
    assert attempt(http, "es3", TEST_PASSWORD).status_code == 302  # logged in
    http.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(http, "es3", "wrong-password").status_code == 200
    assert attempt(http, "es3", TEST_PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too():
    UserFactory(username="boss", is_superuser=True, is_staff=True)
    http = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = http.post(reverse("admin:login"), {"username": "boss", "password": "nope"})
    assert response.status_code == 429


def test_the_client_address_behind_a_trusted_proxy_is_the_one_the_proxy_saw(settings, rf):
    from compostela.security import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # not the spoofable left-most entry

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


def test_one_users_lockout_does_not_lock_a_colleague_behind_the_same_address():
    """Rule: the lock is by username and address together — five bad passwords for es2 from the office's
    router must not refuse es1's correct password from that router."""
    UserFactory(username="es1")
    UserFactory(username="es2")
    http = HttpClient()
    office_router = {"REMOTE_ADDR": "203.0.113.7"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = attempt(http, "es2", "wrong-password", **office_router)
    assert locked.status_code == 429
    assert attempt(HttpClient(), "es1", TEST_PASSWORD, **office_router).status_code == 302
    # es2 from another address is not locked either
    assert attempt(HttpClient(), "es2", TEST_PASSWORD, REMOTE_ADDR="198.51.100.4").status_code == 302


def test_an_address_is_locked_at_its_own_higher_limit_over_all_usernames(settings):
    """Rule: LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, spread over usernames, lock the address."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    UserFactory(username="cm")
    guesser = {"REMOTE_ADDR": "192.0.2.66"}
    for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        assert attempt(HttpClient(), f"guess{number}", "wrong-password", **guesser).status_code == 200
    assert attempt(HttpClient(), "guess-last", "wrong-password", **guesser).status_code == 429
    # now even a real user's right password is refused from that address, but not from another
    assert attempt(HttpClient(), "cm", TEST_PASSWORD, **guesser).status_code == 429
    assert attempt(HttpClient(), "cm", TEST_PASSWORD, REMOTE_ADDR="192.0.2.67").status_code == 302

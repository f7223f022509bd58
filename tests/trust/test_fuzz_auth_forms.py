"""Rule: the login form, the password-change form and the language switch answer anything without a
server error, and change nothing unless the input was valid."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import given

from tests.conftest import logged_in
from tests.factories import TEST_PASSWORD
from tests.trust.fuzz import assert_refused_cleanly, form_data, fuzz_settings

pytestmark = pytest.mark.django_db


@fuzz_settings
@given(data=form_data(["username", "password", "next"]))
def test_fuzzed_login_never_errs_and_never_logs_in(world, data):
    http = HttpClient()
    response = http.post(reverse("login"), data)
    assert_refused_cleanly(response, frozenset({200, 400, 429}))
    assert "_auth_user_id" not in http.session
    world.staff.refresh_from_db()
    assert world.staff.last_login is None


@fuzz_settings
@given(data=form_data(["old_password", "new_password1", "new_password2"]))
def test_fuzzed_password_change_never_errs_and_keeps_the_password(world, data):
    http = logged_in(world.staff)
    response = http.post(reverse("password_change"), data)
    assert_refused_cleanly(response, frozenset({200, 400}))
    world.staff.refresh_from_db()
    assert world.staff.check_password(TEST_PASSWORD)


@fuzz_settings
@given(data=form_data(["language", "next"]))
def test_fuzzed_language_switch_never_errs_and_sets_only_a_known_language(world, data):
    world.staff.language = "ja"
    world.staff.save(update_fields=["language"])
    http = logged_in(world.staff)
    response = http.post(reverse("set_language"), data)
    assert_refused_cleanly(response, frozenset({302, 400}))
    world.staff.refresh_from_db()
    sent = data.get("language")
    sent = sent[-1] if isinstance(sent, list) else sent  # a repeated field: the last value counts
    expected = sent if response.status_code == 302 and sent in ("ja", "en") else "ja"
    assert world.staff.language == expected
    if response.status_code == 302:
        location = response["Location"]
        local = location.startswith("/") and not location.startswith(("//", "/\\"))
        assert local or location.startswith("http://testserver/"), f"open redirect to {location!r}"

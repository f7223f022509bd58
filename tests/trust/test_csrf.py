"""Rule: every form posts a CSRF token, and a POST without one is refused (403) and changes nothing."""

import re
from pathlib import Path

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.access_table import ACCESS
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
POST_URLS = sorted([name for name, access in ACCESS.items() if access.method == "post"] + ["password_change"])


def csrf_enforcing_client(user) -> HttpClient:
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(user)
    return http


@pytest.mark.parametrize("url_name", POST_URLS)
def test_a_post_without_csrf_token_is_refused_for_a_logged_in_user(world, url_name):
    # given
    access = ACCESS.get(url_name)
    data = access.data(world) if access else {}
    url = reverse(url_name, kwargs=access.kwargs(world) if access else {})
    http = csrf_enforcing_client(world.manager)
    # when
    response = http.post(url, data)
    # then
    assert response.status_code == 403, f"{url_name} accepted a POST without a CSRF token"
    world.manager.refresh_from_db()
    assert world.manager.language == "ja"
    assert "_auth_user_id" in http.session  # not logged out


def test_a_password_change_without_csrf_token_keeps_the_password(world):
    http = csrf_enforcing_client(world.staff)
    http.post(reverse("password_change"), {"old_password": TEST_PASSWORD, "new_password1": "Kuroshio-tide-7-x",
                                           "new_password2": "Kuroshio-tide-7-x"})
    world.staff.refresh_from_db()
    assert world.staff.check_password(TEST_PASSWORD)


def test_the_login_form_without_csrf_token_is_refused(world):
    http = HttpClient(enforce_csrf_checks=True)
    response = http.post(reverse("login"), {"username": world.staff.username, "password": TEST_PASSWORD})
    assert response.status_code == 403


def test_every_post_form_in_the_templates_has_a_csrf_token():
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for form in re.findall(r"<form\b[^>]*>.*?</form>", text, flags=re.S | re.I):
            opening = form.split(">", 1)[0]
            token = "{{ csrf_input }}" if path.relative_to(TEMPLATES).parts[0] == "jinja2" else "{% csrf_token %}"
            if re.search(r"method=[\"']?post", opening, flags=re.I) and token not in form:
                missing.append(f"{path.relative_to(TEMPLATES)}: {opening[:80]}")
    assert not missing, f"POST forms without {{% csrf_token %}} (Jinja2: {{{{ csrf_input }}}}): {missing}"

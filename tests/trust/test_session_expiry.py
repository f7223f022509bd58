"""Rule: a session ends after SESSION_IDLE_MINUTES (default 30) without a request; each request
pushes the end back."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_idle_timeout_is_thirty_minutes_by_default():
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_each_request_pushes_the_end_of_the_session_back(world):
    http = logged_in(world.staff)
    http.get(reverse("home"))
    session = Session.objects.get(session_key=http.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_a_session_idle_for_longer_than_the_timeout_is_logged_out(world):
    # given a member whose last request was 31 minutes ago
    http = logged_in(world.staff)
    assert http.get(reverse("home")).status_code == 200
    Session.objects.filter(session_key=http.session.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    # when
    response = http.get(reverse("home"))
    # then
    assert response.status_code == 302
    assert reverse("login") in response["Location"]

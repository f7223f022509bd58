"""Attendance fixtures: a fixed "today" and the browser fixtures for the roster's browser test."""

from datetime import date

import pytest

from tests.browser.conftest import browser, page  # noqa: F401

TODAY = date(2025, 6, 13)  # a Friday


@pytest.fixture
def today(monkeypatch):
    """Pin ``timezone.localdate()`` to ``TODAY`` in the service and the views."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY

"""Attendance fixtures: a fixed "today".  (The browser fixtures ``browser`` and ``page`` come from
tests/browser_support.py, registered for every directory by tests/conftest.py.)"""

from datetime import date

import pytest

TODAY = date(2025, 6, 13)  # a Friday


@pytest.fixture
def today(monkeypatch):
    """Pin ``timezone.localdate()`` to ``TODAY`` in the service and the views."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY

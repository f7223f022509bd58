# The browser fixtures (``browser``, ``page``) live in tests/browser_fixtures.py and are loaded by tests/conftest.py,
# so that browser tests of every app share one session-wide Chromium (two would clash under Playwright's sync API).

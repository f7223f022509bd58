"""Headless Chromium (Debian's) through Playwright's Python client — the one definition of the browser
fixtures, registered for the whole suite in ``tests/conftest.py``.

Playwright cannot download browsers here, so the Debian binary is used.  Under CI=true a missing
browser fails the run instead of skipping it.  Every page is opened by ``watched_page``: a test whose page
logs an error in the browser console (a script error, a style the CSP blocked, a failed request) fails.
"""

import os
import shutil
from contextlib import contextmanager

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test are fine.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def watch_console(page) -> list[str]:
    """The errors the page's console reports from now on (script errors, CSP refusals, failed loads)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"console: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


@contextmanager
def watched_page(browser, **context_options):
    """A page in a new browser context; on leaving, fails if the console reported any error."""
    options = {"viewport": {"width": 1280, "height": 800}, "locale": "ja-JP", **context_options}
    context = browser.new_context(**options)
    page = context.new_page()
    errors = watch_console(page)
    try:
        yield page
    finally:
        context.close()
    assert not errors, "the browser console reported errors:\n" + "\n".join(errors)


@pytest.fixture
def page(browser):
    with watched_page(browser) as page:
        yield page

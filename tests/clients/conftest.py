# The headless-browser fixtures live with the browser tests; the clients browser test uses them too.
from tests.browser.conftest import browser, page  # noqa: F401

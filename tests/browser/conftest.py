# The browser fixtures (browser, page) are defined once, in tests/browser_support.py, and registered for
# every test directory by tests/conftest.py.

"""Rule: every URL of the project has a declared answer for every kind of visitor, and gives it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_table import ACCESS
from tests.conftest import logged_in
from tests.trust.helpers import database_state, state_difference

REFUSED = {400, 403, 404, 405}
# GET pages that write by design: exports of health data and of claims record who exported what.
WRITES_ON_GET = {"clients:export", "billing:month_export", "billing:followup_export", "billing:month_summary_pdf",
                 "billing:document_download", "billing:papers_pdf"}


def all_url_names(resolver=None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if inner == "admin:":
                names.add("admin:index")  # the admin site is declared as a whole
                continue
            names |= all_url_names(entry, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL pattern {entry.pattern} has no name, so it cannot be declared"
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_pattern_is_declared_in_the_access_table():
    undeclared = all_url_names() - set(ACCESS)
    assert not undeclared, f"URLs without an access declaration in tests/access_table.py: {sorted(undeclared)}"


def test_the_access_table_declares_no_url_that_does_not_exist():
    assert not set(ACCESS) - all_url_names()


PERSONAS = ["anon", "other", "staff", "supervisor", "manager"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_url_answers_as_declared(url_name, persona, world, client):
    # given
    access = ACCESS[url_name]
    http = client
    if persona == "other":
        http = logged_in(world.outsider)
    elif persona != "anon":
        http = logged_in(getattr(world, persona))
    url = reverse(url_name, kwargs=access.kwargs(world))
    data = access.data(world)
    before = database_state()
    # when
    response = getattr(http, access.method)(url, data)
    # then
    expected = getattr(access, persona)
    assert response.status_code == expected, f"{persona} on {url_name}: {response.status_code} != {expected}"
    if persona == "anon" and expected == 302 and not access.public:
        assert "login" in response["Location"], f"anonymous {url_name} must be sent to a login page"
    # rule: nothing a signed-in user receives stays in a shared PC's browser cache (pages, exports, PDFs)
    if persona != "anon":
        assert "no-store" in response.get("Cache-Control", ""), f"{url_name} for {persona}: no Cache-Control: no-store"
    # a refusal changes nothing at all; a page that is only read records nothing in the audit trail
    after = database_state()
    if expected in REFUSED or persona == "anon":
        assert state_difference(before, after) == {}, f"refused {persona} on {url_name} wrote"
    elif access.method == "get" and url_name not in WRITES_ON_GET:
        assert after["audit events"] == before["audit events"], f"GET {url_name} wrote audited rows"
    # the other office's 404 is about the office, not a missing object: the right office gets it
    if persona == "other" and expected == 404:
        assert logged_in(world.manager).get(url).status_code != 404, f"{url_name}: the object does not exist"

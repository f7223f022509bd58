"""Rule: a write that is refused (redirect to the login page, 403, 404, 400, 405) changes nothing.

For every URL that accepts a form, ``tests/access_table.py`` holds data that the lowest allowed role may
POST; the first test proves that data really writes (so the refusals below are not refusals of bad data),
the second POSTs the same data as every visitor the table refuses and compares the whole database before
and after (row counts of every table, and the number of audit events: any change of a tracked row appends one).
"""

import pytest
from django.urls import reverse

from tests.access_table import ACCESS, VALID_POSTS
from tests.conftest import logged_in
from tests.trust.helpers import database_state, state_difference

pytestmark = pytest.mark.usefixtures("clock")  # VALID_POSTS are dated around the clock's TODAY

REFUSED = {400, 403, 404, 405}
ROLES = ["staff", "supervisor", "manager"]
PERSONAS = ["anon", "other", *ROLES]


def _http(world, client, persona):
    if persona == "anon":
        return client
    return logged_in(world.outsider if persona == "other" else getattr(world, persona))


def _is_refusal(access, persona) -> bool:
    code = getattr(access, persona)
    return code in REFUSED or (persona == "anon" and code == 302 and not access.public)


def _post_data(url_name, world) -> dict:
    access = ACCESS[url_name]
    return VALID_POSTS[url_name](world) if url_name in VALID_POSTS else access.data(world)


POST_URLS = sorted(set(VALID_POSTS) | {name for name, access in ACCESS.items() if access.method == "post"})
REFUSED_CASES = [(name, persona) for name in POST_URLS for persona in PERSONAS if _is_refusal(ACCESS[name], persona)]


def test_every_url_with_a_form_has_valid_post_data():
    assert set(VALID_POSTS) <= set(ACCESS)
    assert len(POST_URLS) >= 30


@pytest.mark.parametrize("url_name", sorted(VALID_POSTS))
def test_the_valid_post_data_writes_when_an_allowed_role_sends_it(url_name, world, client):
    # given the lowest role the table lets in
    access = ACCESS[url_name]
    role = next(r for r in ROLES if getattr(access, r) == 200)
    url = reverse(url_name, kwargs=access.kwargs(world))
    data = _post_data(url_name, world)
    before = database_state()
    # when
    response = logged_in(getattr(world, role)).post(url, data)
    # then it was accepted (a redirect after the write) and something was recorded
    assert response.status_code == 302, (url_name, response.status_code,
                                         response.context and [f.errors for f in [response.context.get("form")] if f])
    assert database_state()["audit events"] > before["audit events"], f"{url_name}: nothing written"


@pytest.mark.parametrize(("url_name", "persona"), REFUSED_CASES)
def test_a_refused_post_changes_nothing(url_name, persona, world, client):
    # given
    access = ACCESS[url_name]
    url = reverse(url_name, kwargs=access.kwargs(world))
    data = _post_data(url_name, world)
    http = _http(world, client, persona)
    before = database_state()
    # when
    response = http.post(url, data)
    # then
    assert response.status_code == getattr(access, persona)
    if response.status_code == 302:
        assert "login" in response["Location"]
    assert state_difference(before, database_state()) == {}

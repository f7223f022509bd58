"""Rule: every form survives anything a careless or hostile user can send (``tests/trust/fuzz.py``: empty,
huge, wrong type, out of range, non-Japanese, 全角/半角, control characters, repeated fields).

Each example starts from data that writes (``VALID_POSTS``) and replaces or drops some fields.  Whatever
happens: no server error; either the write is accepted (a redirect) or nothing at all changed in the
database and the page says why (a form error or a message) — never a half-written record.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.access_table import ACCESS, VALID_POSTS
from tests.conftest import logged_in
from tests.trust.fuzz import field_value, fuzz_settings
from tests.trust.helpers import database_state, state_difference

pytestmark = pytest.mark.usefixtures("clock")  # VALID_POSTS are dated around the clock's TODAY

FUZZ_EXAMPLES = 8  # per form: the whole module stays near a minute on two cores
ROLES = ["staff", "supervisor", "manager"]
FORM_URLS = sorted(set(VALID_POSTS) | {"billing:reopen", "billing:tier_override", "billing:fee_load_confirm",
                                        "billing:fee_value_confirm", "billing:fee_settings", "billing:fee_staff_pay"})
# Fields of the billing what-if form (a GET form: it computes, never writes).
WHAT_IF_FIELDS = ["yen_per_day", "followups", "cost_per_followup", "days", "year"]


def _base(url_name, world) -> tuple[str, dict, str]:
    """URL, valid data and the role that may send it — built once per test world."""
    cache = world.__dict__.setdefault("_fuzz_base", {})
    if url_name not in cache:
        access = ACCESS[url_name]
        role = next((r for r in ROLES if getattr(access, r) in (200, 302)), "manager")
        data = VALID_POSTS[url_name](world) if url_name in VALID_POSTS else access.data(world)
        cache[url_name] = (reverse(url_name, kwargs=access.kwargs(world)), data, role)
    return cache[url_name]


def _fuzzed(data: dict, draw) -> dict:
    """``data`` with each field kept, replaced by a fuzzed value, or dropped."""
    out = {}
    for name, value in data.items():
        choice = draw(st.sampled_from(["keep", "fuzz", "fuzz", "drop"]))
        if choice == "keep":
            out[name] = value
        elif choice == "fuzz":
            out[name] = draw(field_value())
    return out


def _explains(response) -> bool:
    messages = list(response.wsgi_request._messages) if hasattr(response.wsgi_request, "_messages") else []
    if messages:
        return True
    content = response.content.decode(errors="replace") if response.status_code in (200, 422) else ""
    return "errorlist" in content or "form-errors" in content


@pytest.mark.parametrize("url_name", FORM_URLS)
@settings(fuzz_settings, max_examples=FUZZ_EXAMPLES)
@given(data=st.data())
def test_a_form_never_fails_and_never_half_writes(url_name, world, data):
    # given
    url, valid, role = _base(url_name, world)
    http = world.__dict__.setdefault("_fuzz_http", {}).get(role) or logged_in(getattr(world, role))
    world._fuzz_http[role] = http
    post = _fuzzed(valid, data.draw)
    before = database_state()
    # when
    response = http.post(url, post)
    # then
    assert response.status_code < 500
    changed = state_difference(before, database_state())
    if changed:
        assert response.status_code == 302, f"{url_name}: wrote {changed} but answered {response.status_code}"
    else:
        assert response.status_code in (200, 302, 400, 422), response.status_code
        # an empty POST is no submission: the empty form is shown again
        assert not post or _explains(response), f"{url_name}: refused {post!r} without saying why"


@settings(fuzz_settings, max_examples=FUZZ_EXAMPLES)
@given(query=st.fixed_dictionaries({}, optional={name: field_value() for name in WHAT_IF_FIELDS}))
def test_the_what_if_form_answers_anything_without_an_error_and_writes_nothing(world, query):
    http = world.__dict__.setdefault("_fuzz_http", {}).get("manager") or logged_in(world.manager)
    world._fuzz_http["manager"] = http
    before = database_state()
    response = http.get(reverse("billing:followup_cost"), query)
    assert response.status_code == 200
    assert state_difference(before, database_state()) == {}


def fuzz_examples_tried() -> int:
    """For the README: examples per run of this module."""
    return FUZZ_EXAMPLES * (len(FORM_URLS) + 1)

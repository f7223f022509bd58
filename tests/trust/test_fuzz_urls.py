"""Rule: no URL part and no GET parameter gives a 500 — every route of the project, fuzzed.

The form bodies are fuzzed elsewhere (test_fuzz_forms.py); here each route of the access table is called as
a manager (the role that reaches the most) with, in turn, each of its URL parts replaced by hostile values
for its converter, and with every query parameter a view reads set to hostile values.  The answer may be a
page, a redirect, a refusal or a 404 — never a server error.  ``inputs_tried`` counts what one run sends.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, StringConverter

from compostela.dates import MonthNumberConverter, ServiceDayConverter, ServiceYearConverter
from tests.access_table import ACCESS

pytestmark = pytest.mark.django_db

# what a careless or hostile user (or a broken link) can put in a URL part, by the part's converter
PATH_VALUES = {
    IntConverter: ["0", "99999999999", "9223372036854775808", "0000000000000000000001", "2147483648"],
    StringConverter: ["..", "%00", "<script>", "９９", "a" * 300, "99999999999", "2025-02-30", "' OR 1=1 --"],
    ServiceYearConverter: ["0000", "1999", "2101", "9999"],
    MonthNumberConverter: ["0", "13", "99"],
    ServiceDayConverter: ["0001-01-01", "9999-12-31", "2025-02-30", "2100-13-01"],
}
# every query parameter a view or a GET form reads
QUERY_NAMES = ["day", "month", "year", "fiscal_year", "q", "status", "staff", "page", "version", "client",
               "employer", "open", "display", "kind", "service", "sort", "days", "hire", "next", "fmt", "rate",
               "followups", "office"]
QUERY_VALUES = ["", "0", "-1", "99999999999", "9223372036854775808", "1e309", "NaN", "9999-12-31",
                "0001-01-01", "2025-13", "2025-02-30", "<script>alert(1)</script>", "' OR 1=1 --", "\x00",
                "あ" * 2000, "%", "[]", "１２", "javascript:alert(1)", "//evil.example/"]
PART = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def routes(resolver=None, prefix: str = "", namespace: str = "") -> dict[str, tuple[str, dict]]:
    """URL name → (the full route with its <converter:name> parts, the converters by part name)."""
    found: dict[str, tuple[str, dict]] = {}
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if inner != "admin:":
                converters = dict(getattr(entry.pattern, "converters", {}))
                for name, (sub_route, sub_converters) in routes(entry, route, inner).items():
                    found[name] = (sub_route, {**converters, **sub_converters})
        elif isinstance(entry, URLPattern) and entry.name:
            found[f"{namespace}{entry.name}"] = (route, dict(getattr(entry.pattern, "converters", {})))
    return found


def build(route: str, values: dict) -> str:
    return "/" + PART.sub(lambda match: quote(str(values[match.group("name")]), safe=""), route)


def path_variants(route: str, converters: dict, valid: dict) -> list[str]:
    urls = []
    for name, converter in converters.items():
        for value in PATH_VALUES.get(type(converter), PATH_VALUES[StringConverter]):
            urls.append(build(route, {**valid, name: value}))
    return urls


def query_variants(route: str, valid: dict) -> list[str]:
    base = build(route, valid)
    return [f"{base}?{urlencode({name: value for name in QUERY_NAMES})}" for value in QUERY_VALUES]


FUZZED = sorted(name for name in ACCESS if name not in {"admin:index", "logout", "login"})


def inputs_tried() -> int:
    """How many requests one run sends (for the closing note: routes × inputs)."""
    all_routes = routes()
    total = 0
    for name in FUZZED:
        route, converters = all_routes[name]
        total += len(QUERY_VALUES) + sum(
            len(PATH_VALUES.get(type(c), PATH_VALUES[StringConverter])) for c in converters.values())
    return total


def test_every_fuzzed_route_exists_and_the_run_is_substantial():
    assert set(FUZZED) <= set(routes())
    assert inputs_tried() > 1000


@pytest.mark.parametrize("url_name", FUZZED)
def test_no_url_part_or_query_parameter_gives_a_500(world, url_name):
    access = ACCESS[url_name]
    route, converters = routes()[url_name]
    valid = access.kwargs(world)
    http = HttpClient(raise_request_exception=False)
    http.force_login(world.manager)
    failures = []
    for url in path_variants(route, converters, valid) + query_variants(route, valid):
        response = getattr(http, access.method)(url, {})
        if response.status_code >= 500:
            failures.append(f"{access.method.upper()} {url[:160]} → {response.status_code}")
    assert failures == []

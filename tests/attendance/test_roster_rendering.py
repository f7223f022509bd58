"""Rule: the roster's work per row is only what changes from row to row — no form object and no translation
per row (one form for the day; the texts every row repeats are translated once), so a page of 30 clients
builds as many forms and translates as many strings as a page of 3."""

from collections import Counter

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from tests.attendance.test_roster_queries import office_with
from tests.conftest import TODAY

URL = reverse("attendance:day")


@pytest.fixture
def counted(monkeypatch) -> Counter:
    """Counts of ``gettext`` calls (every translation, lazy ones and the templates' included) and of Django
    form objects built, while the test runs."""
    counts: Counter = Counter()
    real_gettext, real_form_init = trans_real.gettext, forms.BaseForm.__init__

    def gettext(message):
        counts["gettext"] += 1
        return real_gettext(message)

    def form_init(self, *args, **kwargs):
        counts["forms"] += 1
        real_form_init(self, *args, **kwargs)

    translation.gettext("warm up")  # lets ``_trans`` hold its ``gettext``, which is what is replaced
    monkeypatch.setattr(translation._trans, "gettext", gettext)
    monkeypatch.setattr(trans_real, "gettext", gettext)  # pgettext calls it directly
    monkeypatch.setattr(forms.BaseForm, "__init__", form_init)
    return counts


def counts_of(http, counted: Counter, request) -> Counter:
    counted.clear()
    response = request(http)
    assert response.status_code == 200
    return Counter(counted)


def get(http):
    return http.get(URL, {"day": TODAY.isoformat()})


def mark_all(http):
    """The no-script "Mark all as attended": every row bound to the POST and shown again."""
    response = http.get(URL, {"day": TODAY.isoformat()})
    data = {"day": TODAY.isoformat(), "mark_all": "1"}
    for line in response.context["lines"]:
        data[f"{line.prefix}-version"] = line.values["version"]
        data[f"{line.prefix}-fingerprint"] = line.values["fingerprint"]
    return http.post(URL, data)


@pytest.mark.parametrize("request_", [get, mark_all], ids=["get", "mark_all"])
def test_a_roster_of_30_rows_builds_no_more_forms_and_translates_no_more_than_one_of_3(
        world, today, staff_client, counted, request_):
    office_with(world, 3)
    counts_of(staff_client, counted, request_)  # warm up (templates, catalogues)
    few = counts_of(staff_client, counted, request_)
    office_with(world, 27)
    many = counts_of(staff_client, counted, request_)
    assert len(staff_client.get(URL, {"day": TODAY.isoformat()}).context["lines"]) == 30
    assert many == few
    assert few["gettext"] > 0 and few["forms"] > 0  # the counters do count

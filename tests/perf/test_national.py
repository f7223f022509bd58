"""The national data set's clone (issue 22) on a tiny data set: every office row is copied, into new offices
with their own staff, and no copied row points outside its office.  No timing is asserted here."""

import json
from dataclasses import asdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from clients.models import Client
from compostela.audit import event_models
from compostela.models import Membership, Office, User
from devtools.bench import staff_client
from devtools.demo.offices import demo_office_number
from devtools.national import (
    PageLine,
    Progress,
    clone_offices,
    crossing_references,
    office_models,
    office_rows,
    render_comparison,
    serve_worker,
)
from placements.models import Employer


@pytest.fixture
def template(db) -> Office:
    call_command("seed_demo", "--offices", "1", "--clients-per-office", "3", "--years", "1", "--quiet-logins",
                 stdout=StringIO(), stderr=StringIO())
    return Office.objects.get(number=demo_office_number(1))


def test_clone_copies_every_office_row_twice_into_two_new_offices(template):
    # given
    tables = office_models()
    before = {model: office_rows(model, [template]) for model in tables}
    events_before = sum(model.objects.count() for model in event_models())
    # when
    report = clone_offices(templates=[template], copies=2, progress=Progress(StringIO()))
    # then
    copies = list(Office.objects.filter(number__in=[demo_office_number(2), demo_office_number(3)]))
    assert [office.name for office in copies] == [f"就労移行支援事業所コンポステラ第{i}" for i in (2, 3)]
    for model in tables:
        assert office_rows(model, [template]) == before[model], f"{model._meta.label}: the template is untouched"
        for copy in copies:
            assert office_rows(model, [copy]) == before[model], f"{model._meta.label}: copied once per copy"
    assert before[Client] and before[Employer], "the tiny data set has rows to copy"
    assert report.written_rows == 2 * sum(count for model, count in before.items() if model not in (Office, User)) \
        + 2 * before[User] + 2
    assert sum(model.objects.count() for model in event_models()) == events_before, "the trail is off for the copy"


def test_copied_rows_point_inside_their_own_office_only(template):
    clone_offices(templates=[template], copies=2, progress=Progress(StringIO()))
    copies = list(Office.objects.filter(number__in=[demo_office_number(2), demo_office_number(3)]))
    assert crossing_references([template, *copies]) == {}
    # the staff of a copy are new users, in the copy only, with the template's roles
    roles = {m.user.username: m.role for m in Membership.objects.filter(office=template).select_related("user")}
    copied = {m.user.username: m.role for m in Membership.objects.filter(office=copies[0]).select_related("user")}
    assert copied == {f"o2-{name}": role for name, role in roles.items()}
    assert not Membership.objects.filter(user__username__in=copied, office=template).exists()
    assert User.objects.filter(username="o3-manager").exists()


def test_a_copy_is_an_office_like_the_template_to_its_staff(template):
    clone_offices(templates=[template], copies=1, progress=Progress(StringIO()))
    copy = Office.objects.get(number=demo_office_number(2))
    # the sequences were moved past the copied ids: new rows can be written
    Employer.objects.create(office=copy, name="新しい取引先")
    # the copy's supervisor sees the copy's clients: the names the template's list shows
    pages = [staff_client(office).get(reverse("clients:list")) for office in (template, copy)]
    assert [page.status_code for page in pages] == [200, 200]
    shown, shown_in_copy = (page.content.decode() for page in pages)
    names = [client.full_name for client in Client.objects.filter(office=template)]
    assert any(name in shown for name in names)
    assert [name in shown_in_copy for name in names] == [name in shown for name in names]
    assert set(Client.objects.filter(office=copy).values_list("pk", flat=True)).isdisjoint(
        Client.objects.filter(office=template).values_list("pk", flat=True))


def _ask(*requests: dict) -> list[dict]:
    answers = StringIO()
    serve_worker(requests=StringIO("".join(json.dumps(r) + "\n" for r in [*requests, {"op": "quit"}])),
                 answers=answers)
    return [json.loads(line) for line in answers.getvalue().splitlines()][:-1]


def test_the_comparison_worker_times_every_page_with_its_queries(template):
    # the protocol of the two workers (bench_national --serve-worker), in-process on the test database
    (info,) = _ask({"op": "pages"})
    assert {"roster (one day)", "client list", "client page", "case review", "billing (last month)",
            "follow-up cost", "placements", "hires"} <= set(info["pages"])
    assert info["counts"]["offices"] == 1 and info["office"] == demo_office_number(1)
    urls = list(info["pages"].values())
    answers = _ask(*[{"op": "get", "url": url} for url in urls for _ in range(3)],
                   {"op": "explain", "url": info["pages"]["roster (one day)"]})
    for index, url in enumerate(urls):
        runs = answers[3 * index:3 * index + 3]
        assert [a["status"] for a in runs] == [200, 200, 200], url
        assert all(a["ms"] > 0 for a in runs)
        assert runs[1]["queries"] == runs[2]["queries"] > 0, f"{url}: the same queries on every warm run"
    explained = answers[-1]
    assert "error" not in explained, explained
    assert explained["sql"].lstrip().upper().startswith("SELECT") and "cost=" in explained["plan"]


def test_a_page_fails_when_its_queries_differ_or_it_is_much_slower():
    same = PageLine(name="p", url="/", queries_base=[5, 5], queries_national=[5, 5], ms_base=[10, 12],
                    ms_national=[14, 15], statuses=[200] * 4)
    more_queries = PageLine(**{**asdict(same), "queries_national": [5, 6]})
    slower = PageLine(**{**asdict(same), "ms_national": [17, 18]})
    assert same.passed and not more_queries.passed and not slower.passed
    table = render_comparison([same, more_queries, slower])
    assert "5–6" in table and table.count("FAIL") == 2 and "1.59×" in table

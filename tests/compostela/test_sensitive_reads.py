"""Rule: every opening of a page of one client's sensitive records writes exactly one read (who, when, which
client, which page) with one INSERT; a refused access (another office, a role below the page's) and a POST
write none (compostela/reads.py)."""

from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from compostela.models import ReadPage, SensitiveRead
from compostela.reads import record_read
from tests.conftest import logged_in
from tests.factories import ClientFactory, HireFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/review/"}


@dataclass(frozen=True)
class SensitivePage:
    url_name: str
    page: ReadPage
    role: str = "staff"  # the lowest role that may open it
    of_hire: bool = False  # the URL takes the hire's pk, the read names the hire's client
    of_plan: str = ""  # "plan" or "signature": the URL takes the plan's (or its signature's) pk


SENSITIVE_PAGES = [
    SensitivePage("clients:detail", ReadPage.CLIENT),
    SensitivePage("clients:edit", ReadPage.EDIT),
    SensitivePage("clients:health", ReadPage.HEALTH),
    SensitivePage("clients:profile", ReadPage.PROFILE),
    SensitivePage("clients:profile_history", ReadPage.PROFILE_HISTORY),
    SensitivePage("clients:history", ReadPage.HISTORY, role="supervisor"),
    SensitivePage("review:person", ReadPage.CASE_REVIEW),
    SensitivePage("placements:client", ReadPage.PLACEMENTS),
    SensitivePage("placements:hire_detail", ReadPage.HIRE, of_hire=True),
    SensitivePage("clients:plan_detail", ReadPage.PLAN, of_plan="plan"),
    SensitivePage("clients:plan_pdf", ReadPage.PLAN_PRINT, of_plan="plan"),
    SensitivePage("clients:plan_signature_file", ReadPage.PLAN_SIGNATURE, of_plan="signature"),
]
IDS = [p.url_name for p in SENSITIVE_PAGES]


def _url_and_client(world, sensitive: SensitivePage, office=None):
    office = office or world.office
    if sensitive.of_hire:
        hire = HireFactory(office=office, created_by=world.staff)
        return reverse(sensitive.url_name, args=[hire.pk]), hire.client
    if sensitive.of_plan:
        from clients.models import PlanSignature
        from tests.clients.plan_print import full_plan, signature_png

        plan = full_plan(office, supervisor=world.supervisor)
        target = plan
        if sensitive.of_plan == "signature":
            target = PlanSignature.objects.create(
                plan=plan,
                kind="tablet",
                signed_on=plan.agreed_on,
                content=signature_png(),
                content_type="image/png",
                recorded_by=world.supervisor,
            )
        return reverse(sensitive.url_name, args=[target.pk]), plan.client
    client = ClientFactory(office=office)
    return reverse(sensitive.url_name, args=[client.pk]), client


def test_every_page_kind_is_recorded_by_one_page():
    assert {p.page for p in SENSITIVE_PAGES} == set(ReadPage)


@pytest.mark.parametrize("sensitive", SENSITIVE_PAGES, ids=IDS)
def test_opening_a_sensitive_page_records_exactly_one_read(world, sensitive):
    url, client = _url_and_client(world, sensitive)
    user = world.supervisor if sensitive.role == "supervisor" else world.staff
    before = timezone.now()
    response = logged_in(user).get(url)
    assert response.status_code == 200
    (read,) = SensitiveRead.objects.all()
    assert (read.user, read.office, read.client_id, read.page, read.path) == (
        user,
        world.office,
        client.pk,
        sensitive.page,
        url,
    )
    assert read.at >= before


@pytest.mark.parametrize("sensitive", SENSITIVE_PAGES, ids=IDS)
def test_another_offices_client_records_no_read(world, sensitive):
    url, _client = _url_and_client(world, sensitive, office=world.other_office)
    assert logged_in(world.manager).get(url).status_code == 404
    assert not SensitiveRead.objects.exists()


def test_a_role_below_the_page_records_no_read(world):
    client = ClientFactory(office=world.office)
    assert logged_in(world.staff).get(reverse("clients:history", args=[client.pk])).status_code == 403
    assert not SensitiveRead.objects.exists()


def test_anonymous_visitors_record_no_read(world, client):
    person = ClientFactory(office=world.office)
    assert client.get(reverse("clients:detail", args=[person.pk])).status_code == 302
    assert not SensitiveRead.objects.exists()


def test_the_case_review_panel_by_htmx_is_one_read_per_request(world):
    person = ClientFactory(office=world.office)
    http = logged_in(world.staff)
    for _ in range(2):
        assert http.get(reverse("review:person", args=[person.pk]), **HTMX).status_code == 200
    assert list(SensitiveRead.objects.values_list("page", flat=True)) == [ReadPage.CASE_REVIEW] * 2


def test_a_post_records_no_read_its_write_is_in_the_trail(world):
    person = ClientFactory(office=world.office)
    response = logged_in(world.staff).post(reverse("clients:health", args=[person.pk]), {"pension_grade": "bogus"})
    assert response.status_code == 200  # the form comes back with its error
    assert not SensitiveRead.objects.exists()


def test_recording_a_read_is_one_insert(world, rf, django_assert_num_queries):
    request = rf.get("/clients/1/")
    request.user, request.office = world.staff, world.office
    with django_assert_num_queries(1) as captured:
        record_read(request, client_id=1, page=ReadPage.CLIENT)
    assert captured.captured_queries[0]["sql"].lstrip().upper().startswith("INSERT")


def test_a_read_cannot_be_rewritten_even_by_the_owner(world):
    """Rule: the read log is append-only (a trigger refuses UPDATE for every role)."""
    from django.db import DatabaseError, transaction

    read = SensitiveRead.objects.create(
        office=world.office, user=world.staff, client_id=1, page=ReadPage.CLIENT, path="/clients/1/"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        SensitiveRead.objects.filter(pk=read.pk).update(user=world.manager)
    read.refresh_from_db()
    assert read.user == world.staff


@pytest.mark.parametrize("sensitive", SENSITIVE_PAGES, ids=IDS)
def test_a_read_costs_one_insert(world, sensitive, monkeypatch):
    """The page's queries with the read log, less those without it: the INSERT of the read, and (inside a
    transaction only, as in a test; a GET in production runs in autocommit) the clearing of the audit context
    after a write (compostela.audit._outermost)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from compostela import reads
    from compostela.audit import CLEAR_CONTEXT_SQL

    url, _client = _url_and_client(world, sensitive)
    http = logged_in(world.supervisor)
    http.get(url)  # warm the session and caches

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert http.get(url).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    with_log = queries()
    monkeypatch.setattr(reads.SensitiveRead.objects, "create", lambda **fields: None)
    without_log = queries()
    inserts = [sql for sql in with_log if 'INSERT INTO "compostela_sensitiveread"' in sql]
    cleared_anyway = CLEAR_CONTEXT_SQL in without_log  # the history page's CTE already counts as a statement
    assert len(inserts) == 1
    assert with_log.count(CLEAR_CONTEXT_SQL) == 1
    assert len(with_log) - len(without_log) == (1 if cleared_anyway else 2)

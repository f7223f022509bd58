"""Rule: the case-review rows (Jinja2 fragments, templates/jinja2/review/) print every name as text: a client's
name, an employer's name or a job title that contains markup is escaped on the board, in the mark view's htmx
answer and in the detail panel's out-of-band summary — never run as HTML."""

from datetime import timedelta

import markupsafe
import pytest
from django.urls import reverse
from django.utils.html import escape

from placements.models import Employer
from tests.conftest import logged_in
from tests.review.helpers import client_in_service, employed_person

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/review/"}

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(2)>'
EMPLOYER = "<b onmouseover='alert(3)'>ACME</b>"
JOB = '" autofocus onfocus="alert(4)'
HOSTILE = (SCRIPT, ATTRIBUTE, EMPLOYER, JOB)


def hostile_people(world, today):
    client = client_in_service(world.office, day=today, family_name=SCRIPT, given_name=ATTRIBUTE)
    hire = employed_person(
        world.office, start=today - timedelta(days=40), by=world.staff, family_name=SCRIPT, given_name="太郎"
    )
    Employer.objects.filter(pk=hire.employer_id).update(name=EMPLOYER)
    type(hire).objects.filter(pk=hire.pk).update(job_title=JOB)
    return client, hire


def assert_escaped(text: str, *values: str) -> None:
    """None of the hostile strings as markup, and each of ``values`` as escaped text (Jinja2 writes &#34; where
    Django writes &quot;: either will do)."""
    for raw in HOSTILE:
        assert raw not in text, f"unescaped in the page: {raw}"
    for value in values:
        assert escape(value) in text or str(markupsafe.escape(value)) in text, f"not shown as text: {value}"


def test_the_board_rows_escape_names_employers_and_job_titles(world, today):
    client, hire = hostile_people(world, today)
    response = logged_in(world.staff).get(reverse("review:board"))
    text = response.content.decode()
    assert response.status_code == 200
    assert f'id="row-{client.pk}"' in text and f'id="row-{hire.client.pk}"' in text
    assert_escaped(text, f"{SCRIPT} {ATTRIBUTE}", f"{SCRIPT} 太郎", EMPLOYER, JOB)


def test_the_mark_views_htmx_answer_escapes_the_name(world, today):
    client, _hire = hostile_people(world, today)
    response = logged_in(world.staff).post(reverse("review:mark", kwargs={"pk": client.pk}), **HTMX)
    text = response.content.decode()
    assert response.status_code == 200 and f'id="summary-{client.pk}"' in text and "is-reviewed" in text
    assert_escaped(text, f"{SCRIPT} {ATTRIBUTE}")


def test_the_detail_panels_out_of_band_summary_escapes_names_and_the_employer(world, today):
    _client, hire = hostile_people(world, today)
    response = logged_in(world.staff).get(reverse("review:person", kwargs={"pk": hire.client.pk}), **HTMX)
    text = response.content.decode()
    assert response.status_code == 200 and f'id="summary-{hire.client.pk}" data-summary hx-swap-oob="true"' in text
    assert_escaped(text, f"{SCRIPT} 太郎", EMPLOYER, JOB)

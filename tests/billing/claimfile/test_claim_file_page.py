"""The claim file from the billing page (issue 21): the closed month's section loads the layout check (every
problem with where to fix it, linked), the button queues a background job like the PDFs, and the job's file
is downloaded through the documents' own views; a month the file refuses ends the job failed with its
problems."""

from __future__ import annotations

import pytest
from django.urls import reverse

from billing.claimfile import ClaimFileRefused
from billing.documents.services import billing_document_build, billing_document_request
from billing.errors import BillingError
from billing.models import DocumentKind, DocumentStatus, GeneratedDocument
from clients.models import Certificate
from tests.billing.claimfile.test_claim_file import GOLDEN, JUNE_2020, june  # noqa: F401 - the fixture
from tests.billing.documents.test_jobs import run_waiting_jobs

CHECK_URL = reverse("billing:claim_file", args=[2020, 6])
MONTH_URL = reverse("billing:index") + "?month=2020-06"


@pytest.mark.usefixtures("june")
def test_the_closed_month_loads_the_check_into_its_section_without_computing_it(world, manager_client,
                                                                                  monkeypatch):
    """The month page keeps its query budget: the check is its own request (htmx, on load), never the page's."""
    import billing.claimfile as claimfile

    def never(**kwargs):
        raise AssertionError("the month page computed the claim file check")

    monkeypatch.setattr(claimfile, "claim_file_draft", never)
    page = manager_client.get(MONTH_URL).content.decode()
    assert 'id="claim-file"' in page and f'hx-get="{CHECK_URL}"' in page
    assert '<option value="claim_file">' not in page  # not one of the PDFs: its own section


def test_an_open_month_has_no_claim_file_section(world, manager_client):
    page = manager_client.get(reverse("billing:index") + "?month=2020-06").content.decode()
    assert 'id="claim-file"' not in page
    check = manager_client.get(CHECK_URL).content.decode()
    assert "2020-06" in check and 'name="kind" value="claim_file"' not in check


@pytest.mark.usefixtures("june")
def test_a_month_that_passes_shows_the_file_name_and_the_button(world, manager_client):
    fragment = manager_client.get(CHECK_URL, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "J2006V01.CSV" in fragment
    assert 'name="kind" value="claim_file"' in fragment and "claim-file-problem" not in fragment
    assert "見本" not in fragment  # a real office's file: no SAMPLE notice


@pytest.mark.usefixtures("june")
def test_every_problem_is_listed_with_where_to_fix_it_and_a_link(world, manager_client):
    Certificate.objects.filter(number="0000000022").update(municipality_number="")
    client_id = Certificate.objects.get(number="0000000022").client_id
    page = manager_client.get(CHECK_URL).content.decode()
    assert 'name="kind" value="claim_file"' not in page  # no button while the check fails
    assert page.count('class="claim-file-problem"') >= 3  # J111 01, J111 02, J121 01 … 市町村番号
    assert "試験 太郎" in page and "市町村番号" in page and BillingError.CLAIM_FILE_FIELD_MISSING in page
    assert reverse("clients:detail", args=[client_id]) in page


@pytest.mark.usefixtures("june")
def test_the_button_queues_the_job_which_makes_the_file_and_it_downloads(world, manager_client):
    response = manager_client.post(reverse("billing:document_new"), {"kind": "claim_file", "month": "2020-06"})
    assert response.status_code == 302
    assert run_waiting_jobs() == 1
    document = GeneratedDocument.objects.get()
    assert (document.kind, document.status, document.filename, document.content_type) == (
        DocumentKind.CLAIM_FILE, DocumentStatus.DONE, "J2006V01.CSV", "text/csv")
    status = manager_client.get(reverse("billing:document_status", args=[document.pk])).json()
    assert status["percent"] == 100
    download = manager_client.get(status["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "text/csv"
    assert download.content == (GOLDEN / "J2006V01.CSV").read_bytes()
    assert "J2006V01.CSV" in manager_client.get(MONTH_URL).content.decode()


@pytest.mark.usefixtures("june")
def test_a_refused_month_ends_the_job_failed_with_every_problem(world):
    Certificate.objects.filter(number="0000000022").update(municipality_number="")
    document = billing_document_request(office=world.office, kind=DocumentKind.CLAIM_FILE, month=JUNE_2020,
                                        by=world.manager)
    assert billing_document_build(document_id=document.pk) == DocumentStatus.FAILED
    document.refresh_from_db()
    first, *problems = document.error.split("\n")
    assert "3" in first or "problem" in first or "問題" in first
    assert problems and all(" — " in p for p in problems)
    assert any("試験 太郎" in p and "J121 01" in p and "市町村番号" in p for p in problems)


def test_an_open_month_ends_the_job_failed(world):
    document = billing_document_request(office=world.office, kind=DocumentKind.CLAIM_FILE, month=JUNE_2020,
                                        by=world.manager)
    assert billing_document_build(document_id=document.pk) == DocumentStatus.FAILED
    document.refresh_from_db()
    assert "2020-06" in document.error


def test_the_refusal_class_is_a_validation_error_with_codes(world):
    """The job's refusal comes from ``ClaimFileRefused``: every problem keeps its code."""
    from billing.claimfile import claim_file_build

    try:
        claim_file_build(office=world.office, month=JUNE_2020)
    except ClaimFileRefused as refused:
        assert [e.code for e in refused.error_list] == [BillingError.CLAIM_FILE_NOT_CLOSED]

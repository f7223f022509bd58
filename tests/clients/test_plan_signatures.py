"""Rule: the person's signature on a plan's agreement is a scan (PDF, PNG or JPEG, at most 5 MB) or a PNG drawn
on a tablet, judged by its content (not the name or the type the browser sent); refusals carry their codes and
store nothing; signing a plan not yet agreed records the agreement on the signing day (the signature documents
the agreement), a signature dated before a recorded agreement is refused; supervisors and managers attach,
staff may view; another office's plan or signature answers 404; viewing a signature is a recorded read."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from clients.errors import ClientError
from clients.models import SIGNATURE_MAX_BYTES, PlanSignature
from clients.signatures import plan_signature_add
from compostela.errors import CompostelaError
from compostela.models import ReadPage, SensitiveRead
from tests.clients.plan_print import (
    PDF_SCAN,
    full_plan,
    jpeg_scan,
    png_header_claiming,
    png_of_size,
    signature_png,
    upload,
)
from tests.conftest import logged_in
from tests.helpers import codes_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

SIGNED = date(2025, 5, 9)  # the plan's agreement day


@pytest.fixture
def plan(world):
    return full_plan(world.office, supervisor=world.supervisor, agreed_on=SIGNED)


def _add(plan, by, *, kind="scan", signed_on=SIGNED, file=None):
    return plan_signature_add(plan=plan, kind=kind, signed_on=signed_on, upload=file, by=by)


def _refusal(plan, by, **kwargs) -> set:
    with pytest.raises(ValidationError) as refused:
        _add(plan, by, **kwargs)
    assert not PlanSignature.objects.exists()
    return codes_of(refused.value)


def test_a_scan_is_stored_with_the_type_its_content_shows_not_the_one_declared(plan, world):
    # given a signed PDF sent with an image's name and type
    signature = _add(plan, world.supervisor, file=upload("scan.png", PDF_SCAN, "image/png"))
    # then it is stored as what it is
    assert signature.content_type == "application/pdf" and signature.filename == "scan.pdf"
    assert bytes(signature.content) == PDF_SCAN
    assert _add(plan, world.manager, file=upload("scan.jpg", jpeg_scan())).content_type == "image/jpeg"


def test_a_tablet_signature_is_a_png_with_something_drawn(plan, world):
    signature = _add(plan, world.supervisor, kind="tablet", file=upload("signature.png", signature_png()))
    assert signature.content_type == "image/png" and signature.filename == "signature-20250509.png"


@pytest.mark.parametrize(
    ("kind", "content", "code"),
    [
        ("scan", b"", ClientError.SIGNATURE_EMPTY),
        ("scan", b"hello, this is text", ClientError.SIGNATURE_TYPE),
        ("scan", b"GIF89a\x01\x00\x01\x00", ClientError.SIGNATURE_TYPE),
        ("scan", b"MZ\x90\x00 an executable named .pdf", ClientError.SIGNATURE_TYPE),
        ("scan", b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10, ClientError.SIGNATURE_UNREADABLE),
        ("scan", b"\xff\xd8\xff" + b"\x00" * 64, ClientError.SIGNATURE_UNREADABLE),
        ("tablet", PDF_SCAN, ClientError.SIGNATURE_TYPE),
        ("tablet", b"jpeg", ClientError.SIGNATURE_TYPE),
        ("tablet", None, ClientError.SIGNATURE_TYPE),  # None: a JPEG (a tablet signature is a PNG)
        ("tablet", b"blank", ClientError.SIGNATURE_EMPTY),  # a PNG with nothing drawn
    ],
)
def test_a_file_that_is_not_what_a_signature_may_be_is_refused_by_its_code(plan, world, kind, content, code):
    content = {None: jpeg_scan(), b"blank": signature_png(blank=True), b"jpeg": jpeg_scan()}.get(content, content)
    assert _refusal(plan, world.supervisor, kind=kind, file=upload("signature.pdf", content, "application/pdf")) == {
        code
    }


def test_no_file_at_all_is_refused_as_empty(plan, world):
    assert _refusal(plan, world.supervisor, file=None) == {ClientError.SIGNATURE_EMPTY}


def test_a_file_over_5_mb_is_refused_before_it_is_read(plan, world):
    big = upload("scan.pdf", PDF_SCAN + b"0" * (SIGNATURE_MAX_BYTES + 1 - len(PDF_SCAN)))
    assert _refusal(plan, world.supervisor, file=big) == {ClientError.SIGNATURE_TOO_LARGE}
    exactly = upload("scan.pdf", PDF_SCAN + b"0" * (SIGNATURE_MAX_BYTES - len(PDF_SCAN)))
    assert len(bytes(_add(plan, world.supervisor, file=exactly).content)) == SIGNATURE_MAX_BYTES


def test_an_image_with_too_many_pixels_is_refused_without_decoding_it(plan, world):
    for content in (png_of_size(9001, 10), png_header_claiming(100_000, 100_000)):
        assert _refusal(plan, world.supervisor, file=upload("scan.png", content)) == {ClientError.SIGNATURE_TOO_LARGE}
    tablet = upload("signature.png", png_of_size(4097, 100))
    assert _refusal(plan, world.supervisor, kind="tablet", file=tablet) == {ClientError.SIGNATURE_TOO_LARGE}


def test_an_unknown_kind_and_a_future_date_are_refused(plan, world, today):
    assert _refusal(plan, world.supervisor, kind="fax", file=upload("s.pdf", PDF_SCAN)) == {
        ClientError.SIGNATURE_KIND_UNKNOWN
    }
    assert _refusal(plan, world.supervisor, signed_on=today + timedelta(days=1), file=upload("s.pdf", PDF_SCAN)) == {
        CompostelaError.FUTURE_DATE
    }


def test_a_signature_dated_before_the_recorded_agreement_is_refused(plan, world):
    assert _refusal(plan, world.supervisor, signed_on=SIGNED - timedelta(days=1), file=upload("s.pdf", PDF_SCAN)) == {
        ClientError.SIGNATURE_BEFORE_AGREEMENT
    }


def test_signing_a_plan_not_yet_agreed_records_the_agreement_on_the_signing_day(world):
    # given a plan whose agreement is not recorded (the meeting was on 2 May)
    plan = full_plan(world.office, supervisor=world.supervisor, agreed_on=None)
    # when the person signs on the tablet on 12 May
    _add(plan, world.supervisor, kind="tablet", signed_on=date(2025, 5, 12), file=upload("s.png", signature_png()))
    # then the plan is agreed on that day
    plan.refresh_from_db()
    assert plan.agreed_on == date(2025, 5, 12)


def test_a_signature_before_the_draft_of_an_unagreed_plan_is_refused_on_the_signing_day(world):
    plan = full_plan(world.office, supervisor=world.supervisor, agreed_on=None)  # draft written on 25 April
    codes = _refusal(plan, world.supervisor, signed_on=date(2025, 4, 1), file=upload("s.pdf", PDF_SCAN))
    assert codes & {ClientError.PLAN_AGREED_BEFORE_CREATED, ClientError.PLAN_AGREED_BEFORE_MEETING}
    plan.refresh_from_db()
    assert plan.agreed_on is None


def test_staff_may_not_attach_a_signature(plan, world):
    with pytest.raises(PermissionDenied):
        _add(plan, world.staff, file=upload("s.pdf", PDF_SCAN))
    assert not PlanSignature.objects.exists()


# --- the screens -----------------------------------------------------------------------------------------


def test_the_signature_page_offers_the_tablet_and_the_scan(plan, world):
    response = logged_in(world.supervisor).get(reverse("clients:plan_signature_add", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-signature-canvas" in html and 'name="scan-upload"' in html and "js/signature.js" in html


def test_a_supervisor_attaches_a_scan_and_goes_back_to_the_plan(plan, world):
    url = reverse("clients:plan_signature_add", args=[plan.pk])
    response = logged_in(world.supervisor).post(
        url, {"kind": "scan", "scan-signed_on": "2025-05-09", "scan-upload": upload("signed.pdf", PDF_SCAN)}
    )
    assert response.status_code == 302 and response["Location"] == reverse("clients:plan_detail", args=[plan.pk])
    assert PlanSignature.objects.get().content_type == "application/pdf"


def test_a_refused_upload_shows_why_on_the_page_and_stores_nothing(plan, world):
    url = reverse("clients:plan_signature_add", args=[plan.pk])
    response = logged_in(world.supervisor).post(
        url, {"kind": "scan", "scan-signed_on": "2025-05-09", "scan-upload": upload("notes.pdf", b"plain text")}
    )
    assert response.status_code == 200
    assert "PDF・PNG・JPEG" in response.content.decode()
    assert not PlanSignature.objects.exists()


def test_staff_get_403_and_another_office_404_on_the_signature_page(plan, world):
    url = reverse("clients:plan_signature_add", args=[plan.pk])
    data = {"kind": "scan", "scan-signed_on": "2025-05-09", "scan-upload": upload("s.pdf", PDF_SCAN)}
    assert logged_in(world.staff).get(url).status_code == 403
    assert logged_in(world.staff).post(url, data).status_code == 403
    data["scan-upload"] = upload("s.pdf", PDF_SCAN)
    assert logged_in(world.outsider).post(url, data).status_code == 404
    assert not PlanSignature.objects.exists()


def test_the_signature_file_is_served_as_stored_not_cached_and_recorded_as_a_read(plan, world):
    signature = _add(plan, world.supervisor, kind="tablet", file=upload("s.png", signature_png()))
    url = reverse("clients:plan_signature_file", args=[signature.pk])
    # staff may view it
    response = logged_in(world.staff).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response.content == signature_png()
    assert response["Content-Disposition"] == 'inline; filename="signature-20250509.png"'
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    assert (
        SensitiveRead.objects.filter(user=world.staff, client_id=plan.client_id, page=ReadPage.PLAN_SIGNATURE).count()
        == 1
    )
    # another office's manager does not find it, and nothing is recorded for them
    assert logged_in(world.outsider).get(url).status_code == 404
    assert not SensitiveRead.objects.filter(user=world.outsider).exists()

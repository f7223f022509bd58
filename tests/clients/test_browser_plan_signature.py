"""Rule: on a phone-sized screen a supervisor lets the person sign the plan in the signature box (with the mouse
and with a finger), saves it, and the printed plan carries the signature in its box."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from clients.models import PlanSignature
from compostela.models import Role
from tests.browser_support import watched_page
from tests.clients.plan_print import full_plan
from tests.factories import TEST_PASSWORD, MembershipFactory, OfficeFactory, UserFactory
from tests.pdf_reading import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _draw(page, canvas, points):
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * points[0][0], box["y"] + box["height"] * points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y, steps=6)
    page.mouse.up()


def test_the_person_signs_on_a_phone_sized_screen_and_the_printed_plan_carries_the_signature(live_server, browser):
    # given a supervisor and a plan discussed at the meeting, not yet agreed
    office = OfficeFactory(name="就労移行支援事業所コンポステラ", number="0110000001")
    supervisor = UserFactory(username="sabikan", last_name="高橋", first_name="翔")
    MembershipFactory(user=supervisor, office=office, role=Role.SUPERVISOR)
    plan = full_plan(office, supervisor=supervisor, agreed_on=None)
    viewport = {"width": 390, "height": 844}
    with watched_page(browser, viewport=viewport, has_touch=True, is_mobile=True, device_scale_factor=2) as page:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "sabikan")
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button[type=submit].primary")
        # when the supervisor opens the signature page
        page.goto(f"{live_server.url}/clients/plans/{plan.pk}/signature/")
        canvas = page.locator("[data-signature-canvas]")
        save = page.locator("[data-signature-save]")
        assert save.is_disabled()  # nothing drawn yet
        # the box fits the phone's width
        box = canvas.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        # a stroke with the mouse, cleared, then a tap with a finger
        _draw(page, canvas, [(0.1, 0.7), (0.3, 0.3), (0.5, 0.7)])
        assert save.is_enabled()
        page.click("[data-signature-clear]")
        assert save.is_disabled()
        page.touchscreen.tap(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.5)
        assert save.is_enabled()
        # and the person signs with the mouse
        _draw(page, canvas, [(0.08, 0.75), (0.2, 0.25), (0.35, 0.7), (0.5, 0.3), (0.65, 0.72), (0.9, 0.35)])
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "plan-signature-390.png"), full_page=True)
        save.click()
        # then the plan page says it was attached
        page.wait_for_url(f"**/clients/plans/{plan.pk}/")
        assert "個別支援計画に署名を添付しました。" in page.content()
        # and the plan's PDF carries the signature image in its box
        response = page.request.get(f"{live_server.url}/clients/plans/{plan.pk}/pdf/")
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        data = response.body()
    images = [image for p in PdfReader(io.BytesIO(data)).pages for image in p.images]
    assert images, "the signature is not in the printed plan"
    assert "上記の個別支援計画について説明を受け、同意します。" in "".join(pdf_text(data).split())
    signature = PlanSignature.objects.get(plan=plan)
    assert signature.kind == "tablet" and signature.content_type == "image/png"
    plan.refresh_from_db()
    assert plan.agreed_on == signature.signed_on  # the signing day is the agreement day
    (ARTIFACTS / "plan-signed.pdf").write_bytes(data)

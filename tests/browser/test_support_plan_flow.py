"""Rule: on a phone-sized screen (390×844), a supervisor takes a new client from the assessment to an agreed
plan — draft with its goals table, support-plan meeting, the client's agreement, handed over, signed in the
signature box and printed (the PDF carries the signature and the goals) — and records
the first monitoring with progress per goal, in Japanese, in Chromium; no page scrolls sideways."""

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from clients.models import CareerProfile, JobField, SupportPlan
from compostela.models import Role
from tests.browser_support import watch_console
from tests.factories import (
    TEST_PASSWORD,
    CertificateFactory,
    ClientFactory,
    MembershipFactory,
    OfficeFactory,
    UserFactory,
)
from tests.pdf_reading import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = 390


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, page.url


def test_a_supervisor_takes_a_new_client_to_an_agreed_plan_and_a_first_monitoring(live_server, browser, today):
    # given a supervisor and a new client with a transition certificate and an IPS career profile
    office = OfficeFactory(name="就労移行支援事業所コンポステラ", number="0110000001")
    supervisor = UserFactory(username="sv1", last_name="佐藤", first_name="恵")
    MembershipFactory(user=supervisor, office=office, role=Role.SUPERVISOR)
    client = ClientFactory(office=office, family_name="北野", given_name="春香", enrolled_on=date(2025, 6, 2))
    CertificateFactory(client=client, period_start=date(2025, 6, 1), period_end=date(2026, 5, 31))
    CareerProfile.objects.create(
        client=client, dream_job="図書館の司書", job_fields=[JobField.OFFICE], hours_per_week=20, updated_by=supervisor
    )
    context = browser.new_context(
        viewport={"width": PHONE, "height": 844}, locale="ja-JP", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    console_errors = watch_console(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "sv1")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    # when writing the draft from the client page: assessment, wishes, policy, goals, and the goals table
    page.goto(f"{live_server.url}/clients/{client.pk}/")
    page.get_by_role("link", name="個別支援計画の作成").click()
    assert page.locator("#id_service").input_value() == "transition"
    page.fill("#id_period_start", "2025-06-14")
    page.fill("#id_period_end", "2025-12-13")
    page.fill("#id_assessed_on", today.isoformat())
    page.fill("#id_assessment", "週3日通所。午前は体調が揺れやすい。")
    page.fill("#id_person_wishes", "事務の仕事で一般就労したい")
    page.fill("#id_overall_policy", "本人の希望を優先し、早期に求職活動を始める（IPS）")
    page.fill("#id_long_term_goal", "事務職で週20時間働く")
    page.fill("#id_goals-0-goal", "週4日通所する")
    page.fill("#id_goals-0-support", "週1回の振り返り面談")
    page.fill("#id_goals-0-provider", "生活支援員")
    page.fill("#id_goals-0-frequency", "週1回")
    page.fill("#id_goals-1-goal", "事務の求人に3件応募する")
    page.fill("#id_goals-1-support", "職場開拓と面接への同行")
    page.fill("#id_goals-1-provider", "就労支援員")
    page.check("#id_goals-1-is_employment")
    _no_sideways_scroll(page)
    page.click("button[type=submit].primary")
    # then the plan page shows the draft, the next step, and the employment goal beside the career profile
    page.wait_for_selector("h1:has-text('個別支援計画')")
    plan = SupportPlan.objects.get()
    assert page.url.endswith(f"/clients/plans/{plan.pk}/")
    employment = page.locator("#employment")
    assert employment.get_by_text("事務の求人に3件応募する").is_visible()
    assert employment.get_by_text("図書館の司書").is_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "plan-draft-phone.png"), full_page=True)
    # when recording the steps, each from the checklist's next step
    page.locator("#steps li.next a").click()
    page.fill("#id_attendees", "本人、サービス管理責任者、就労支援員")
    page.click("button[type=submit].primary")
    page.locator("#steps li.next a").click()  # the client's agreement
    page.click("button[type=submit].primary")
    page.locator("#steps li.next a").click()  # handed over
    page.click("button[type=submit].primary")
    # then the plan is agreed and handed over, dated today
    plan.refresh_from_db()
    assert (plan.meeting_on, plan.agreed_on, plan.delivered_on) == (today, today, today)
    assert plan.meeting_attendees == "本人、サービス管理責任者、就労支援員"
    assert page.locator("#steps li.done").count() == 5  # assessment, draft, meeting, agreement, hand-over
    # when the person signs the agreed plan on the phone (the signature box), and the plan is printed
    page.get_by_role("link", name="本人の署名を添付").click()
    canvas = page.locator("[data-signature-canvas]")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for x, y in ((0.25, 0.3), (0.4, 0.7), (0.6, 0.3), (0.85, 0.6)):
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y, steps=5)
    page.mouse.up()
    page.locator("[data-signature-save]").click()
    page.wait_for_url(f"**/clients/plans/{plan.pk}/")
    assert page.locator("#signatures").get_by_text("タブレットでの署名").is_visible()
    print_link = page.get_by_role("link", name="個別支援計画書を印刷（PDF）").first.get_attribute("href")
    printed = page.request.get(f"{live_server.url}{print_link}")
    assert printed.status == 200 and printed.headers["content-type"] == "application/pdf"
    pdf = printed.body()
    assert [image for sheet in PdfReader(io.BytesIO(pdf)).pages for image in sheet.images]  # the signature
    text = "".join(pdf_text(pdf).split())
    assert "北野春香" in text and "事務の求人に3件応募する" in text
    # when recording the first monitoring, one row of progress per goal
    page.get_by_role("link", name="モニタリングを記録").click()
    assert page.locator("fieldset.plan-progress").count() == 2
    page.select_option("#id_progress-0-status", "achieved")
    page.fill("#id_progress-0-note", "週4日通えている")
    page.select_option("#id_progress-1-status", "progressing")
    page.fill("#id_person_view", "応募を続けたい")
    page.fill("#id_summary", "通所は安定。応募2件、面接1件。")
    _no_sideways_scroll(page)
    page.click("button[type=submit].primary")
    # then the plan page lists it with the progress per goal, and the client page summarises the plan
    monitoring = page.locator("#monitoring")
    assert monitoring.get_by_text("通所は安定。応募2件、面接1件。").is_visible()
    assert monitoring.get_by_text("達成", exact=True).is_visible()
    assert plan.reviews.get().progress.count() == 2
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "plan-monitored-phone.png"), full_page=True)
    page.goto(f"{live_server.url}/clients/{client.pk}/")
    assert page.locator("#plan").get_by_text("事務職で週20時間働く").is_visible()
    _no_sideways_scroll(page)
    page.locator("#plan").screenshot(path=str(ARTIFACTS / "client-plan-section-phone.png"))
    context.close()
    assert not console_errors, console_errors

"""Rule: the support plan and each monitoring record print as the office's A4 forms — the person, the office,
the サービス管理責任者, the dates of the plan's steps, the goals table and the person's signature box — read
back from the PDF; a tablet signature is printed in the box, a plan not yet agreed prints as the draft
(原案) with an empty box; opening a printout is a read of the person's records."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from clients.documents import monitoring_document, plan_document, support_plan_pdf
from clients.models import PlanGoal, PlanSignature
from compostela.models import ReadPage, SensitiveRead
from tests.clients.plan_print import full_plan, monitoring, signature_png
from tests.conftest import logged_in
from tests.pdf_reading import pdf_font_names, pdf_text

pytestmark = pytest.mark.django_db

CONSENT = "上記の個別支援計画について説明を受け、同意します。"


def _flat(data: bytes) -> str:
    """The PDF's text without spaces and line breaks (table cells wrap their text)."""
    return "".join(pdf_text(data).split())


def _images(data: bytes) -> int:
    """How many different images the PDF holds (WeasyPrint may list one image in every page's resources)."""
    return len({image.data for page in PdfReader(io.BytesIO(data)).pages for image in page.images})


def _tablet_signature(plan, by):
    return PlanSignature.objects.create(
        plan=plan,
        kind="tablet",
        signed_on=plan.agreed_on,
        content=signature_png(),
        content_type="image/png",
        filename="signature.png",
        recorded_by=by,
    )


def test_plan_pdf_prints_the_header_the_contents_the_goals_and_the_consent_sentence(world):
    # given an agreed plan with every field and three goals
    plan = full_plan(world.office, supervisor=world.supervisor)
    # when a staff member prints it
    response = logged_in(world.staff).get(reverse("clients:plan_pdf", args=[plan.pk]))
    # then it is an inline A4 PDF that is not kept in the browser's cache
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "no-store" in response["Cache-Control"]
    data = response.content
    text = _flat(data)
    for expected in (
        "個別支援計画書",
        "就労移行支援",
        "札幌一郎",
        "サッポロイチロウ",
        "コンポステラ",
        "0110000001",
        "サービス管理責任者",
        str(world.supervisor).replace(" ", ""),
        "第1版",
        "2025年5月1日〜2025年10月31日",
        "2025/4/20",
        "2025/4/25",
        "2025/5/2",
        "2025/5/9",
        "事務の仕事に就きたい",
        "無理をせず長く働いてほしい",
        "生活リズムを整え",
        "朝の起床が遅れがち",
        "事務職で週20時間以上働く",
        "2026年3月31日",
        "週4日、10時から15時まで通所する",
        "2025年7月31日",
        "具体的な到達目標",
        "本人の役割",
        "支援内容",
        "担当者",
        "頻度",
        "支援期間",
        "達成時期",
        "週4日の通所を3か月続ける",
        "データ入力の訓練",
        "事務職の求人に応募する",
        "職業指導員",
        "週1回",
        "〜2025/10/31",
        "留意事項",
        "服薬の時間に配慮する",
        CONSENT,
        "同意日",
        "利用者署名",
    ):
        assert expected in text, expected
    assert "原案（同意前）" not in text
    assert any("IPAexGothic" in name for name in pdf_font_names(data))
    # A4 portrait
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    # and the printout is recorded as a read of the person's records
    assert SensitiveRead.objects.filter(user=world.staff, client_id=plan.client_id, page=ReadPage.PLAN_PRINT).exists()


def test_a_plan_not_yet_agreed_prints_as_the_draft_with_an_empty_box_to_sign_on_paper(world):
    plan = full_plan(world.office, supervisor=world.supervisor, agreed_on=None)
    data = support_plan_pdf(plan=plan).data
    text = _flat(data)
    assert "原案（同意前）" in text and CONSENT in text
    assert "年月日" in text  # the blank date the person writes
    assert _images(data) == 0


def test_the_tablet_signature_is_printed_in_the_signature_box(world):
    # given an agreed plan the person signed on the tablet
    plan = full_plan(world.office, supervisor=world.supervisor)
    _tablet_signature(plan, world.supervisor)
    # when it is printed
    data = support_plan_pdf(plan=plan).data
    # then the signature image is in the PDF, with the signing day in the box
    assert _images(data) == 1
    assert "2025年5月9日" in _flat(data) and "署名はタブレットで記録" in _flat(data)


def test_monitoring_pdf_prints_the_plan_it_monitors_the_progress_per_goal_the_view_and_the_change(world):
    # given a monitoring of the plan with progress on two of its three goals
    plan = full_plan(world.office, supervisor=world.supervisor)
    review = monitoring(plan, by=world.staff)
    # when it is printed
    response = logged_in(world.staff).get(reverse("clients:monitoring_pdf", args=[review.pk]))
    # then
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = _flat(response.content)
    for expected in (
        "モニタリング記録",
        "札幌一郎",
        "コンポステラ",
        "0110000001",
        "実施日",
        "2025年8月1日",
        str(world.staff).replace(" ", ""),
        "第1版（2025/5/1〜2025/10/31）",
        "計画の同意日",
        "2025年5月9日",
        "事務職で週20時間以上働く",
        "週4日の通所を3か月続ける",
        "達成",
        "3か月継続",
        "一部達成・継続",
        "1時間あたり2,000字",
        "事務職の求人に応募する",
        "疲れにくくなった",
        "通所は安定",
        "■変更なし（現計画を継続）",
        "上記のモニタリングの結果について説明を受けました。",
        "利用者署名",
    ):
        assert expected in text, expected
    assert SensitiveRead.objects.filter(client_id=plan.client_id, page=ReadPage.PLAN_PRINT).count() == 1


def test_the_builders_read_a_fixed_number_of_queries_whatever_the_number_of_goals(world, django_assert_num_queries):
    plan = full_plan(world.office, supervisor=world.supervisor)
    review = monitoring(plan, by=world.staff)
    _tablet_signature(plan, world.supervisor)
    with django_assert_num_queries(3):
        plan_document(plan=plan)
    with django_assert_num_queries(4):
        monitoring_document(review=review)
    # more goals and signatures: the same counts
    for order in range(4, 12):
        PlanGoal.objects.create(plan=plan, order=order, goal=f"目標{order}", support="支援", staff=world.staff)
    _tablet_signature(plan, world.supervisor)
    with django_assert_num_queries(3):
        assert len(plan_document(plan=plan).goals) == 11
    with django_assert_num_queries(4):
        assert len(monitoring_document(review=review).rows) == 11


def test_the_plan_page_links_the_printouts_the_signatures_and_attaching_one(world):
    """Rule: the plan is printed and signed from its page — the plan's PDF, each monitoring's PDF, each
    signature's file; attaching a signature is offered to supervisors only."""
    plan = full_plan(world.office, supervisor=world.supervisor)
    signature = _tablet_signature(plan, world.supervisor)
    review = monitoring(plan, by=world.staff)
    url = reverse("clients:plan_detail", args=[plan.pk])
    html = logged_in(world.supervisor).get(url).content.decode()
    for link in (reverse("clients:plan_pdf", args=[plan.pk]), reverse("clients:monitoring_pdf", args=[review.pk]),
                 reverse("clients:plan_signature_file", args=[signature.pk]),
                 reverse("clients:plan_signature_add", args=[plan.pk])):
        assert link in html, link
    staff_html = logged_in(world.staff).get(url).content.decode()
    assert reverse("clients:plan_pdf", args=[plan.pk]) in staff_html
    assert reverse("clients:plan_signature_add", args=[plan.pk]) not in staff_html


def test_another_offices_plan_and_monitoring_are_not_found(world):
    plan = full_plan(world.office, supervisor=world.supervisor)
    review = monitoring(plan, by=world.staff)
    outsider = logged_in(world.outsider)
    assert outsider.get(reverse("clients:plan_pdf", args=[plan.pk])).status_code == 404
    assert outsider.get(reverse("clients:monitoring_pdf", args=[review.pk])).status_code == 404
    assert not SensitiveRead.objects.filter(client_id=plan.client_id).exists()


def test_the_plan_pdf_file_name_names_the_person_version_and_period(world):
    plan = full_plan(world.office, supervisor=world.supervisor)
    response = logged_in(world.staff).get(reverse("clients:plan_pdf", args=[plan.pk]))
    assert "20250501" in response["Content-Disposition"] and date(2025, 5, 1) == plan.period_start

"""A complete support plan to print (every header field, three goals, a monitoring with progress) and the
signature files the print-and-sign tests send.  Plain ORM writes: the plan screens' services are not what
these tests are about."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from clients.models import GoalProgress, GoalProgressStatus, PlanGoal, SupportPlan, SupportPlanReview
from tests.factories import ClientFactory, SupportPlanFactory

PERSON = ("札幌", "一郎", "サッポロ", "イチロウ")


def full_plan(office, *, supervisor, agreed_on: date | None = date(2025, 5, 9)) -> SupportPlan:
    family, given, family_kana, given_kana = PERSON
    client = ClientFactory(
        office=office, family_name=family, given_name=given, family_name_kana=family_kana, given_name_kana=given_kana
    )
    plan = SupportPlanFactory(
        client=client,
        version=1,
        created_by=supervisor,
        period_start=date(2025, 5, 1),
        period_end=date(2025, 10, 31),
        assessed_on=date(2025, 4, 20),
        created_on=date(2025, 4, 25),
        meeting_on=date(2025, 5, 2),
        meeting_attendees="本人、サービス管理責任者、就労支援員",
        agreed_on=agreed_on,
        delivered_on=agreed_on,
        consultation_office="札幌市相談支援センターひかり",
        person_wishes="事務の仕事に就きたい。体調を崩さずに働き続けたい。",
        family_wishes="無理をせず長く働いてほしい。",
        overall_policy="生活リズムを整え、事務職での一般就労をめざす。",
        issues="朝の起床が遅れがち。",
        long_term_goal="事務職で週20時間以上働く",
        long_term_goal_by=date(2026, 3, 31),
        short_term_goal="週4日、10時から15時まで通所する",
        short_term_goal_by=date(2025, 7, 31),
        care_points="疲れが見えたら休憩を促す。服薬の時間に配慮する。",
    )
    goals = [
        PlanGoal.objects.create(
            plan=plan,
            order=1,
            goal="週4日の通所を3か月続ける",
            target_on=date(2025, 7, 31),
            person_role="前日に体調を記録する",
            support="通所状況の確認と面談",
            provider="職業指導員",
            staff=supervisor,
            frequency="週1回",
            support_until=date(2025, 10, 31),
        ),
        PlanGoal.objects.create(
            plan=plan,
            order=2,
            goal="PCでの入力作業に慣れる",
            target_on=date(2025, 9, 30),
            person_role="練習課題に取り組む",
            support="データ入力の訓練",
            provider="就労支援員",
            frequency="毎日",
            support_until=date(2025, 10, 31),
        ),
        PlanGoal.objects.create(
            plan=plan,
            order=3,
            goal="事務職の求人に応募する",
            target_on=date(2025, 10, 31),
            person_role="希望条件を整理する",
            support="求人開拓と同行",
            provider="就労支援員",
            frequency="随時",
            support_until=date(2025, 10, 31),
            is_employment=True,
        ),
    ]
    plan.test_goals = goals
    return plan


def monitoring(plan: SupportPlan, *, by, on: date = date(2025, 8, 1)) -> SupportPlanReview:
    review = SupportPlanReview.objects.create(
        plan=plan,
        reviewed_on=on,
        reviewed_by=by,
        summary="通所は安定。入力作業の速度が上がった。",
        person_view="疲れにくくなった。応募を始めたい。",
        changes_plan=False,
    )
    goals = list(plan.goals.order_by("order"))
    GoalProgress.objects.create(review=review, goal=goals[0], status=GoalProgressStatus.ACHIEVED, note="3か月継続")
    GoalProgress.objects.create(
        review=review, goal=goals[1], status=GoalProgressStatus.PROGRESSING, note="1時間あたり2,000字"
    )
    return review


def signature_png(*, blank: bool = False, size=(600, 200)) -> bytes:
    """A PNG like the tablet's canvas makes: transparent, with a dark stroke unless ``blank``."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line([(40, 150), (200, 40), (360, 160), (560, 60)], fill=(17, 17, 17, 255), width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def png_of_size(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 255).save(buffer, "PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb's shape)."""
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + _chunk(b"IDAT", zlib.compress(b"")) + _chunk(b"IEND", b"")


def jpeg_scan() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 420), "white").save(buffer, "JPEG")
    return buffer.getvalue()


PDF_SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)

"""Rule (issue 18, "History pages for people"): a history page reads like the other screens, in Japanese and
in English — fields by their verbose names, choice labels, related rows by name (a deleted one as
「削除済み (#12)」), yes/no, numbers with separators, moments in Asia/Tokyo as "Y-m-d H:i" — never
True/False/None, a raw column name or a UTC ISO time (``compostela.history``)."""

import re
from datetime import UTC, date, datetime, time

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from attendance.models import AttendanceStatus
from attendance.services import AttendanceRow, attendance_record_day
from billing.models import MonthClosing
from clients.models import Client
from compostela.audit import audit_context, audit_record_export
from compostela.history import HIDDEN_COLUMNS, audit_exports, field_label, history_rows
from compostela.models import AuditEvent
from review.models import CaseReviewMark
from tests.conftest import logged_in
from tests.factories import CertificateFactory, ClientFactory

pytestmark = pytest.mark.django_db
LATE_NOVEMBER_UTC = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)  # 2026-12-01 00:30 in Tokyo
RAW = ["True", "False", "None", "client_id", "marked_at", "closed_by", "updated_by", "2026-11-30T15:30"]
WORDS = {
    "ja": {
        "status": "施設外支援",
        "yes": "あり",
        "no": "なし",
        "client": "利用者",
        "marked_at": "確認日時",
        "closed_by": "締め実行者",
    },
    "en": {
        "status": "Off-site support",
        "yes": "yes",
        "no": "no",
        "client": "Client",
        "marked_at": "Marked at",
        "closed_by": "Closed by",
    },
}


def _history_table(http, url) -> str:
    page = http.get(url).content.decode()
    return page[page.index('<table class="history">') : page.index("</table>")]


def _as(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return logged_in(user)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_client_history_shows_labels_names_yes_no_and_tokyo_times_never_raw_values(world, clock, language):
    # given an attendance row (a choice, yes/no, times) and a review mark stamped late on 30 November UTC
    client = ClientFactory(
        office=world.office, family_name="北村", given_name="一郎", enrolled_on=date(2026, 1, 5), status="enrolled"
    )
    CertificateFactory(client=client, period_start=date(2026, 1, 1), period_end=date(2027, 12, 31))
    attendance_record_day(
        office=world.office,
        day=date(2026, 11, 2),
        by=world.staff,
        today=date(2026, 11, 24),
        rows=[
            AttendanceRow(
                client_id=client.pk,
                status=AttendanceStatus.OFFSITE,
                start_time=time(10),
                end_time=time(15),
                transport_to=True,
                transport_from=False,
                meal=False,
                note="",
            )
        ],
    )
    with audit_context(user=world.supervisor, reason="test"):
        mark = CaseReviewMark.objects.create(
            office=world.office, client=client, day=date(2026, 11, 30), marked_by=world.supervisor
        )
        CaseReviewMark.objects.filter(pk=mark.pk).update(marked_at=LATE_NOVEMBER_UTC)
    # when
    table = _history_table(_as(world.supervisor, language), reverse("clients:history", args=[client.pk]))
    # then
    words = WORDS[language]
    assert words["status"] in table  # the choice's label, not "offsite"
    assert "北村 一郎" in table  # the related row by name, not its id
    assert f"<dt>{words['client']}</dt>" in table  # the field's verbose name (capitalised in English)
    assert f"<ins>{words['yes']}</ins>" in table and f"<ins>{words['no']}</ins>" in table
    assert "<ins>10:00</ins>" in table  # a time as the screens show it (H:i), not 10:00:00
    assert f"<dt>{words['marked_at']}</dt>" in table
    assert "2026-12-01 00:30" in table  # the moment in Asia/Tokyo
    for raw in RAW + ["offsite"]:
        assert raw not in table, raw


@pytest.mark.parametrize("language", ["ja", "en"])
def test_billing_month_history_shows_the_closing_in_tokyo_time_with_grouped_numbers(world, language):
    with audit_context(user=world.manager, reason="test"):
        MonthClosing.objects.create(
            office=world.office,
            month=date(2026, 11, 1),
            version=1,
            closed_at=LATE_NOVEMBER_UTC,
            closed_by=world.manager,
            total_units=162900,
        )
    table = _history_table(_as(world.manager, language), reverse("billing:month_history", args=[2026, 11]))
    assert "2026-12-01 00:30" in table
    assert f"<dt>{WORDS[language]['closed_by']}</dt><dd><ins>{world.manager}</ins>" in table
    assert "162,900" in table
    for raw in RAW:
        assert raw not in table, raw


def test_a_deleted_related_row_is_named_as_deleted_with_its_number(world):
    with audit_context(user=world.supervisor, reason="test"):
        client = ClientFactory(office=world.office, service_period=False)
        mark = CaseReviewMark.objects.create(
            office=world.office, client=client, day=date(2026, 11, 30), marked_by=world.supervisor
        )
        mark.delete()
        client_pk = client.pk
        Client.objects.filter(pk=client_pk).delete()
    with translation.override("ja"):
        rows = history_rows(AuditEvent.objects.across(CaseReviewMark.pgh_event_model).order_by("pgh_id"))
        shown = {change.field: change.after.text for change in rows[0].changes}
    assert shown["利用者"] == f"削除済み (#{client_pk})"


def test_an_export_event_says_what_was_exported_and_how_many_rows(world):
    audit_record_export(user=world.manager, office=world.office, what="billing month claim lines CSV", rows=1234)
    with translation.override("ja"):
        (row,) = history_rows(audit_exports())
        shown = {change.field: change.after.text for change in row.changes}
    assert row.who == str(world.manager)
    assert shown == {"書き出した内容": "billing month claim lines CSV", "行数": "1,234"}


def test_every_recorded_field_has_a_japanese_label():
    # the fields a history page names: every column of every tracked model but the bookkeeping ones
    untranslated = []
    with translation.override("ja"):
        for model in apps.get_models():
            if not hasattr(model, "pgh_event_model"):
                continue
            labels = [str(model._meta.verbose_name)] + [
                field_label(f) for f in model._meta.concrete_fields if f.column not in HIDDEN_COLUMNS
            ]
            untranslated += [(model._meta.label, label) for label in labels if re.search(r"[a-z]{2}", label)]
    assert untranslated == []

"""Attendance and the case review left the clients app (issue 15): a database made before the move migrates
forward with nothing lost — its attendance, granted-days confirmations, review marks and settings are read
through the new apps, and a month billing had closed stays read-only for attendance."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from attendance.models import Attendance, ClosedMonth, GrantedDaysOverride
from review.models import CaseReviewMark, CaseReviewSettings

# The last migrations before the move; everything after them is the move and what came with it.
BEFORE_THE_MOVE = [
    ("clients", "0008_certificate_service"),
    ("billing", "0004_generated_document"),
    ("attendance", None),
    ("review", None),
    ("regulations", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor._create_project_state(with_applied_migrations=True).apps  # the models as applied now


@pytest.mark.django_db(transaction=True)
def test_rows_made_before_the_move_are_read_by_the_new_apps_after_it():
    # given a database at the schema before the move, with a day of attendance, a confirmation, a closed
    # month, a review mark and the review settings written through the old (clients) models
    old = _migrate(BEFORE_THE_MOVE)
    office = old.get_model("compostela", "Office").objects.create(
        name="移行前", number="0119999901", capacity=20, area_grade="7", opened_on=date(2010, 4, 1))
    user = old.get_model("compostela", "User").objects.create(username="before-the-move")
    client = old.get_model("clients", "Client").objects.create(
        office=office, family_name="山田", given_name="花子", family_name_kana="ヤマダ", given_name_kana="ハナコ",
        birth_date=date(1990, 1, 1), status="enrolled", enrolled_on=date(2025, 4, 1))
    attendance = old.get_model("clients", "Attendance").objects.create(
        office=office, client=client, day=date(2025, 5, 12), status="attended", updated_by=user)
    old.get_model("clients", "GrantedDaysOverride").objects.create(
        client=client, month=date(2025, 5, 1), reason="通院の振替", confirmed_by=user)
    old.get_model("clients", "CaseReviewMark").objects.create(
        office=office, client=client, day=date(2025, 5, 13), marked_by=user)
    old.get_model("clients", "CaseReviewSettings").objects.create(office=office, quiet_days=10, updated_by=user)
    old.get_model("billing", "MonthClosing").objects.create(
        office=office, month=date(2025, 5, 1), version=1, closed_at=timezone.now(), closed_by=user)

    # when the database migrates forward to today's schema
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    # then every row is there, read through the new apps, and the closed month locks attendance
    assert Attendance.objects.get(pk=attendance.pk).status == "attended"
    assert GrantedDaysOverride.objects.get(client_id=client.pk).reason == "通院の振替"
    assert CaseReviewMark.objects.filter(office_id=office.pk, client_id=client.pk).count() == 1
    assert CaseReviewSettings.objects.get(office_id=office.pk).quiet_days == 10
    assert list(ClosedMonth.objects.filter(office_id=office.pk).values_list("month", flat=True)) == [date(2025, 5, 1)]

"""A known May 2024 of the first office, for the document tests.

FY2024 at 811 units a day (the city's notice), Sapporo grade 7 at 10.17 yen a unit:
* 札幌 一郎 (general 1, cap 9,300): 10 attended days → 8,110 units → 82,478 yen, co-pay 8,247, claimed 74,231
* 小樽 花子 (public assistance, cap 0): 5 attended + 1 absence with support → 4,149 units → 42,195 yen, co-pay 0
Totals: 12,259 units, 124,673 yen, co-payments 8,247 yen, claimed 116,426 yen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

import pytest
from django.db import transaction

from attendance.models import Attendance, AttendanceStatus
from billing.services.tier import retention_tier_override
from clients.models import Client, IncomeCategory
from tests.billing.helpers import weekdays
from tests.conftest import make_world
from tests.factories import CertificateFactory, ClientFactory, attend, monitored_plan

MAY = date(2024, 5, 1)
TOTAL_YEN, COPAYMENTS, CLAIMED = 124673, 8247, 116426


@dataclass
class KnownMonth:
    office: object
    ichiro: Client
    hanako: Client


def build_known_month(world) -> KnownMonth:
    office = world.office
    retention_tier_override(office=office, fiscal_year=2024, rate=Decimal("0.3"), reason="通知", by=world.manager)
    ichiro = ClientFactory(office=office, family_name="札幌", given_name="一郎", family_name_kana="サッポロ",
                           given_name_kana="イチロウ")
    CertificateFactory(client=ichiro, number="0123456789", income_category=IncomeCategory.GENERAL_1, copay_cap=9300)
    monitored_plan(ichiro, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 10))
    attend(ichiro, weekdays(date(2024, 5, 1), date(2024, 5, 14)), start_time=time(10, 0), end_time=time(15, 0))
    hanako = ClientFactory(office=office, family_name="小樽", given_name="花子", family_name_kana="オタル",
                           given_name_kana="ハナコ")
    CertificateFactory(client=hanako, number="0987654321", income_category=IncomeCategory.WELFARE, copay_cap=0)
    monitored_plan(hanako, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 10))
    attend(hanako, weekdays(date(2024, 5, 1), date(2024, 5, 7)), start_time=time(9, 30), end_time=time(12, 0))
    attend(hanako, [date(2024, 5, 8)], status=AttendanceStatus.ABSENT_SUPPORTED, note="電話で体調を確認")
    Attendance.objects.filter(client=hanako, day=date(2024, 5, 2)).update(transport_to=True, meal=True)
    return KnownMonth(office=office, ichiro=ichiro, hanako=hanako)


@pytest.fixture
def known_month(world) -> KnownMonth:
    return build_known_month(world)


@pytest.fixture(scope="module")
def module_data(django_db_setup, django_db_blocker):
    """Run ``build(world)`` and ``make(data)`` once for a module inside a transaction that is rolled back:
    PDFs are slow to make, so each module renders its documents once."""

    def run(make):
        with django_db_blocker.unblock(), transaction.atomic():
            world = make_world()
            data = build_known_month(world)
            result = make(world, data)
            transaction.set_rollback(True)
        return result

    return run


@pytest.fixture
def workers(tmp_path):
    """Start real worker processes (``workers("plain")``, ``workers("stall")`` …, see ``worker_main.py``) on
    the test database; a transactional test only, so that they see its rows.  Stopped, and the queue
    emptied, at the end."""
    from tests.billing.documents.workers import Worker, clear_the_queue

    started = []

    def start(*args: str) -> Worker:
        worker = Worker(*args, log=tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    clear_the_queue()

"""Billing demo rows: fee settings for the demo offices (idempotent), and the demo office's older months
closed when attendance exists for them (so the screens show both snapshots and live months)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from attendance.models import Attendance
from billing.models import (
    MonthClosing,
    OfficeFeeSettings,
    OfficeTreatmentImprovement,
    QualifiedStaff,
    RetentionSupportNoHistoryRate,
    Service,
    TransportLevel,
    TreatmentCategory,
    TreatmentScheme,
)
from billing.services.closing import billing_month_close
from billing.services.fees import BillingConfigurationError
from billing.services.revisions import FEES_DIR, revision_file_read, revision_load
from billing.services.tier import retention_support_no_history_rate_set
from compostela.models import Membership, Office, Role

CLOSE_MONTHS_BEFORE = 2  # close every month with attendance older than the last two
DEMO_NOTICE = "デモ用の架空の通知（実績のない事業所の就労定着率）"
# the EXAMPLE revision (made-up staff-pay rates and service codes, demonstration offices only) and the demo
# office's staff-pay category from it, so its months from 2026-06 show the 処遇改善 line and service codes
EXAMPLE_REVISION = "example-2026-06.json"
EXAMPLE_FROM = date(2026, 6, 1)


@transaction.atomic
def seed(*, offices: list[Office], clients_per_office: int, years: int, rng, stdout=None) -> None:
    for index, office in enumerate(offices):
        OfficeFeeSettings.objects.update_or_create(
            office=office, valid_from=date(2018, 4, 1),
            defaults={
                "qualified_staff": QualifiedStaff.I if index == 0 else rng.choice([QualifiedStaff.II, ""]),
                "trained_staff": True,
                "transport": TransportLevel.NONE,
                "meals": False,
                "runs_retention_support": index == 0,
            },
        )
    if not offices:
        return
    demo = offices[0]
    manager = Membership.objects.filter(office=demo, role=Role.MANAGER).select_related("user").first()
    if manager is None:
        return
    revision_load(data=revision_file_read(FEES_DIR / EXAMPLE_REVISION), loaded_from=f"fixtures/fees/{EXAMPLE_REVISION}",
                  by=manager.user)
    for service in Service.values:
        OfficeTreatmentImprovement.objects.update_or_create(
            office=demo, service=service, scheme=TreatmentScheme.UNIFIED, valid_from=EXAMPLE_FROM,
            defaults={"category": TreatmentCategory.IA, "note": "デモ（EXAMPLEの率）"},
        )
    if not RetentionSupportNoHistoryRate.objects.filter(office=demo).exists():
        # the demo's early years have no retention-support history (0 ÷ 0): a (made-up) notice sets the tier
        retention_support_no_history_rate_set(office=demo, rate=Decimal(0), notice=DEMO_NOTICE, by=manager.user)
    today = timezone.localdate().replace(day=1)
    months = sorted({d.replace(day=1) for d in Attendance.objects.filter(office=demo).dates("day", "month")})
    already = set(MonthClosing.objects.filter(office=demo).values_list("month", flat=True))
    closed = 0
    for month in months:
        if month in already or month > today - relativedelta(months=CLOSE_MONTHS_BEFORE + 1):
            continue
        try:
            billing_month_close(office=demo, month=month, by=manager.user)
        except BillingConfigurationError:
            continue
        closed += 1
    if stdout is not None:
        stdout.write(f"Billing: fee settings for {len(offices)} office(s); {closed} month(s) closed.")

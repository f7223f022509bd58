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
from clients.models import Certificate, CertificateService
from compostela.models import Membership, Office, Role

CLOSE_MONTHS_BEFORE = 2  # close every month with attendance older than the last two
DEMO_NOTICE = "デモ用の架空の通知（実績のない事業所の就労定着率）"
# the EXAMPLE revision (made-up staff-pay rates and service codes, demonstration offices only) and the demo
# office's staff-pay category from it, so its months from 2026-06 show the 処遇改善 line and service codes
EXAMPLE_REVISION = "example-2026-06.json"
EXAMPLE_FROM = date(2026, 6, 1)
# what the electronic claim file reads from the office and the certificates, for the demo office: the real
# municipality codes of the demo's municipalities (全国地方公共団体コード with their check digit), made-up decided
# service codes in the EXAMPLE style (…X…, which no code table uses), the first line of the provider column
DEMO_PREFECTURE = "01"  # 北海道
DEMO_CONTROL_MUNICIPALITY = "000000"  # demo value of the control record's 市町村番号 (the 国保連 instructs it)
DEMO_MUNICIPALITY_NUMBERS = {"札幌市": "011002", "江別市": "012173", "北広島市": "012343"}
DEMO_DECISION_CODES = {CertificateService.TRANSITION: "43XD01", CertificateService.RETENTION_SUPPORT: "47XD01"}
DEMO_RETENTION_GRANTED_DAYS = 1  # demo value of a 就労定着支援 certificate's 支給量 (its 契約支給量)


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
    claim_file_data(office=demo)
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


def claim_file_data(*, office: Office) -> None:
    """The demo office's claim-file data (idempotent: only what is still empty is filled), so its closed months
    give a SAMPLE file that passes its own layout check: the office's prefecture and control-record numbers;
    each certificate's municipality number, decided service code, provider entry number and contract start
    (the start of its period), and the granted days of the 就労定着支援 certificates."""
    changed = [f for f in ("prefecture_number", "claim_file_municipality_number") if not getattr(office, f)]
    office.prefecture_number = office.prefecture_number or DEMO_PREFECTURE
    office.claim_file_municipality_number = office.claim_file_municipality_number or DEMO_CONTROL_MUNICIPALITY
    if changed:
        office.save(update_fields=changed)
    certificates = list(Certificate.objects.filter(office=office, municipality_number=""))
    for cert in certificates:
        cert.municipality_number = DEMO_MUNICIPALITY_NUMBERS.get(cert.municipality, DEMO_MUNICIPALITY_NUMBERS["札幌市"])
        cert.decision_service_code = DEMO_DECISION_CODES[cert.service]
        cert.provider_entry_number = cert.provider_entry_number or 1
        cert.contract_start = cert.contract_start or cert.period_start
        if cert.service == CertificateService.RETENTION_SUPPORT and not cert.granted_days:
            cert.granted_days = DEMO_RETENTION_GRANTED_DAYS
    Certificate.objects.bulk_update(certificates, ["municipality_number", "decision_service_code",
                                                   "provider_entry_number", "contract_start", "granted_days"])

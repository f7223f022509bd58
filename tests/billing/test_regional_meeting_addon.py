"""Rules of the regional cooperation meeting add-on (地域連携会議実施加算 I/II, 2024 revision) in the claim: each
kind's meetings of the month on a day inside a certificate and the period of use count, at most the rate's
monthly maximum and what the earlier months of the fiscal year (April–March) leave of its yearly maximum; a
kind without units loaded for the month holds the line (not claimable, closing refuses); the explanation and
the record sheet show the meetings on their days.

The units and maxima below are test figures made here (not the notice's): the shipped revisions carry none."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance.models import RegionalMeetingKind
from attendance.services import regional_meeting_record
from billing.documents.pdfs import KIND_RECORDS, billing_month_pdf
from billing.documents.record_sheet import record_sheets_for_month
from billing.errors import BillingError, CloseCheck
from billing.explain import claim_explanation_rows
from billing.models import AddOnKind, AddOnRate
from billing.services.checks import close_checks
from billing.services.claims import billing_month_compute
from billing.services.closing import billing_month_close
from billing.services.revisions import revision_load
from billing.services.tier import retention_tier_override
from tests.billing.helpers import weekdays
from tests.billing.test_fee_revisions import a_2026_revision
from tests.conftest import logged_in
from tests.factories import CertificateFactory, ClientFactory, attend, monitored_plan
from tests.helpers import codes_of
from tests.pdf_reading import pdf_text

pytestmark = pytest.mark.usefixtures("clock")

MAY = date(2024, 5, 1)
KIND_I, KIND_II = RegionalMeetingKind.I, RegionalMeetingKind.II
MEETING_I, MEETING_II = AddOnKind.REGIONAL_MEETING_I, AddOnKind.REGIONAL_MEETING_II


@pytest.fixture
def office(world):
    """FY2024 and FY2025 at 811 units a day (the city's notice)."""
    for fiscal_year in (2024, 2025):
        retention_tier_override(office=world.office, fiscal_year=fiscal_year, rate=Decimal("0.3"), reason="通知",
                                by=world.manager)
    return world.office


def fake_rate(kind=MEETING_I, *, units=100, monthly_max=None, yearly_max=None, valid_from=date(2024, 4, 1)):
    """A test rate (not the notice's figure)."""
    return AddOnRate.objects.create(kind=kind, valid_from=valid_from, units=units, monthly_max=monthly_max,
                                    yearly_max=yearly_max, to_verify=True)


def client_in_service(office, **fields):
    client = ClientFactory(office=office, **fields)
    CertificateFactory(client=client)
    monitored_plan(client, date(2024, 1, 1), date(2026, 3, 31), agreed_on=date(2024, 1, 10))
    return client


def meet(world, client, *days, kind=KIND_I):
    for day in days:
        regional_meeting_record(office=world.office, client=client, day=day, kind=kind,
                                participants="相談支援事業所ぽっけ 山田", by=world.staff)


def line_of(office, client, month=MAY):
    claims = billing_month_compute(office=office, month=month)
    return claims, next(line for line in claims.lines if line.client == client)


def addon(line, kind):
    return next((a for a in line.addons if a.kind == kind), None)


def test_meetings_of_the_month_count_up_to_the_monthly_maximum(world, office):
    fake_rate(units=100, monthly_max=1)
    client = client_in_service(office)
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 10)))
    meet(world, client, date(2024, 5, 8), date(2024, 5, 22))
    _claims, line = line_of(office, client)
    meeting = addon(line, MEETING_I)
    assert (meeting.count, meeting.units_each, meeting.capped_from, meeting.capped_by) == (1, 100, 2, "monthly")
    assert line.addon_units == 100
    assert line.total_units == 8 * 811 + 100
    assert not line.held


def test_the_yearly_maximum_spans_the_fiscal_year_and_starts_again_in_april(world, office):
    fake_rate(units=100, monthly_max=2, yearly_max=3)
    client = client_in_service(office)
    meet(world, client, date(2024, 4, 10), date(2024, 4, 20))  # April: 2 counted
    meet(world, client, date(2024, 5, 10), date(2024, 5, 20))  # May: 1 left of 3
    meet(world, client, date(2024, 6, 10))  # June: none left
    meet(world, client, date(2025, 4, 10))  # the next fiscal year: counted again
    counts = {}
    for month in (date(2024, 4, 1), MAY, date(2024, 6, 1), date(2025, 4, 1)):
        _claims, line = line_of(office, client, month)
        meeting = addon(line, MEETING_I)
        counts[month.strftime("%Y-%m")] = (meeting.count, meeting.capped_by)
    assert counts == {"2024-04": (2, None), "2024-05": (1, "yearly"), "2024-06": (0, "yearly"),
                      "2025-04": (1, None)}


def test_each_kind_counts_on_its_own(world, office):
    fake_rate(MEETING_I, units=100, monthly_max=1)
    fake_rate(MEETING_II, units=50, monthly_max=1)
    client = client_in_service(office)
    meet(world, client, date(2024, 5, 8))
    meet(world, client, date(2024, 5, 8), kind=KIND_II)
    _claims, line = line_of(office, client)
    assert {a.kind: a.units for a in line.addons} == {MEETING_I: 100, MEETING_II: 50}


def test_a_meeting_without_attendance_in_the_month_still_makes_the_line(world, office):
    fake_rate(units=100)
    client = client_in_service(office)
    meet(world, client, date(2024, 5, 8))
    _claims, line = line_of(office, client)
    assert line.billable_days == 0
    assert line.total_units == 100


def test_a_meeting_outside_the_certificate_is_not_claimed_and_the_month_says_so(world, office):
    fake_rate(units=100)
    client = ClientFactory(office=office, family_name="江別", given_name="次郎")
    CertificateFactory(client=client, period_start=date(2024, 5, 15), period_end=date(2025, 5, 14))
    attend(client, [date(2024, 5, 15)])
    meet(world, client, date(2024, 5, 8), date(2024, 5, 20))
    claims, line = line_of(office, client)
    assert addon(line, MEETING_I).count == 1
    assert line.days["meetings_not_counted"] == 1
    assert any("江別 次郎" in w and "1" in w for w in claims.warnings)


def test_the_month_page_badges_a_line_held_for_a_missing_rate_with_a_link_to_the_fee_page(world, office):
    # rule: a line held for a rate the revision in force lacks (ADDON_RATE_MISSING) points to the fee page
    client = client_in_service(office, family_name="小樽", given_name="花子")
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 10)))
    meet(world, client, date(2024, 5, 8), kind=KIND_II)
    page = logged_in(world.manager).get(reverse("billing:index") + "?month=2024-05").content.decode()
    row = page[page.index("小樽 花子"):].split("</td>")[0]
    assert f'<a class="badge warning" href="{reverse("billing:fees")}?month=2024-05">' in row


def test_no_units_loaded_for_the_kind_holds_the_line_and_the_month_cannot_close(world, office):
    client = client_in_service(office, family_name="小樽", given_name="花子")
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 10)))
    meet(world, client, date(2024, 5, 8), kind=KIND_II)
    # when the month is computed with no rate of (II) loaded: no crash, the line is held
    claims, line = line_of(office, client)
    assert line.holds == [BillingError.ADDON_RATE_MISSING]
    assert line.claimed == 0 and addon(line, MEETING_II) is None
    assert line.held_addons == [{"kind": MEETING_II, "count": 1, "dates": ["2024-05-08"]}]
    assert any("小樽 花子" in w and str(AddOnKind.REGIONAL_MEETING_II.label) in w for w in claims.warnings)
    # the pre-close list blocks on it, and closing refuses with its code
    [check] = [c for c in close_checks(claims=claims, earlier_open=[]) if c.code == CloseCheck.ADDON_RATE_MISSING]
    assert check.blocks and "小樽 花子" in check.message
    with pytest.raises(ValidationError) as refused:
        billing_month_close(office=office, month=MAY, by=world.manager)
    assert codes_of(refused.value) == {BillingError.ADDON_RATE_MISSING}


def test_the_explanation_shows_the_meetings_days_the_maximum_and_a_held_kind(world, office):
    fake_rate(units=100, monthly_max=1)
    client = client_in_service(office)
    meet(world, client, date(2024, 5, 8), date(2024, 5, 22))
    meet(world, client, date(2024, 5, 9), kind=KIND_II)  # no rate of (II): held
    _claims, line = line_of(office, client)
    rows = {row.label: row for row in claim_explanation_rows(line.explanation())}
    shown = rows[str(AddOnKind.REGIONAL_MEETING_I.label)]
    assert "2" in shown.detail and "8, 22" in shown.detail and shown.units == 100
    held = rows[str(AddOnKind.REGIONAL_MEETING_II.label)]
    assert "9" in held.detail and held.units is None


def test_the_record_sheet_shows_the_meeting_on_its_day(world, office):
    fake_rate(units=100)
    client = client_in_service(office, family_name="札幌", given_name="一郎")
    attend(client, [date(2024, 5, 8), date(2024, 5, 9)])
    meet(world, client, date(2024, 5, 8))
    meet(world, client, date(2024, 5, 20), kind=KIND_II)  # a day without service: a row of its own
    [sheet] = record_sheets_for_month(office=office, month=MAY, clients=[(client.pk, client.full_name, "")])
    assert [(r.day.day, r.other_addons) for r in sheet.rows] == [
        (8, "地域連携会議(I)"), (9, ""), (20, "地域連携会議(II)")]
    assert (sheet.service_days, sheet.meeting_count) == (2, 2)
    text = "".join(pdf_text(billing_month_pdf(office=office, month=MAY, kind=KIND_RECORDS)).split())
    assert "その他の加算" in text and "地域連携会議(I)" in text and "地域連携会議2回" in text


def test_a_revision_file_carries_the_yearly_maximum_and_absent_means_none(world):
    data = a_2026_revision(addons=[
        {"kind": "regional_meeting_i", "units": 1, "monthly_max": 1, "yearly_max": 4, "verified": False},
        {"kind": "regional_meeting_ii", "units": 1, "monthly_max": None, "verified": False},
    ])
    revision_load(data=data, by=world.manager)
    loaded = {r.kind: r for r in AddOnRate.objects.filter(valid_from=date(2026, 6, 1))}
    assert loaded[MEETING_I].yearly_max == 4
    assert loaded[MEETING_II].yearly_max is None

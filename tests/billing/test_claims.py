"""Rules of the monthly 就労移行支援 claim: billable days, reductions, add-ons, rounding, co-payment."""

from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from attendance.models import AttendanceStatus
from billing.services.claims import billing_month_compute
from billing.services.tier import retention_tier_override
from clients.models import IncomeCategory
from regulations import rules as regulations
from regulations.selectors import figures_on
from tests.billing.helpers import weekdays
from tests.factories import CertificateFactory, ClientFactory, attend, capacity, monitored_plan, office_settings, plan

MAY = date(2024, 5, 1)
TEN_MAY_DAYS = weekdays(date(2024, 5, 1), date(2024, 5, 14))  # 10 weekdays


@pytest.fixture
def office(world):
    """FY2024 at 811 units a day (the city's notice), Sapporo grade 7 at 10.17 yen a unit."""
    retention_tier_override(office=world.office, fiscal_year=2024, rate=Decimal("0.3"), reason="通知", by=world.manager)
    return world.office


def client_with_plan(office, *, cert=None, enrolled_on=date(2024, 4, 1), **cert_fields):
    client = ClientFactory(office=office, enrolled_on=enrolled_on)
    CertificateFactory(client=client, **(cert or {}), **cert_fields)
    monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 10))
    return client


def line_of(office, client, month=MAY):
    result = billing_month_compute(office=office, month=month)
    return next(line for line in result.lines if line.client == client)


def test_ten_attended_days_at_811_units_floor_to_yen_and_pay_ten_percent(office):
    client = client_with_plan(office)
    attend(client, TEN_MAY_DAYS)
    line = line_of(office, client)
    assert line.billable_days == 10
    assert line.basic_units == 8110
    assert line.yen_per_unit == Decimal("10.17")
    assert line.total_yen == 82478  # 8,110 × 10.17 = 82,478.7 → floor
    assert line.copayment == 8247  # floor(8,247.8), under the 9,300 cap
    assert line.claimed == 82478 - 8247


def test_offsite_days_are_billable_and_absences_are_not(office):
    client = client_with_plan(office)
    attend(client, TEN_MAY_DAYS[:4])
    attend(client, TEN_MAY_DAYS[4:6], status=AttendanceStatus.OFFSITE)
    attend(client, TEN_MAY_DAYS[6:], status=AttendanceStatus.ABSENT)
    line = line_of(office, client)
    assert line.billable_days == 6
    assert line.days["offsite"] == 2 and line.days["absent"] == 4


def test_certificate_starting_mid_month_bills_only_days_inside_it(office):
    client = client_with_plan(office, period_start=date(2024, 5, 8))
    attend(client, TEN_MAY_DAYS)  # 1–3 and 6–7 May fall before the certificate
    line = line_of(office, client)
    assert line.days["outside_certificate"] == 5
    assert line.billable_days == 5
    assert line.basic_units == 5 * 811


def test_billable_days_are_capped_at_the_certificates_granted_days(office):
    client = client_with_plan(office, granted_days=7)
    attend(client, TEN_MAY_DAYS)
    line = line_of(office, client)
    assert line.billable_days == 7 and line.days["over_granted_days"] == 3
    assert line.basic[0].days[-1] == TEN_MAY_DAYS[6]  # the first seven days are the ones claimed


@pytest.mark.parametrize(("month", "granted"), [(date(2024, 5, 1), 23), (date(2024, 2, 1), 21),
                                                (date(2023, 2, 1), 20), (date(2024, 4, 1), 22)])
def test_standard_granted_days_are_days_in_month_minus_8(world, office, month, granted):
    client = client_with_plan(office, period_start=date(2023, 1, 1), enrolled_on=date(2023, 1, 1))
    monitored_plan(client, date(2023, 1, 1), date(2023, 12, 31), agreed_on=date(2023, 1, 5))
    retention_tier_override(office=office, fiscal_year=2022, rate=Decimal("0.3"), reason="通知", by=world.manager)
    next_month = month + relativedelta(months=1)
    attend(client, [date.fromordinal(o) for o in range(month.toordinal(), next_month.toordinal())])  # every day
    line = line_of(office, client, month)
    assert line.billable_days == granted


# -- reductions ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("cert_start", "percent", "units"), [
    (date(2024, 5, 1), 70, 568),  # first month without a plan: 811 × 70 % = 567.7 → 568
    (date(2024, 4, 1), 70, 568),  # second month
    (date(2024, 3, 1), 50, 406),  # third month: 811 × 50 % = 405.5 → 406
])
def test_missing_support_plan_reduces_basic_units_70_then_50_percent(office, cert_start, percent, units):
    client = ClientFactory(office=office)
    CertificateFactory(client=client, period_start=cert_start)
    attend(client, TEN_MAY_DAYS)
    line = line_of(office, client)
    assert line.reductions["plan_missing_percent"] == percent
    assert line.basic[0].units_per_day == units
    assert line.basic_units == 10 * units


def test_a_plan_not_yet_agreed_does_not_count_and_an_earlier_agreed_plan_restarts_the_count(office):
    client = ClientFactory(office=office)
    CertificateFactory(client=client, period_start=date(2024, 1, 1))
    monitored_plan(client, date(2024, 1, 1), date(2024, 4, 30), agreed_on=date(2024, 1, 10))
    plan(client, date(2024, 5, 1), date(2024, 7, 31), agreed_on=None)
    attend(client, TEN_MAY_DAYS)
    line = line_of(office, client)
    # the agreed plan was monitored in April and ended with it: May, under a draft only, is its first month
    # without a plan, and the explanation says why
    assert line.reductions["plan_missing_months"] == 1
    assert (line.reductions["plan_gap"], line.reductions["plan_expired_on"]) == ("expired", "2024-04-30")
    assert line.basic[0].units_per_day == 568


def many_clients(office, count, day):
    for _ in range(count):
        client = client_with_plan(office)
        attend(client, [day])


def test_over_150_percent_of_capacity_on_a_day_reduces_that_day_to_70_percent(office):
    many_clients(office, 30, TEN_MAY_DAYS[0])
    client = client_with_plan(office)
    attend(client, TEN_MAY_DAYS)  # 31 users on 1 May: more than 30
    line = line_of(office, client)
    assert line.reductions["over_capacity_days"] == 1
    assert sorted((len(g.days), g.units_per_day) for g in line.basic) == [(1, 568), (9, 811)]


def test_exactly_150_percent_of_capacity_is_not_over(office):
    many_clients(office, 29, TEN_MAY_DAYS[0])
    client = client_with_plan(office)
    attend(client, TEN_MAY_DAYS)
    assert line_of(office, client).basic_units == 8110


def test_three_month_total_above_125_percent_reduces_the_whole_month(office):
    capacity(office, date(2024, 1, 1), 12)  # 12 × 125 % = 15 users a day on average
    many_clients(office, 15, date(2024, 3, 29))  # March: 15 users on the one open day — at the limit
    client = client_with_plan(office)
    attend(client, [TEN_MAY_DAYS[0]])  # May: 1 user — three-month total 16 over 2 open days (limit 30)
    line = line_of(office, client)
    assert not line.reductions["over_capacity_rolling"]
    many_clients(office, 14, TEN_MAY_DAYS[0])  # May 1: 15 users, total 30 over 2 days: at the limit
    assert not line_of(office, client).reductions["over_capacity_rolling"]
    many_clients(office, 1, TEN_MAY_DAYS[0])  # 31 > 30
    line = line_of(office, client)
    assert line.reductions["over_capacity_rolling"]
    assert line.basic[0].units_per_day == 568


def test_both_reductions_round_step_by_step(office):
    many_clients(office, 30, TEN_MAY_DAYS[0])
    client = ClientFactory(office=office)
    CertificateFactory(client=client, period_start=date(2024, 5, 1))  # no plan: 70 %
    attend(client, TEN_MAY_DAYS)
    line = line_of(office, client)
    reduced = next(g for g in line.basic if len(g.steps) == 2)
    # 811 × 70 % = 567.7 → 568; 568 × 70 % = 397.6 → 398 (one step at 49 % would give 397)
    assert [s["units_per_day"] for s in reduced.steps] == [568, 398]
    assert line.basic_units == 398 + 9 * 568


# -- add-ons --------------------------------------------------------------------------------------------------
def addon_units(line):
    return {a.kind: a.units for a in line.addons}


def test_absence_with_support_adds_94_units_at_most_four_a_month(office):
    client = client_with_plan(office)
    attend(client, TEN_MAY_DAYS[:5], status=AttendanceStatus.ABSENT_SUPPORTED)
    line = line_of(office, client)
    assert addon_units(line) == {"absence_support": 376}
    assert line.addons[0].capped_from == 5
    assert line.total_yen == 3823  # 376 × 10.17 = 3,823.92


def test_transport_adds_units_per_one_way_trip(office):
    office_settings(office, transport="i")
    client = client_with_plan(office)
    attend(client, TEN_MAY_DAYS[:2], transport_to=True, transport_from=True)
    attend(client, TEN_MAY_DAYS[2:3], transport_to=True)
    assert addon_units(line_of(office, client)) == {"transport_i": 5 * 21}


def test_transport_ii_rate(office):
    office_settings(office, transport="ii")
    client = client_with_plan(office)
    attend(client, TEN_MAY_DAYS[:2], transport_to=True, transport_from=True)
    assert addon_units(line_of(office, client)) == {"transport_ii": 4 * 10}


@pytest.mark.parametrize(("category", "expected"), [
    (IncomeCategory.LOW_INCOME, {"meals": 90}), (IncomeCategory.WELFARE, {"meals": 90}),
    (IncomeCategory.GENERAL_1, {}), (IncomeCategory.GENERAL_2, {}),
])
def test_meals_add_30_units_a_day_for_low_income_and_welfare_clients_only(office, category, expected):
    office_settings(office, meals=True)
    client = client_with_plan(office, income_category=category, copay_cap=0)
    attend(client, TEN_MAY_DAYS[:3], meal=True)
    assert addon_units(line_of(office, client)) == expected


def test_meals_need_the_office_setting(office):
    client = client_with_plan(office, income_category=IncomeCategory.LOW_INCOME, copay_cap=0)
    attend(client, TEN_MAY_DAYS[:3], meal=True)
    assert addon_units(line_of(office, client)) == {}


@pytest.mark.parametrize(("fields", "expected"), [
    ({"qualified_staff": "i"}, {"qualified_staff_i": 150}),
    ({"qualified_staff": "ii"}, {"qualified_staff_ii": 100}),
    ({"qualified_staff": "iii"}, {"qualified_staff_iii": 60}),
    ({"trained_staff": True}, {"trained_staff": 60}),
    ({"transition_prep": "i"}, {"transition_prep_i": 410}),
])
def test_office_add_ons_count_per_billable_day(office, fields, expected):
    office_settings(office, **fields)
    client = client_with_plan(office)
    attend(client, TEN_MAY_DAYS)
    attend(client, [date(2024, 5, 20)], status=AttendanceStatus.ABSENT)
    assert addon_units(line_of(office, client)) == expected


def test_office_settings_take_effect_from_their_date(office):
    office_settings(office, valid_from=date(2024, 6, 1), trained_staff=True)
    client = client_with_plan(office)
    attend(client, TEN_MAY_DAYS)
    attend(client, [date(2024, 6, 3)])
    assert addon_units(line_of(office, client)) == {}
    assert addon_units(line_of(office, client, date(2024, 6, 1))) == {"trained_staff": 6}


def test_every_reduction_and_add_on_together_hand_computed(office):
    office_settings(office, transport="i", meals=True, qualified_staff="i", trained_staff=True)
    many_clients(office, 30, TEN_MAY_DAYS[0])  # 1 May over capacity
    client = ClientFactory(office=office)
    CertificateFactory(client=client, period_start=date(2024, 4, 1), income_category=IncomeCategory.LOW_INCOME,
                       copay_cap=0)  # second month without a plan: 70 %
    attend(client, TEN_MAY_DAYS, transport_to=True, meal=True)
    attend(client, weekdays(date(2024, 5, 20), date(2024, 5, 24)), status=AttendanceStatus.ABSENT_SUPPORTED)
    line = line_of(office, client)
    # basic: 1 May 811 → 568 → 398; 9 days 811 → 568
    assert line.basic_units == 398 + 9 * 568 == 5510
    # add-ons: absence 4 × 94, transport 10 × 21, meals 10 × 30, qualified I 10 × 15, trained 10 × 6
    assert line.addon_units == 376 + 210 + 300 + 150 + 60 == 1096
    assert line.total_units == 6606
    assert line.total_yen == 67183  # 6,606 × 10.17 = 67,183.02
    assert line.copayment == 0 and line.claimed == 67183
    explanation = line.explanation()
    assert explanation["total_yen"] == 67183 and explanation["yen_per_unit"] == "10.17"
    assert [a["kind"] for a in explanation["addons"]] == [
        "absence_support", "transport_i", "meals", "qualified_staff_i", "trained_staff"]


# -- co-payment -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("total", "cap", "copay"), [
    (0, 9300, 0), (82478, 9300, 8247), (92999, 9300, 9299), (93000, 9300, 9300), (93009, 9300, 9300),
    (93010, 9300, 9300), (150000, 9300, 9300), (371999, 37200, 37199), (372000, 37200, 37200),
    (500000, 37200, 37200), (82478, 0, 0),
])
def test_copayment_is_ten_percent_floored_at_most_the_cap(db, total, cap, copay):
    assert regulations.copayment(total_yen=total, cap=cap, figures=figures_on(day=date(2024, 5, 1))) == copay


def test_copayment_stops_at_the_general_1_cap_in_a_full_month(office):
    client = client_with_plan(office, income_category=IncomeCategory.GENERAL_1, copay_cap=9300)
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 31)))  # 23 days
    line = line_of(office, client)
    assert line.total_yen == 189701  # 23 × 811 = 18,653 units × 10.17 = 189,701.01 → floor
    assert line.copayment == 9300
    assert line.claimed == line.total_yen - 9300


def test_plan_missing_percent_steps(db):
    figures = figures_on(day=date(2024, 5, 1))
    assert [regulations.plan_missing_percent(n, figures) for n in range(4)] == [None, 70, 70, 50]


def test_yen_per_unit_override_in_office_settings(office):
    office_settings(office, yen_per_unit=Decimal("10.00"))
    client = client_with_plan(office)
    attend(client, TEN_MAY_DAYS)
    assert line_of(office, client).total_yen == 81100


def test_attendance_outside_the_period_of_use_is_never_billed(office):
    """Rule (attendance.rules.period_refusal): es1 saved 通所, then recorded a hire starting that day — the
    period of use now ends the day before, and billing claims none of the days after it, with a warning."""
    from clients.models import ServicePeriod

    client = client_with_plan(office)
    attend(client, TEN_MAY_DAYS)
    ServicePeriod.objects.filter(client=client).update(ended_on=TEN_MAY_DAYS[5] - relativedelta(days=1))
    result = billing_month_compute(office=office, month=MAY)
    line = next(line for line in result.lines if line.client == client)
    assert line.days["outside_period_of_use"] == 5
    assert line.billable_days == 5
    assert line.basic_units == 5 * 811
    assert any("利用期間外の通所 5日は請求しません" in warning for warning in result.warnings)

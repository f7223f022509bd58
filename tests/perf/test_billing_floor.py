"""Rule: the benchmark's raw-SQL floor computes the same claim lines as ``billing_month_compute`` — on the edge
cases the demo data never reaches (overrides, new offices, tier boundaries, capacity history, over capacity,
schedule changes, certificates changing mid-month, retention support, people holding certificates of both
services).  A ratio against a floor that computed something else would mean nothing."""

from datetime import date
from decimal import Decimal

from django.db import connection

from attendance.models import AttendanceStatus
from billing.models import BasicFee, FeeSchedule, Service
from billing.services.claims import billing_month_compute
from billing.services.tier import retention_tier_override
from clients.models import IncomeCategory
from compostela.bench_floor import BILLING_FLOOR_SQL, billing_floor_compare, billing_floor_params
from placements.models import FollowUpKind
from tests.billing.factories import (
    CertificateFactory,
    ClientFactory,
    HireFactory,
    SupportCertificateFactory,
    attend,
    capacity,
    followup,
    office_settings,
    plan,
    weekdays,
)
from tests.factories import OfficeFactory

MAY = date(2024, 5, 1)
MAY_DAYS = weekdays(date(2024, 5, 1), date(2024, 5, 31))


def check(offices, month=MAY):
    claims = [billing_month_compute(office=o, month=month) for o in offices]
    with connection.cursor() as c:
        c.execute(BILLING_FLOOR_SQL, billing_floor_params(office_ids=[o.pk for o in offices], month=month))
        rows = c.fetchall()
    ok, info = billing_floor_compare(claims, rows)
    assert ok, info
    assert info["same_order"], (rows, [[(line.service, line.client.pk) for line in c.lines] for c in claims])
    return claims, rows


def served(office, *, cert=None, plan_agreed=True, **client_fields):
    client = ClientFactory(office=office, **client_fields)
    CertificateFactory(client=client, **(cert or {}))
    if plan_agreed:
        plan(client, date(2023, 1, 1), date(2025, 12, 31), agreed_on=date(2023, 1, 10))
    return client


def hires(office, start, count=1, **fields):
    client = ClientFactory(office=office)
    return [HireFactory(client=client, office=office, start_date=start, **fields) for _ in range(count)]


def test_tier_overrides_new_office_and_computed_rates(world):
    a = world.office  # opened 2010: computed rate
    hires(a, date(2022, 6, 1), 4)  # retained
    hires(a, date(2023, 8, 31))  # six months on 2024-02-29: retained
    hires(a, date(2023, 8, 31), ended_on=date(2024, 2, 28), end_reason="quit")  # left
    hires(a, date(2023, 8, 31), fixed_term_end=date(2024, 2, 28), employment_form="fixed_term")  # short fixed term
    hires(a, date(2023, 10, 1))  # six months on 2024-04-01: pending
    hires(a, date(2022, 3, 31))  # before the window
    hires(a, date(2023, 9, 30), ended_on=date(2024, 3, 30), end_reason="quit")  # ended on the six-month day
    retention_tier_override(office=a, fiscal_year=2024, rate=Decimal("0.5"), reason="通知", by=world.manager)
    retention_tier_override(office=a, fiscal_year=2024, rate=None, reason="取消", by=world.manager)
    b = OfficeFactory(opened_on=date(2023, 4, 1))  # FY2023: new office in FY2024 → 30 %
    c = OfficeFactory(opened_on=date(2022, 3, 31))  # FY2021: not new
    retention_tier_override(office=c, fiscal_year=2024, rate=None, reason="a", by=world.manager)
    retention_tier_override(office=c, fiscal_year=2024, rate=Decimal("0.4"), reason="b", by=world.manager)
    retention_tier_override(office=c, fiscal_year=2023, rate=Decimal("0.9"), reason="other year", by=world.manager)
    d = OfficeFactory(opened_on=date(2022, 4, 1))  # FY2022: new in FY2024? 2024 − 2022 = 2 → not new
    hires(d, date(2022, 7, 1), 12)  # 12 / 40 = 30 % exactly
    e = OfficeFactory()  # rate 0: the exclusive "above 0" tier does not hold
    for office in (a, b, c, d, e):
        attend(served(office), MAY_DAYS[:5])
    claims, rows = check([a, b, c, d, e])
    units = {cl.office.pk: cl.lines[0].total_units for cl in claims}
    assert units == {a.pk: 5 * 567, b.pk: 5 * 811, c.pk: 5 * 939, d.pk: 5 * 811, e.pk: 5 * 502}, units


def test_capacity_history_band_window_and_daily_capacity(world):
    office = world.office
    capacity(office, date(2022, 4, 1), 10)
    capacity(office, date(2023, 4, 1), 16)  # window capacity 26
    capacity(office, date(2024, 4, 1), 20)  # band 20
    capacity(office, date(2024, 5, 15), 5)  # from 15 May: over with 8 users a day
    hires(office, date(2022, 6, 1), 8)  # 8 / 26 = 30.8 %
    crowd = [served(office) for _ in range(8)]
    for client in crowd:
        attend(client, [date(2024, 5, 14), date(2024, 5, 16)])
    attend(crowd[0], [date(2024, 5, 17)])
    claims, _rows = check([office])
    assert not claims[0].over_capacity.rolling_over
    assert claims[0].over_capacity.days_over == [date(2024, 5, 16)]


def test_capacity_above_50_and_the_rolling_limit(world):
    office = world.office
    capacity(office, date(2024, 5, 20), 51)  # over when users × 4 > 305: 77 users
    crowd = [served(office) for _ in range(77)]
    for client in crowd:
        attend(client, [date(2024, 5, 21)])
    for client in crowd[:76]:
        attend(client, [date(2024, 5, 22)])
    claims, _rows = check([office])
    assert date(2024, 5, 21) in claims[0].over_capacity.days_over
    assert date(2024, 5, 22) not in claims[0].over_capacity.days_over
    # the next month sees May in its rolling window
    attend(crowd[0], [date(2024, 6, 3)])
    claims, _rows = check([office], date(2024, 6, 1))
    claims, _rows = check([office], date(2024, 7, 1))


def test_small_capacity_rolling_limit(world):
    office = world.office
    capacity(office, date(2024, 3, 1), 8)  # below 12: capacity + 3 = 11 a day on average
    crowd = [served(office) for _ in range(12)]
    for client in crowd[:11]:
        attend(client, [date(2024, 4, 1), date(2024, 5, 1)])
    claims, _rows = check([office])
    assert not claims[0].over_capacity.rolling_over
    attend(crowd[11], [date(2024, 3, 29)])  # 23 user-days over 3 open days: 2300 > 3300? no
    attend(crowd[11], [date(2024, 5, 1)])  # 12 on 1 May: 12 × 2 > 24? no
    claims, _rows = check([office])
    for client in crowd[:11]:
        attend(client, [date(2024, 3, 29)])  # 34 user-days over 3 days: 3400 > 3300 → rolling over
    claims, _rows = check([office])
    assert claims[0].over_capacity.rolling_over


def test_schedule_revision_in_the_middle_of_the_month(world):
    office = world.office
    schedule = FeeSchedule.objects.create(service=Service.TRANSITION, valid_from=date(2024, 5, 15), name="test")
    BasicFee.objects.create(schedule=schedule, band_min=1, band_max=20, min_rate=Decimal("0"), units=600)
    BasicFee.objects.create(schedule=schedule, band_min=1, band_max=20, min_rate=Decimal("0.3"), units=700)
    BasicFee.objects.create(schedule=schedule, band_min=21, band_max=None, min_rate=Decimal("0"), units=1)
    retention_tier_override(office=office, fiscal_year=2024, rate=Decimal("0.35"), reason="通知", by=world.manager)
    client = served(office)
    attend(client, MAY_DAYS)
    for _ in range(30):
        attend(served(office), [date(2024, 5, 16)])  # over capacity on 16 May (700 → 490)
    no_plan = served(office, cert={"period_start": date(2024, 3, 1)}, plan_agreed=False)
    attend(no_plan, MAY_DAYS)  # third month without a plan: 50 %
    claims, _rows = check([office])
    assert {line.total_units for line in claims[0].lines if line.client == client} == {10 * 811 + 490 + 12 * 700}
    claims, _rows = check([office], date(2024, 6, 1))


def test_flat_schedule_before_october_2019(world):
    office = world.office
    client = served(office, cert={"period_start": date(2019, 1, 1)}, plan_agreed=False)
    plan(client, date(2019, 1, 1), date(2019, 12, 31), agreed_on=date(2019, 1, 5))
    attend(client, weekdays(date(2019, 9, 1), date(2019, 10, 31)))
    check([office], date(2019, 9, 1))
    check([office], date(2019, 10, 1))


def test_certificates_granted_days_add_ons_and_order(world):
    office = world.office
    office_settings(office, transport="i", meals=True, qualified_staff="iii", trained_staff=True,
                    transition_prep="ii")
    office_settings(office, valid_from=date(2024, 5, 2), transport="ii")  # from the 2nd: not in force on the 1st
    # two certificates in the month: the one covering the last billable day counts (standard days, general 2)
    c1 = ClientFactory(office=office, family_name_kana="ア", given_name_kana="ン")
    CertificateFactory(client=c1, period_start=date(2024, 4, 1), period_end=date(2024, 5, 10), granted_days=5,
                       income_category=IncomeCategory.WELFARE, copay_cap=0)
    CertificateFactory(client=c1, period_start=date(2024, 5, 13), period_end=date(2025, 3, 31), granted_days=None,
                       income_category=IncomeCategory.GENERAL_2, copay_cap=37200)
    plan(c1, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 2))
    attend(c1, [date.fromordinal(o) for o in range(date(2024, 5, 1).toordinal(), date(2024, 6, 1).toordinal())],
           transport_to=True, meal=True)
    # billable days only outside certificates; the certificate covering the month's last day
    c2 = ClientFactory(office=office, family_name_kana="ア", given_name_kana="イ")
    CertificateFactory(client=c2, period_start=date(2024, 5, 20), period_end=date(2024, 5, 25), granted_days=2,
                       copay_cap=0, income_category=IncomeCategory.LOW_INCOME)
    CertificateFactory(client=c2, period_start=date(2024, 5, 27), period_end=date(2024, 6, 30), granted_days=9,
                       copay_cap=9300)
    attend(c2, [date(2024, 5, 2), date(2024, 5, 3)], meal=True, transport_from=True)
    attend(c2, [date(2024, 5, 21)], status=AttendanceStatus.ABSENT_SUPPORTED)
    attend(c2, [date(2024, 5, 30)], status=AttendanceStatus.ABSENT)
    # no certificate at all
    c3 = ClientFactory(office=office, family_name_kana="ァ", given_name_kana="ア")
    attend(c3, MAY_DAYS[:3])
    attend(c3, MAY_DAYS[3:5], status=AttendanceStatus.ABSENT_SUPPORTED)
    # only absences with support: no daily add-ons, capped at 4
    c4 = served(office, family_name_kana="カ", given_name_kana="カ")
    attend(c4, MAY_DAYS[:6], status=AttendanceStatus.ABSENT_SUPPORTED)
    # granted 3, low income, meals; first month without a plan (certificate from May)
    c5 = ClientFactory(office=office, family_name_kana="が", given_name_kana="あ")
    CertificateFactory(client=c5, period_start=date(2024, 5, 1), period_end=date(2024, 5, 31), granted_days=3,
                       income_category=IncomeCategory.LOW_INCOME, copay_cap=0)
    attend(c5, MAY_DAYS[:10], meal=True, transport_to=True, transport_from=True)
    # certificate in March and May, none in April: one month without a plan
    c6 = ClientFactory(office=office, family_name_kana="カ", given_name_kana="カ")
    CertificateFactory(client=c6, period_start=date(2024, 3, 1), period_end=date(2024, 3, 31))
    CertificateFactory(client=c6, period_start=date(2024, 5, 1), period_end=date(2024, 9, 30))
    attend(c6, MAY_DAYS[:4], status=AttendanceStatus.OFFSITE)
    # plan agreed after the month's end does not cover it; agreed in-month does
    c7 = ClientFactory(office=office, family_name_kana="ｶ", given_name_kana="")
    CertificateFactory(client=c7, period_start=date(2024, 1, 1))
    plan(c7, date(2024, 3, 1), date(2024, 5, 31), agreed_on=date(2024, 6, 1))
    attend(c7, MAY_DAYS[:12])
    c8 = ClientFactory(office=office, family_name_kana="Ａ", given_name_kana="b")
    CertificateFactory(client=c8, period_start=date(2024, 1, 1), copay_cap=9300)
    plan(c8, date(2024, 5, 31), date(2024, 8, 31), agreed_on=date(2024, 5, 31))
    attend(c8, MAY_DAYS, transport_to=True, transport_from=True)
    # plan covering April only: May counts one month
    c9 = ClientFactory(office=office, family_name_kana="ア", given_name_kana="イ")
    CertificateFactory(client=c9, period_start=date(2024, 1, 1))
    plan(c9, date(2024, 4, 1), date(2024, 4, 30), agreed_on=date(2024, 4, 1))
    attend(c9, MAY_DAYS[:7])
    claims, rows = check([office])
    assert len(rows) == 9
    check([office], date(2024, 6, 1))
    check([office], date(2024, 7, 1))


def test_retention_support_users_band_rate_and_overrides(world):
    office = world.office
    office_settings(office, runs_retention_support=True, yen_per_unit=Decimal("11.11"))
    other = OfficeFactory()
    office_settings(other, runs_retention_support=True)

    def employed(at, start, *, cert=True, cap=9300, **fields):
        client = ClientFactory(office=at)
        if cert:
            SupportCertificateFactory(client=client, copay_cap=cap)
        return HireFactory(client=client, office=at, start_date=start, **fields)

    # past users (FY2021–2023), employed on 2024-03-31 or not
    for _ in range(3):
        followup(employed(office, date(2022, 1, 10)), date(2022, 9, 1))
    left = employed(office, date(2022, 1, 10), ended_on=date(2023, 1, 31), end_reason="quit")
    followup(left, date(2022, 9, 1))
    HireFactory(client=left.client, office=other, start_date=date(2023, 6, 1))  # employed again elsewhere
    early = employed(office, date(2023, 1, 10))
    followup(early, date(2023, 6, 1))  # month 5: not retention support
    # this month's users
    users = []
    for _ in range(3):
        hire = employed(office, date(2023, 10, 1))
        followup(hire, date(2024, 5, 10))
        followup(hire, date(2024, 5, 12), kind=FollowUpKind.SUPPORT_REPORT)
        users.append(hire)
    no_cert = employed(office, date(2023, 10, 1), cert=False)
    followup(no_cert, date(2024, 5, 10))
    followup(no_cert, date(2024, 5, 12), kind=FollowUpKind.SUPPORT_REPORT)
    two_jobs = employed(office, date(2023, 9, 1))
    second = HireFactory(client=two_jobs.client, office=office, start_date=date(2023, 9, 15))
    followup(two_jobs, date(2024, 5, 3))
    followup(second, date(2024, 5, 4), kind=FollowUpKind.SUPPORT_REPORT)
    ended = employed(office, date(2023, 9, 1), ended_on=date(2024, 5, 20), end_reason="quit")
    followup(ended, date(2024, 5, 10))
    followup(ended, date(2024, 5, 21), kind=FollowUpKind.SUPPORT_REPORT)  # after the job ended: no report
    capped = employed(office, date(2023, 9, 1), cap=0)
    followup(capped, date(2024, 5, 10))
    followup(capped, date(2024, 5, 10), kind=FollowUpKind.SUPPORT_REPORT)
    # also in the transition service this month (on a transition certificate of its own)
    CertificateFactory(client=users[0].client)
    attend(users[0].client, MAY_DAYS[:3])
    plan(users[0].client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 2))
    # the other office: one user, no override
    hire = employed(other, date(2023, 10, 1))
    followup(hire, date(2024, 5, 10))
    followup(hire, date(2024, 5, 12), kind=FollowUpKind.SUPPORT_REPORT)
    claims, rows = check([office, other])
    assert sum(1 for r in rows if r[0] == "retention_support") == 6, rows
    retention_tier_override(office=office, fiscal_year=2024, rate=Decimal("0.75"), reason="a", by=world.manager,
                            service=Service.RETENTION_SUPPORT)
    retention_tier_override(office=office, fiscal_year=2024, rate=Decimal("0.5"), reason="b", by=world.manager,
                            service=Service.RETENTION_SUPPORT)
    claims, rows = check([office, other])
    assert {r[3] for r in rows if r[0] == "retention_support" and r[6] == office.pk} == {1607}
    retention_tier_override(office=office, fiscal_year=2024, rate=None, reason="c", by=world.manager,
                            service=Service.RETENTION_SUPPORT)
    check([office, other])
    check([office, other], date(2024, 6, 1))
    check([office, other], date(2021, 3, 1))


def test_retention_support_across_offices(world):
    """A contact recorded at one office for a hire of another."""
    office = world.office
    office_settings(office, runs_retention_support=True)
    other = OfficeFactory()
    client = ClientFactory(office=other)
    SupportCertificateFactory(client=client)
    hire = HireFactory(client=client, office=other, start_date=date(2023, 10, 1))
    followup(hire, date(2024, 5, 10)).__class__.objects.filter(hire=hire).update(office=office)
    followup(hire, date(2024, 5, 12), kind=FollowUpKind.SUPPORT_REPORT).__class__.objects.filter(
        hire=hire).update(office=office)
    check([office, other])


def test_people_holding_certificates_of_both_services(world):
    """Each service on its own certificates: transition days and caps from transition certificates only, 就労定着支援
    from retention-support ones only — whichever started later or covers more of the month."""
    office = world.office
    office_settings(office, runs_retention_support=True, meals=True)

    def supported(client, start=date(2023, 10, 1)):
        hire = HireFactory(client=client, office=office, start_date=start)
        followup(hire, date(2024, 5, 10))
        followup(hire, date(2024, 5, 20), kind=FollowUpKind.SUPPORT_REPORT)

    # both, overlapping the whole month: a transition line (granted 5, welfare: meals, cap 0) and a 定着 line (cap
    # 37,200); the 定着 certificate started later, the transition one covers the last billable day
    both = served(office, cert={"granted_days": 5, "income_category": IncomeCategory.WELFARE, "copay_cap": 0})
    SupportCertificateFactory(client=both, period_start=date(2024, 5, 2), period_end=date(2025, 5, 1),
                              income_category=IncomeCategory.GENERAL_2, copay_cap=37200)
    attend(both, MAY_DAYS[:8], meal=True)
    supported(both)
    # only a 定着 certificate: attendance is outside any transition certificate, the 定着 line is claimed
    support_only = ClientFactory(office=office)
    SupportCertificateFactory(client=support_only, period_start=date(2024, 4, 1), period_end=date(2025, 3, 31),
                              copay_cap=0)
    plan(support_only, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 2))
    attend(support_only, MAY_DAYS[:3])
    attend(support_only, MAY_DAYS[3:5], status=AttendanceStatus.ABSENT_SUPPORTED)
    supported(support_only)
    # only a transition certificate: no 定着 line
    transition_only = served(office)
    supported(transition_only)
    # the transition certificate ends mid-month and a 定着 one follows: days after it are outside; the month had
    # transition service (no plan: one month missing), and the 定着 line takes the later certificate's cap
    handover = ClientFactory(office=office)
    CertificateFactory(client=handover, period_start=date(2023, 5, 15), period_end=date(2024, 5, 14), copay_cap=9300)
    SupportCertificateFactory(client=handover, period_start=date(2024, 5, 15), period_end=date(2025, 5, 14),
                              copay_cap=0)
    attend(handover, MAY_DAYS)
    supported(handover)
    claims, rows = check([office])
    assert sorted((r[0], r[1]) for r in rows) == sorted(
        [("transition", c.pk) for c in (both, support_only, handover)]
        + [("retention_support", c.pk) for c in (both, support_only, handover)])
    lines = {(line.service, line.client.pk): line for line in claims[0].lines}
    assert lines[("transition", both.pk)].billable_days == 5
    assert lines[("transition", support_only.pk)].billable_days == 0
    assert lines[("transition", handover.pk)].billable_days == 10  # 1–14 May
    assert lines[("retention_support", both.pk)].copay_cap == 37200
    assert lines[("retention_support", handover.pk)].copay_cap == 0
    check([office], date(2024, 6, 1))
    check([office], date(2024, 4, 1))


def test_overlapping_bands_tie_break(world):
    schedule = FeeSchedule.objects.create(service=Service.TRANSITION, valid_from=date(2024, 4, 1), name="overlap")
    for band_min, band_max, rate, units in [(10, 40, "0.3", 850), (1, 20, "0.1", 700), (5, 30, "0.1", 750),
                                            (1, 20, "0.3", 800)]:
        BasicFee.objects.create(schedule=schedule, band_min=band_min, band_max=band_max, min_rate=Decimal(rate),
                                units=units)
    a, b = world.office, OfficeFactory()
    retention_tier_override(office=a, fiscal_year=2024, rate=Decimal("0.35"), reason="x", by=world.manager)
    retention_tier_override(office=b, fiscal_year=2024, rate=Decimal("0.05"), reason="x", by=world.manager)
    for office in (a, b):
        attend(served(office), MAY_DAYS[:2])
    claims, rows = check([a, b])
    print("units", [(r[6], r[3]) for r in rows])

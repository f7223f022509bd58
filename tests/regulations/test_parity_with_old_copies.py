"""Phase 1 only: the rules give what the copies they replace give (billing is the reference), and the plain
strings they take are the apps' choice values.  When attendance, review and billing call
``regulations.rules`` (phase 2), the copies go and so do the comparisons here; the last test stays."""

from datetime import date, timedelta

from attendance.models import AttendanceStatus
from billing.services import claims
from clients.models import STANDARD_COPAY_CAPS, IncomeCategory
from placements import rules as placement_rules
from regulations import rules
from tests.regulations.figures import FIGURES, FIGURES_2019


def test_the_daily_rule_is_billings_for_every_capacity_and_number_of_users():
    for capacity in range(1, 121):
        for users in range(0, 200):
            assert rules.day_over_capacity(users=users, capacity=capacity) == claims.day_over_capacity(
                users=users, capacity=capacity), (capacity, users)


def test_the_rolling_allowance_is_billings():
    assert all(rules.rolling_limit_x100(c) == claims.rolling_limit_x100(c) for c in range(1, 121))


def test_copayment_is_billings():
    for total in [0, 1, 9, 10, 99, 12345, 93000, 93009, 93010, 371999, 372000, 1_000_000]:
        for cap in [0, 9300, 37200]:
            assert rules.copayment(total_yen=total, cap=cap, figures=FIGURES) == claims.copayment_of(
                total_yen=total, cap=cap)


def test_plan_missing_percent_and_granted_days_are_billings():
    assert all(rules.plan_missing_percent(n, FIGURES) == claims.plan_missing_percent(n) for n in range(6))
    month = date(2023, 1, 1)
    for _ in range(36):
        assert rules.standard_granted_days(month) == claims.granted_days_standard(month)
        month = rules.month_end(month) + timedelta(days=1)


def test_placement_rules_are_placements_for_every_start_and_day_of_two_years():
    start = date(2023, 8, 1)
    for offset in range(0, 60):
        s = start + timedelta(days=offset)
        assert rules.six_month_date(s) == placement_rules.six_month_date(s)
        assert rules.retention_support_span(s) == placement_rules.retention_support_span(s)
        for day in (s + timedelta(days=d) for d in range(0, 1400, 7)):
            assert rules.followup_phase(start=s, day=day) == placement_rules.followup_phase(start=s, day=day)
            assert rules.month_after_start(s, day) == placement_rules.month_after_start(s, day)
            for ended in (None, s + timedelta(days=150), s + timedelta(days=200)):
                assert rules.hire_retention(start=s, ended_on=ended, fixed_term_end=None, as_of=day) == \
                    placement_rules.hire_retention(start=s, ended_on=ended, fixed_term_end=None, as_of=day)


def test_retention_support_billable_follows_billings_date_not_placements_always():
    # placements.rules always asked for a report; billing only from 2021-04-01 — the figures say which
    assert placement_rules.retention_support_month_billable(face_to_face=1, support_reports=0) is False
    assert rules.retention_support_month_billable(face_to_face=1, support_reports=0, figures=FIGURES_2019) is True
    assert claims.SUPPORT_REPORT_REQUIRED_FROM == FIGURES.valid_from


def test_the_plain_strings_are_the_choice_values_of_the_apps():
    assert set(rules.BILLABLE_STATUSES) == {AttendanceStatus.ATTENDED.value, AttendanceStatus.OFFSITE.value}
    assert set(rules.INCOME_CATEGORIES) == set(IncomeCategory.values)
    assert {str(k): v for k, v in STANDARD_COPAY_CAPS.items()} == dict(FIGURES.copay_caps)

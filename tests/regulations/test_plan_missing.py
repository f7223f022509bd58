"""Rules: 個別支援計画未作成減算 (``regulations.rules.plan_month`` / ``plan_missing_months`` /
``plan_missing_percent``) — a month counts by its state on its last day in service: an agreed plan in force
and monitored in time, else why not (no plan, the plan expired, monitoring late); months in a row without one
pay 70 % of the basic units, then 50 %."""

from dataclasses import dataclass
from datetime import date

import pytest

from regulations.rules import (
    PlanGap,
    PlanMonth,
    RuleError,
    RuleErrorCode,
    months_ending_with,
    plan_missing_lookback,
    plan_missing_months,
    plan_missing_percent,
    plan_monitoring_due_on,
    plan_month,
)
from tests.regulations.figures import FIGURES, make_figures

MISSING = PlanMonth(in_service=True, covered=False, gap=PlanGap.NO_PLAN)
COVERED = PlanMonth(in_service=True, covered=True)
OUT_OF_SERVICE = PlanMonth(in_service=False, covered=False)
TRANSITION = 3  # モニタリング every three months (就労移行支援, the figures in force)


@dataclass(frozen=True)
class Period:
    period_start: date
    period_end: date
    agreed_on: date | None = None
    monitored_on: tuple[date, ...] = ()


CERT = Period(date(2025, 1, 1), date(2026, 12, 31))


def month_of(month: date, plans, certificates=(CERT,), interval=TRANSITION) -> PlanMonth:
    return plan_month(month=month, certificates=list(certificates), plans=list(plans), monitoring_months=interval)


def missing_months(month: date, plans, certificates=(CERT,)) -> int:
    months = [month_of(first, plans, certificates) for first, _last in months_ending_with(month, 3)]
    return plan_missing_months(months, figures=FIGURES)


@pytest.mark.parametrize(("months", "missing", "percent"), [
    ([COVERED, MISSING, MISSING], 0, None),
    ([MISSING, COVERED, MISSING], 1, 70),
    ([MISSING, MISSING, COVERED], 2, 70),
    ([MISSING, MISSING, MISSING], 3, 50),
])
def test_plan_missing_pays_70_percent_for_two_months_then_50(months, missing, percent):
    assert plan_missing_months(months, figures=FIGURES) == missing
    assert plan_missing_percent(missing, FIGURES) == percent


def test_plan_missing_counts_at_most_the_lookback():
    assert plan_missing_lookback(FIGURES) == 3
    assert plan_missing_months([MISSING] * 6, figures=FIGURES) == 3


def test_a_month_out_of_service_ends_the_run():
    assert plan_missing_months([MISSING, OUT_OF_SERVICE, MISSING], figures=FIGURES) == 1
    assert plan_missing_months([OUT_OF_SERVICE, MISSING], figures=FIGURES) == 0


def test_the_early_months_come_from_the_figures():
    three_early = make_figures(plan_missing_early_months=3)
    assert plan_missing_months([MISSING] * 6, figures=three_early) == 4
    assert plan_missing_percent(3, three_early) == 70
    assert plan_missing_percent(4, three_early) == 50


def test_a_negative_count_of_months_is_refused():
    with pytest.raises(RuleError) as error:
        plan_missing_percent(-1, FIGURES)
    assert error.value.code == RuleErrorCode.MONTHS_NEGATIVE


def test_a_month_is_in_service_when_a_certificate_overlaps_any_day_of_it():
    cert = Period(date(2025, 5, 31), date(2026, 5, 30))
    assert month_of(date(2025, 5, 1), [], [cert]) == MISSING
    assert month_of(date(2025, 4, 1), [], [cert]) == OUT_OF_SERVICE


def test_no_plan_gap_when_nothing_was_ever_agreed():
    draft = Period(date(2025, 5, 1), date(2025, 10, 31), agreed_on=None)
    facts = month_of(date(2025, 6, 1), [draft])
    assert (facts.covered, facts.gap, facts.plan) == (False, PlanGap.NO_PLAN, None)


def test_a_plan_agreed_mid_month_covers_its_month_and_the_months_before_it_are_reduced():
    # in service from March; the plan agreed on 15 May: March and April without a plan, May covered
    cert = Period(date(2025, 3, 1), date(2026, 2, 28))
    agreed_mid_may = Period(date(2025, 5, 1), date(2025, 10, 31), agreed_on=date(2025, 5, 15))
    assert month_of(date(2025, 4, 1), [agreed_mid_may], [cert]).gap == PlanGap.NO_PLAN
    assert month_of(date(2025, 5, 1), [agreed_mid_may], [cert]).covered
    assert missing_months(date(2025, 4, 1), [agreed_mid_may], [cert]) == 2  # March, April: × 70 %
    assert missing_months(date(2025, 5, 1), [agreed_mid_may], [cert]) == 0


def test_a_plan_agreed_after_the_month_end_leaves_that_month_without_a_plan():
    agreed_in_june = Period(date(2025, 5, 1), date(2025, 10, 31), agreed_on=date(2025, 6, 1))
    assert month_of(date(2025, 5, 1), [agreed_in_june]).gap == PlanGap.NO_PLAN
    assert month_of(date(2025, 6, 1), [agreed_in_june]).covered


def test_a_plan_entered_for_a_past_month_agreed_before_the_first_day_of_use_covers_it():
    # entering history: the plan of April 2024 was agreed on 25 March, before the certificate's first day
    cert = Period(date(2024, 4, 1), date(2025, 3, 31))
    agreed_before_use = Period(date(2024, 4, 1), date(2024, 9, 30), agreed_on=date(2024, 3, 25),
                               monitored_on=(date(2024, 6, 20),))
    assert month_of(date(2024, 4, 1), [agreed_before_use], [cert]).covered
    assert missing_months(date(2024, 6, 1), [agreed_before_use], [cert]) == 0


def test_a_plan_whose_period_ended_before_the_month_end_leaves_it_expired_on_that_day():
    ended = Period(date(2025, 1, 1), date(2025, 6, 20), agreed_on=date(2025, 1, 5),
                   monitored_on=(date(2025, 4, 1),))
    facts = month_of(date(2025, 6, 1), [ended])
    assert (facts.covered, facts.gap, facts.expired_on) == (False, PlanGap.EXPIRED, date(2025, 6, 20))
    assert month_of(date(2025, 5, 1), [ended]).covered


def test_an_agreed_successor_in_force_on_the_month_end_puts_an_expired_plan_right():
    ended = Period(date(2025, 1, 1), date(2025, 6, 20), agreed_on=date(2025, 1, 5),
                   monitored_on=(date(2025, 4, 1),))
    successor = Period(date(2025, 6, 21), date(2025, 12, 20), agreed_on=date(2025, 6, 30))
    assert month_of(date(2025, 6, 1), [ended, successor]).covered


def test_the_month_counts_on_its_last_day_in_service_not_its_calendar_end():
    # the certificate ends on 20 June: the plan must be in force and monitored on that day
    cert = Period(date(2025, 1, 1), date(2025, 6, 20))
    plan = Period(date(2025, 1, 1), date(2025, 6, 25), agreed_on=date(2025, 3, 19))  # due 19 June
    assert month_of(date(2025, 6, 1), [plan], [cert]).gap == PlanGap.MONITORING_LATE


def test_monitoring_exactly_three_months_apart_never_reduces():
    plan = Period(date(2025, 1, 1), date(2025, 12, 31), agreed_on=date(2025, 1, 31),
                  monitored_on=(date(2025, 4, 30), date(2025, 7, 30), date(2025, 10, 30)))
    assert plan_monitoring_due_on(plan, day=date(2025, 4, 29), monitoring_months=3) == date(2025, 4, 30)
    assert all(month_of(date(2025, m, 1), [plan]).covered for m in range(1, 13))


def test_monitoring_late_on_a_month_end_reduces_that_month_and_says_when_it_was_due():
    # agreed 29 March → due 29 June; on 30 June (June's last day) it is one day late, done on 1 July
    plan = Period(date(2025, 3, 1), date(2025, 12, 31), agreed_on=date(2025, 3, 29), monitored_on=(date(2025, 7, 1),))
    june = month_of(date(2025, 6, 1), [plan])
    assert (june.covered, june.gap, june.monitoring_due_on, june.plan) == (
        False, PlanGap.MONITORING_LATE, date(2025, 6, 29), plan)
    assert month_of(date(2025, 7, 1), [plan]).covered  # put right in July: July is not reduced
    assert missing_months(date(2025, 6, 1), [plan]) == 1


def test_monitoring_one_day_late_within_a_month_leaves_the_month_covered():
    # agreed 15 March → due 15 June, done 16 June: on June's last day the plan was monitored in time
    plan = Period(date(2025, 3, 1), date(2025, 12, 31), agreed_on=date(2025, 3, 15), monitored_on=(date(2025, 6, 16),))
    assert month_of(date(2025, 6, 1), [plan]).covered
    # … while on 16 June, before it was recorded, it was one day overdue (what the case review shows that day)
    assert plan_monitoring_due_on(plan, day=date(2025, 6, 15), monitoring_months=3) == date(2025, 6, 15)


def test_monitoring_recorded_after_the_day_does_not_count_on_it():
    plan = Period(date(2025, 3, 1), date(2025, 12, 31), agreed_on=date(2025, 3, 15), monitored_on=(date(2025, 7, 2),))
    assert plan_monitoring_due_on(plan, day=date(2025, 6, 30), monitoring_months=3) == date(2025, 6, 15)
    assert plan_monitoring_due_on(plan, day=date(2025, 7, 2), monitoring_months=3) == date(2025, 10, 2)


def test_retention_support_plans_are_monitored_on_their_own_interval():
    plan = Period(date(2025, 1, 1), date(2025, 12, 31), agreed_on=date(2025, 1, 10))
    assert month_of(date(2025, 6, 1), [plan], interval=6).covered  # due 10 July
    assert month_of(date(2025, 7, 1), [plan], interval=6).gap == PlanGap.MONITORING_LATE
    assert month_of(date(2025, 6, 1), [plan], interval=3).gap == PlanGap.MONITORING_LATE

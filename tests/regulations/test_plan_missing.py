"""Rules: 個別支援計画未作成減算 — months in a row without an agreed plan, and the percentage paid."""

from dataclasses import dataclass
from datetime import date

import pytest

from regulations.rules import (
    PlanMonth,
    RuleError,
    RuleErrorCode,
    plan_missing_lookback,
    plan_missing_months,
    plan_missing_percent,
    plan_month,
)
from tests.regulations.figures import FIGURES, make_figures

MISSING = PlanMonth(in_service=True, covered=False)
COVERED = PlanMonth(in_service=True, covered=True)
OUT_OF_SERVICE = PlanMonth(in_service=False, covered=False)


@dataclass(frozen=True)
class Period:
    period_start: date
    period_end: date
    agreed_on: date | None = None


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
    assert plan_month(month=date(2025, 5, 1), certificates=[cert], plans=[]) == MISSING
    assert plan_month(month=date(2025, 4, 1), certificates=[cert], plans=[]) == OUT_OF_SERVICE


def test_a_plan_covers_a_month_when_agreed_by_its_last_day():
    cert = Period(date(2025, 1, 1), date(2026, 12, 31))
    agreed_late = Period(date(2025, 5, 1), date(2025, 10, 31), agreed_on=date(2025, 6, 1))
    assert plan_month(month=date(2025, 5, 1), certificates=[cert], plans=[agreed_late]) == MISSING
    assert plan_month(month=date(2025, 6, 1), certificates=[cert], plans=[agreed_late]) == COVERED


def test_a_plan_not_agreed_does_not_cover_a_month():
    cert = Period(date(2025, 1, 1), date(2026, 12, 31))
    draft = Period(date(2025, 5, 1), date(2025, 10, 31), agreed_on=None)
    assert plan_month(month=date(2025, 6, 1), certificates=[cert], plans=[draft]) == MISSING


def test_a_plan_whose_period_ended_before_the_month_does_not_cover_it():
    cert = Period(date(2025, 1, 1), date(2026, 12, 31))
    ended = Period(date(2025, 1, 1), date(2025, 5, 31), agreed_on=date(2025, 1, 5))
    assert plan_month(month=date(2025, 6, 1), certificates=[cert], plans=[ended]) == MISSING

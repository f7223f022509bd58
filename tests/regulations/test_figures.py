"""The dated figures: the shipped rows, the row in force on a day, and the database's checks."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from regulations.models import RegulatoryFigures
from regulations.rules import RuleError, RuleErrorCode, figures_in_force
from regulations.selectors import FIGURES_MISSING_CODE, FiguresNotConfigured, figures_history, figures_on
from tests.regulations.figures import CAPS, FIGURES, FIGURES_2019, make_figures


def test_figures_in_force_pick_the_latest_row_on_or_before_the_day():
    history = [FIGURES_2019, FIGURES]
    assert figures_in_force(history, date(2021, 3, 31)) is FIGURES_2019
    assert figures_in_force(history, date(2021, 4, 1)) is FIGURES
    assert figures_in_force(history, date(2019, 9, 30)) is None


def test_figures_name_exactly_the_four_income_categories():
    with pytest.raises(RuleError) as error:
        make_figures(copay_caps={"welfare": 0, "general_1": 9300})
    assert error.value.code == RuleErrorCode.COPAY_CAPS_INCOMPLETE


def test_figures_cannot_be_changed_once_made():
    with pytest.raises(TypeError):
        FIGURES.copay_caps["general_1"] = 0


@pytest.mark.django_db
def test_the_shipped_rows_hold_billings_values_from_2019_and_the_support_report_from_2021():
    history = figures_history()
    assert [f.valid_from for f in history] == [date(2018, 4, 1), date(2021, 4, 1)]
    first, second = history
    assert first == make_figures(valid_from=date(2018, 4, 1), support_report_required=False)
    assert second == make_figures(valid_from=date(2021, 4, 1), support_report_required=True)
    assert dict(second.copay_caps) == CAPS and second.new_office_rate == Decimal("0.3")


@pytest.mark.django_db
def test_the_shipped_rows_name_their_source_and_are_marked_to_verify():
    for row in RegulatoryFigures.objects.all():
        assert "public explanations of the ministry's notices" in row.source_title.lower()
        assert row.to_verify and row.checked_on is None and row.verification_note


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "valid_from"), [
    (date(2018, 4, 1), date(2018, 4, 1)),
    (date(2021, 3, 31), date(2018, 4, 1)),
    (date(2021, 4, 1), date(2021, 4, 1)),
    (date(2030, 1, 1), date(2021, 4, 1)),
])
def test_figures_on_a_day_are_the_latest_row_in_force(day, valid_from):
    assert figures_on(day=day).valid_from == valid_from


@pytest.mark.django_db
def test_figures_on_april_2021_pick_the_2021_row_requiring_support_reports():
    assert figures_on(day=date(2021, 4, 1)).support_report_required is True
    assert figures_on(day=date(2021, 3, 31)).support_report_required is False


@pytest.mark.django_db
def test_before_the_first_row_figures_on_is_a_configuration_error():
    with pytest.raises(FiguresNotConfigured) as error:
        figures_on(day=date(2018, 3, 31))
    assert error.value.code == FIGURES_MISSING_CODE
    assert "2018-03-31" in str(error.value) and "2018-04-01" in str(error.value)


@pytest.mark.django_db
def test_without_any_row_figures_on_is_a_configuration_error():
    RegulatoryFigures.objects.all().delete()
    with pytest.raises(FiguresNotConfigured):
        figures_on(day=date(2025, 1, 1))


@pytest.mark.django_db
def test_the_history_is_one_query_and_figures_on_with_it_none(django_assert_num_queries):
    with django_assert_num_queries(1):
        history = figures_history()
    with django_assert_num_queries(0):
        for month in range(1, 13):
            figures_on(day=date(2024, month, 1), history=history)


def _row(**overrides) -> RegulatoryFigures:
    values = {
        "valid_from": date(2024, 4, 1), "copay_percent": 10, "cap_welfare": 0, "cap_low_income": 0,
        "cap_general_1": 9300, "cap_general_2": 37200, "over_capacity_percent": 70,
        "plan_missing_early_percent": 70, "plan_missing_later_percent": 50, "plan_missing_early_months": 2,
        "new_office_rate": Decimal("0.3"), "new_office_fiscal_years": 2, "support_report_required": True,
        "plan_monitoring_months_transition": 3, "plan_monitoring_months_retention": 6,
        "source_title": "test", "to_verify": True,
    }
    values.update(overrides)
    return RegulatoryFigures(**values)


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "constraint"), [
    ({"copay_percent": 101}, "regulatory_figures_copay_percent_max_100"),
    ({"over_capacity_percent": 0}, "regulatory_figures_over_capacity_percent_1_100"),
    ({"plan_missing_early_percent": 101}, "regulatory_figures_plan_missing_early_percent_1_100"),
    ({"plan_missing_later_percent": 0}, "regulatory_figures_plan_missing_later_percent_1_100"),
    ({"plan_missing_early_months": 0}, "regulatory_figures_plan_missing_early_months_1"),
    ({"plan_monitoring_months_transition": 0}, "regulatory_figures_plan_monitoring_transition_1"),
    ({"plan_monitoring_months_retention": 0}, "regulatory_figures_plan_monitoring_retention_1"),
    ({"new_office_rate": Decimal("1.5")}, "regulatory_figures_new_office_rate_0_1"),
    ({"source_title": ""}, "regulatory_figures_source_named"),
    ({"to_verify": False}, "regulatory_figures_verified_says_when_and_by_whom"),
    ({"to_verify": False, "checked_on": date(2025, 1, 1)}, "regulatory_figures_verified_says_when_and_by_whom"),
])
def test_the_database_refuses_figures_that_break_a_named_check(overrides, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        _row(**overrides).save()


@pytest.mark.django_db
def test_a_verified_row_names_when_and_by_whom_and_one_row_a_day():
    _row(to_verify=False, checked_on=date(2025, 1, 1), checked_by="manager").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _row().save()

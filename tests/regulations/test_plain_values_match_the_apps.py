"""The rules take plain strings; they are the very choice values the apps store."""

from attendance.models import AttendanceStatus
from clients.models import IncomeCategory
from regulations import rules


def test_the_billable_statuses_are_attended_and_offsite():
    assert set(rules.BILLABLE_STATUSES) == {AttendanceStatus.ATTENDED.value, AttendanceStatus.OFFSITE.value}


def test_the_income_categories_are_the_certificates_choices():
    assert set(rules.INCOME_CATEGORIES) == set(IncomeCategory.values)

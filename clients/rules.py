"""Client rules that other apps share — each written once, here.

* ``standard_granted_days(month)`` / ``certificate_granted_days(certificate, month)``: 支給量, the days a
  client may attend in a month (the certificate's amount, else days in the month − 8).
* ``standard_copay_cap(income_category)``: 負担上限月額 for an income category.
* ``certificate_longest_months(service, is_extension)`` / ``certificate_longest_end(start, ...)``: a transition
  certificate covers 24 months standard, at most 12 for the one extension; a retention-support one at most the
  service's 3 years.
* ``certificate_warning(end, today)``: warn 60 and 30 days before a certificate's service period ends.
* ``plan_review_due_on(...)``: a support plan is reviewed at least every three months.
* ``age_on(birth_date, day)``.
"""

from __future__ import annotations

import calendar
import enum
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

if TYPE_CHECKING:
    from clients.models import Certificate

DAYS_OFF_A_MONTH = 8  # 原則の日数: days in the month minus 8
CERTIFICATE_STANDARD_MONTHS = 24  # 標準利用期間
CERTIFICATE_EXTENSION_MONTHS = 12  # at most one extension of up to 12 months
RETENTION_SUPPORT_CERTIFICATE_MONTHS = 36  # 就労定着支援 lasts at most 3 years; it has no extension
CERTIFICATE_WARNING_DAYS = (60, 30)
PLAN_REVIEW_MONTHS = 3  # モニタリング at least every three months


def standard_granted_days(month: date) -> int:
    """Days in ``month`` minus 8: 22 or 23, 20 or 21 in February."""
    return calendar.monthrange(month.year, month.month)[1] - DAYS_OFF_A_MONTH


def certificate_granted_days(certificate: Certificate | None, month: date) -> int:
    """The granted days a month for ``certificate`` in ``month``: its own amount, else the standard.
    Without a certificate the standard amount is returned."""
    if certificate is not None and certificate.granted_days:
        return certificate.granted_days
    return standard_granted_days(month)


def standard_copay_cap(income_category: str) -> int:
    """負担上限月額 of an income category in yen (生活保護 0, low income 0, general 1 9,300, general 2 37,200)."""
    from clients.models import STANDARD_COPAY_CAPS

    return STANDARD_COPAY_CAPS[income_category]


def certificate_longest_months(*, service: str, is_extension: bool) -> int:
    """How many months one certificate of ``service`` may cover."""
    from clients.models import CertificateService

    if service == CertificateService.RETENTION_SUPPORT:
        return RETENTION_SUPPORT_CERTIFICATE_MONTHS
    return CERTIFICATE_EXTENSION_MONTHS if is_extension else CERTIFICATE_STANDARD_MONTHS


def certificate_longest_end(start: date, *, is_extension: bool, service: str = "transition") -> date:
    """The last day a certificate of ``service`` starting on ``start`` may cover."""
    months = certificate_longest_months(service=service, is_extension=is_extension)
    return start + relativedelta(months=months) - timedelta(days=1)


class CertificateWarning(enum.StrEnum):
    NONE = "none"
    DAYS_60 = "60"  # 60 days or fewer left
    DAYS_30 = "30"  # 30 days or fewer left
    EXPIRED = "expired"


def certificate_warning(end: date | None, today: date) -> CertificateWarning:
    if end is None:
        return CertificateWarning.NONE
    left = (end - today).days
    if left < 0:
        return CertificateWarning.EXPIRED
    if left <= CERTIFICATE_WARNING_DAYS[1]:
        return CertificateWarning.DAYS_30
    if left <= CERTIFICATE_WARNING_DAYS[0]:
        return CertificateWarning.DAYS_60
    return CertificateWarning.NONE


def plan_review_due_on(*, plan_start: date, agreed_on: date | None, last_review_on: date | None) -> date:
    """Three months after the last review, else after the plan was agreed, else after it started."""
    base = last_review_on or agreed_on or plan_start
    return base + relativedelta(months=PLAN_REVIEW_MONTHS)


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))

"""Client rules that other apps share — each written once, here.

* Granted days (支給量) and the standard co-payment caps are rules of the regulations: ``regulations.rules``
  (``granted_days``, ``standard_copay_cap`` with the figures in force, ``regulations.selectors.figures_on``).
* ``certificate_longest_months(service, is_extension)`` / ``certificate_longest_end(start, ...)``: a transition
  certificate covers 24 months standard, at most 12 for the one extension; a retention-support one at most the
  service's 3 years.
* ``certificate_warning(end, today)``: warn 60 and 30 days before a certificate's service period ends.
* A support plan's monitoring is due by the missing-plan rule billing uses:
  ``regulations.rules.plan_monitoring_due_on`` with the service's interval in the figures in force.
* ``age_on(birth_date, day)``.
* ``katakana_name(text)``: a name in kana as the registry keeps it (katakana; hiragana and half-width kana
  converted), or None when it is not kana.
"""

from __future__ import annotations

import enum
import unicodedata
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

if TYPE_CHECKING:
    pass

CERTIFICATE_STANDARD_MONTHS = 24  # 標準利用期間
CERTIFICATE_EXTENSION_MONTHS = 12  # at most one extension of up to 12 months
RETENTION_SUPPORT_CERTIFICATE_MONTHS = 36  # 就労定着支援 lasts at most 3 years; it has no extension
CERTIFICATE_WARNING_DAYS = (60, 30)


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


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# katakana (ァ–ヺ), the prolonged sound mark and middle dot (ー・), the iteration marks (ヽヾ)
KATAKANA = {chr(code) for code in range(0x30A1, 0x30FB)} | set("ー・ヽヾ")


def kana_to_katakana(text: str) -> str:
    """ひらがな → カタカナ (other characters unchanged): the registry keeps readings in katakana, and a search
    typed in hiragana finds them."""
    return "".join(chr(ord(ch) + 0x60) if "\u3041" <= ch <= "\u3096" else ch for ch in text)


def katakana_name(text: str) -> str | None:
    """The kana of a name as the registry keeps it, or None when ``text`` is not kana.

    Half-width kana become full-width (NFKC), hiragana become katakana, spaces (half- or full-width) between
    words are kept as one full-width space.  Latin letters, digits, kanji and other signs are not kana:
    ``Tesuto`` and ``123`` give None; ``やまだ はなこ`` gives ``ヤマダ　ハナコ``.
    """
    normal = unicodedata.normalize("NFKC", text)
    words = kana_to_katakana(normal).split()
    if not words or any(ch not in KATAKANA for word in words for ch in word):
        return None
    return "\u3000".join(words)

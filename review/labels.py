"""The words of the case-review rows, translated once rather than once per row: a 300-person board has ~300
rows with a dozen words each, and a translation call per word and row adds up (issue 22).

* ``RowLabels``: the words of ``templates/jinja2/review/row_summary.html``, looked up once per request (and
  its strip's marks, each kind rendered once per request by the template's macro).
* ``gettext_once`` / ``ngettext_once``: for the flags' and due dates' texts (``review.flags``,
  ``review.placement_flags``): each text is translated once per language (and per number, for a plural) and
  then remembered for the life of the process — as Django reads each language's catalog once (and, like
  Django's, forgotten when a test changes the language settings).

Plain text — the template escapes it (the strip's marks are the template's own markup)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from markupsafe import Markup

if TYPE_CHECKING:
    from review.flags import StripDay


@lru_cache(maxsize=1024)
def _gettext(language: str | None, message: str) -> str:
    return translation.gettext(message)  # ``language`` is the active one: the key of the remembered text


@lru_cache(maxsize=4096)
def _ngettext(language: str | None, singular: str, plural: str, number: int) -> str:
    return translation.ngettext(singular, plural, number)


def gettext_once(message: str) -> str:
    """``gettext(message)`` in the active language, translated the first time only.  (Imported as ``_`` so
    that makemessages finds the messages.)"""
    return _gettext(translation.get_language(), message)


def ngettext_once(singular: str, plural: str, number: int) -> str:
    """``ngettext(singular, plural, number)`` in the active language, translated the first time only for each
    number (the plural form depends on it)."""
    return _ngettext(translation.get_language(), singular, plural, number)


def forget_translations() -> None:
    """Forget the remembered texts (tests that count translation calls start from none)."""
    _gettext.cache_clear()
    _ngettext.cache_clear()


@receiver(setting_changed)
def _forget_with_the_catalogs(*, setting: str, **kwargs) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:  # those Django reloads its catalogs for
        forget_translations()


# Below, the names makemessages reads (as the flags' modules import them).
_ = gettext_once
ngettext = ngettext_once


class RowLabels:
    """The rows' words in the active language (the counted ones remembered per number, for the request: a
    board asks for "3 days ago" a hundred times), and the strip's marks as the template renders them, each kind
    rendered once for the request (``strip_marks``)."""

    def __init__(self):
        self._counted: dict[tuple[str, int], str] = {}
        self._marks: dict[StripDay, Markup] = {}
        self.reviewed_today = _("Reviewed today")
        self.strip = _("Attendance, last two weeks")
        self.phase_unpaid = _("Follow-up, months 0–6")
        self.phase_retention = _("Retention support")
        self.employer = _("Employer")
        self.followup = _("Follow-up")
        self.reviewed = _("Reviewed")
        self.mark_reviewed = _("Mark reviewed")
        self._today = _("today")

    def strip_marks(self, days: Iterable[StripDay], render: Callable[[StripDay], Markup]) -> list[Markup]:
        """A row's attendance strip: each day as the template's macro ``render`` writes it, each kind of mark (a
        day and what was recorded on it) rendered the first time only — a board shows ~3,000 marks of a few dozen
        kinds — and one call from the template per row, not one per mark."""
        marks = []
        for day in days:
            markup = self._marks.get(day)
            if markup is None:
                markup = self._marks[day] = render(day)
            marks.append(markup)
        return marks

    def _remembered(self, key: tuple[str, int], text: Callable[[], str]) -> str:
        if key not in self._counted:
            self._counted[key] = text()
        return self._counted[key]

    def days_ago(self, days: int) -> str:
        """The last contact in words: "today", "1 day ago", "12 days ago"."""
        if days == 0:
            return self._today
        return self._remembered(("days_ago", days), lambda: ngettext(
            "%(days)s day ago", "%(days)s days ago", days) % {"days": days})

    def day_n(self, days: int) -> str:
        """The day of service since enrolment: "day 12"."""
        return self._remembered(("day_n", days), lambda: ngettext(
            "day %(days)s", "day %(days)s", days) % {"days": days})

    def month_n(self, month: int) -> str:
        """The month of the job since its start: "month 3"."""
        return self._remembered(("month_n", month), lambda: _("month %(m)s") % {"m": month})

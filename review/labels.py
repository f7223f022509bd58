"""The fixed words of the case-review rows (``templates/jinja2/review/summary.html``), translated once per
request rather than once per row: a 300-person board has ~300 rows with a dozen words each.  Plain text — the
template escapes it."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext


class RowLabels:
    """The rows' words in the active language; the counted ones are looked up once per number."""

    def __init__(self):
        self.reviewed_today = gettext("Reviewed today")
        self.strip = gettext("Attendance, last two weeks")
        self.phase_unpaid = gettext("Follow-up, months 0–6")
        self.phase_retention = gettext("Retention support")
        self.employer = gettext("Employer")
        self.followup = gettext("Follow-up")
        self.reviewed = gettext("Reviewed")
        self.mark_reviewed = gettext("Mark reviewed")
        self._today = gettext("today")
        self._days_ago: dict[int, str] = {}
        self._day_n: dict[int, str] = {}
        self._month_n: dict[int, str] = {}

    def days_ago(self, days: int) -> str:
        """The last contact in words: "today", "1 day ago", "12 days ago"."""
        if days == 0:
            return self._today
        if days not in self._days_ago:
            self._days_ago[days] = ngettext("%(days)s day ago", "%(days)s days ago", days) % {"days": days}
        return self._days_ago[days]

    def day_n(self, days: int) -> str:
        """The day of service since enrolment: "day 12"."""
        if days not in self._day_n:
            self._day_n[days] = ngettext("day %(days)s", "day %(days)s", days) % {"days": days}
        return self._day_n[days]

    def month_n(self, month: int) -> str:
        """The month of the job since its start: "month 3"."""
        if month not in self._month_n:
            self._month_n[month] = gettext("month %(m)s") % {"m": month}
        return self._month_n[month]

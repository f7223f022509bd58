"""FROZEN: the case-review rows as ``review/html.py`` wrote them in Python before they went back to templates
(issue 16 §5) — kept ONLY as the benchmark's reference floor ("case review (300-person office) ≤ 1.5× the
HTML-in-Python reference", ``devtools/bench.py``).  Production never imports devtools; do not use this
anywhere else, and do not mend it: the rows are ``templates/jinja2/review/`` now.

``environment`` is the Jinja2 engine the benchmark swaps in to time the board page with these rows (its
``review/rows.html`` calls ``rows_html``); everything else on the page is rendered as in production.

What the original said of itself: the board of a 300-person office has ~300 rows with 14 strip marks and
their flags each; every value from the database or a translation goes through ``escape`` (the same function
the template engine's autoescaping uses); the user-facing strings are translated once per language.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape as _escape

import jinja2
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from review.flags import StripDay
from review.selectors import ReviewRow


def escape(value) -> str:
    """As the template engine's autoescaping (``django.utils.html.escape``), without the SafeString."""
    return _escape(str(value))


MARK_FORM_ID = "review-mark"  # the board's one form that the rows' mark buttons submit


class _Texts:
    """The board's fixed strings in one language (translated once, not per row)."""

    def __init__(self):
        self.reviewed_today = escape(gettext("Reviewed today"))
        self.strip_label = escape(gettext("Attendance, last two weeks"))
        self.phase_unpaid = escape(gettext("Follow-up, months 0–6"))
        self.phase_retention = escape(gettext("就労定着支援"))
        self.employer = escape(gettext("Employer"))
        self.followup = escape(gettext("Follow-up"))
        self.today = escape(gettext("today"))
        self.reviewed = escape(gettext("Reviewed"))
        self.mark_reviewed = escape(gettext("Mark reviewed"))
        self._days_ago: dict[int, str] = {}
        self._day_n: dict[int, str] = {}
        self._month_n: dict[int, str] = {}

    def days_ago(self, days: int) -> str:
        if days == 0:
            return self.today
        text = self._days_ago.get(days)
        if text is None:
            text = self._days_ago[days] = escape(
                ngettext("%(days)s day ago", "%(days)s days ago", days) % {"days": days}
            )
        return text

    def day_n(self, days: int) -> str:
        text = self._day_n.get(days)
        if text is None:
            text = self._day_n[days] = escape(ngettext("day %(days)s", "day %(days)s", days) % {"days": days})
        return text

    def month_n(self, month: int) -> str:
        text = self._month_n.get(month)
        if text is None:
            text = self._month_n[month] = escape(gettext("month %(m)s") % {"m": month})
        return text


_TEXTS: dict[str | None, _Texts] = {}


def _texts() -> _Texts:
    language = get_language()
    texts = _TEXTS.get(language)
    if texts is None:
        texts = _TEXTS[language] = _Texts()
    return texts


@lru_cache(maxsize=2048)
def _strip_mark(status: str, closed: bool, label: str) -> str:
    """One day of the strip; the same few hundred (day, status) marks repeat over the board's rows."""
    return (
        f'<span class="s s-{escape(status or "none")}{" s-closed" if closed else ""}" title="{escape(label)}"></span>'
    )


def _strip(strip: list[StripDay]) -> str:
    return "".join([_strip_mark(d.status, d.closed, d.label) for d in strip])


def _ago(label: str, day, days: int | None, texts: _Texts) -> str:
    if days is None:
        return f'<div class="c-ago"><span class="ago-label">{label}</span> <span class="muted">—</span></div>'
    return (
        f'<div class="c-ago"><span class="ago-label">{label}</span> '
        f'<span title="{day.isoformat()}">{texts.days_ago(days)}</span></div>'
    )


def summary_html(row: ReviewRow, *, oob: bool = False) -> SafeString:
    """A row's summary (``div[data-summary]``): name, status, strip or phase, stage, contacts, next due,
    flags and the mark button."""
    texts = _texts()
    pk = row.client.pk
    url = row.person_url
    mark_url = url + "mark/"
    clients = row.section == "clients"
    swap_oob = ' hx-swap-oob="true"' if oob else ""
    out = [
        f'<div class="review-summary{" is-reviewed" if row.reviewed else ""}" id="summary-{pk}" data-summary'
        f"{swap_oob}>"
        f'<div class="c-name"><a href="{url}" hx-get="{url}" hx-target="#detail-{pk}" data-open>'
        f"{escape(row.client.full_name)}</a>"
    ]
    if row.reviewed:
        out.append(
            f' <span class="reviewed-tick" title="{texts.reviewed_today}">✓'
            f'<span class="visually-hidden">{texts.reviewed_today}</span></span>'
        )
    out.append('</div><div class="c-status">')
    if clients:
        out.append(escape(row.status_label))
        if row.days_enrolled is not None:
            out.append(f' <span class="muted">{texts.day_n(row.days_enrolled)}</span>')
    else:
        if row.hire_month:
            out.append(f'<span class="muted">{texts.month_n(row.hire_month)}</span>')
        else:
            out.append(escape(row.status_label))
        hire = row.hire
        out.append(f' <span class="c-employer" title="{escape(hire.job_title)}">{escape(hire.employer.name)}</span>')
    out.append('</div><div class="c-strip">')
    if clients:
        out.append(f'<span class="strip" role="img" aria-label="{texts.strip_label}">{_strip(row.strip)}</span>')
    elif row.phase == "unpaid":
        out.append(f'<span class="tag tag-phase-unpaid">{texts.phase_unpaid}</span>')
    elif row.phase == "retention_support":
        out.append(f'<span class="tag tag-phase-retention_support">{texts.phase_retention}</span>')
    out.append('</div><div class="c-stage">')
    if clients:
        out.append(f'<span class="stage stage-{escape(row.stage)}">{escape(row.stage_label)}</span>')
    out.append("</div>")
    out.append(_ago(texts.employer, row.last_employer_contact, row.days_since_employer_contact, texts))
    out.append(_ago(texts.followup, row.last_followup, row.days_since_followup, texts))
    out.append('<div class="c-due">')
    if row.next_due:
        out.append(
            f'<span class="ago-label">{escape(row.next_due.label)}</span> '
            f'<span title="{row.next_due.day.isoformat()}">{escape(row.next_due_short)}</span>'
        )
    out.append('</div><div class="c-flags">')
    for flag in row.flags:
        explanation = escape(flag.explanation)
        out.append(
            f'<details class="flag flag-{flag.level}" data-flag="{escape(flag.code)}">'
            f'<summary title="{explanation}">{escape(flag.label)}</summary><p>{explanation}</p></details>'
        )
    reviewed = row.reviewed
    out.append(
        f'</div><div class="c-mark"><button type="submit" form="{MARK_FORM_ID}" formaction="{mark_url}" '
        f'name="reviewed" value="{"0" if reviewed else "1"}" hx-post="{mark_url}" '
        f'hx-target="#summary-{pk}" hx-swap="outerHTML" class="mark{" done" if reviewed else ""}" data-mark '
        f'aria-pressed="{"true" if reviewed else "false"}">'
        f"{texts.reviewed if reviewed else texts.mark_reviewed}</button></div></div>"
    )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def rows_html(rows: list[ReviewRow]) -> SafeString:
    """The ``<li data-row>`` of each row: its summary and the (empty) place of its detail panel."""
    return mark_safe(  # noqa: S308 - built from summary_html, which escapes
        "".join(
            [
                f'<li class="review-row" id="row-{row.client.pk}" tabindex="-1" data-row>{summary_html(row)}'
                f'<div class="review-detail" id="detail-{row.client.pk}" data-detail aria-live="polite"></div></li>'
                for row in rows
            ]
        )
    )


# The board's row fragment, as the benchmark's reference: the rows from ``rows_html`` (a SafeString: Jinja2
# prints it as it is).
REFERENCE_ROWS_TEMPLATE = "{{ reference_rows(rows) }}"


def environment(**options) -> jinja2.Environment:
    """The ``jinja2`` engine of ``TEMPLATES`` with ``review/rows.html`` answered by ``rows_html``."""
    loader = options.pop("loader")  # the engine's own (its DIRS)
    options.pop("autoescape", None)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.DictLoader({"review/rows.html": REFERENCE_ROWS_TEMPLATE}), loader]),
        autoescape=True,
        **options,
    )
    env.globals["reference_rows"] = rows_html
    return env

"""Server-rendered SVG charts — one function per chart, the same markup on the billing pages and in the
PDFs.  Labels in the user's language (Japanese on the office's documents), black-and-white readable: every
series has its own fill pattern or marker and its values written beside it, so nothing depends on colour.

Only presentation attributes (``fill=``, ``stroke=`` …) are used, never ``style=``: the pages' Content-
Security-Policy forbids inline styles, and WeasyPrint reads the attributes too."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from billing.documents.series import SOURCE_CLAIMS, MonthPoint, RetentionYear
from billing.services.followup_cost import Bucket

WIDTH, HEIGHT = 640, 270
LEFT, RIGHT, TOP, BOTTOM = 64, 52, 34, 52
FONT = 'font-family="IPAexGothic, sans-serif"'
_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    text: str  # the value as written above the bar
    hatched: bool = False
    sublabel: str = ""


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 2.5 or 5 × a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return 10 * magnitude  # pragma: no cover


YEN, DAYS, PEOPLE, PERCENT = "yen", "days", "people", "percent"


def _axis_text(value: int, unit: str) -> str:
    """A value with its unit as read in the user's language: 12万円 / ¥120,000, 30日 / 30 d, 3人 / 3, 50%."""
    japanese = (get_language() or "ja").startswith("ja")
    if unit == YEN:
        if not japanese:
            return f"¥{value:,}"
        if value >= 10000:
            return f"{value / 10000:,.0f}万円" if value % 10000 == 0 else f"{value / 10000:,.1f}万円"
        return f"{value:,}円"
    if unit == PERCENT:
        return f"{value:,}%"
    if unit == DAYS:
        return pgettext("chart unit", "%(count)s d") % {"count": f"{value:,}"}
    return pgettext("chart unit", "%(count)s people") % {"count": f"{value:,}"}


def _svg(*, title: str, body: list[str], legend: list[str], uid: str) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-labelledby="{uid}-t" class="chart" {FONT}>'
        f'<title id="{uid}-t">{escape(title)}</title>'
        f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#333" stroke-width="2"/></pattern></defs>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>'
        f'<text x="{LEFT}" y="18" font-size="14" font-weight="bold" fill="#111">{escape(title)}</text>'
    )
    return mark_safe(head + "".join(body) + "".join(legend) + "</svg>")  # noqa: S308 - every text is escaped


def _bars(*, title: str, bars: Sequence[Bar], unit: str, legend: list[tuple[str, bool]] | None = None,
          line: Sequence[int] | None = None, line_unit: str = DAYS, line_label: str = "",
          top: int | None = None) -> SafeString:
    uid = f"chart{next(_ids)}"
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = top or _nice_max(max((b.value for b in bars), default=0))
    body = []
    for i in range(5):  # horizontal grid and the left axis
        value = top * i // 4
        y = TOP + plot_h - plot_h * i / 4
        dash = "" if i == 0 else ' stroke-dasharray="3 3"'
        body.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#bbb" '
                    f'stroke-width="0.6"{dash}/>')
        body.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#333">'
                    f'{escape(_axis_text(value, unit))}</text>')
    slot = plot_w / max(len(bars), 1)
    bar_w = slot * 0.62
    for i, bar in enumerate(bars):
        h = plot_h * bar.value / top if top else 0
        x = LEFT + i * slot + (slot - bar_w) / 2
        y = TOP + plot_h - h
        fill = f"url(#{uid}-hatch)" if bar.hatched else "#555"
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{fill}" '
                    f'stroke="#111" stroke-width="0.8"/>')
        if bar.text:
            body.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="9" text-anchor="middle" '
                        f'fill="#111">{escape(bar.text)}</text>')
        cx = LEFT + i * slot + slot / 2
        body.append(f'<text x="{cx:.1f}" y="{TOP + plot_h + 14}" font-size="10" text-anchor="middle" '
                    f'fill="#111">{escape(bar.label)}</text>')
        if bar.sublabel:
            body.append(f'<text x="{cx:.1f}" y="{TOP + plot_h + 27}" font-size="9" text-anchor="middle" '
                        f'fill="#444">{escape(bar.sublabel)}</text>')
    if line is not None:  # a second series on the right axis: a black line with square markers and values
        line_top = _nice_max(max(line, default=0))
        points = [(LEFT + i * slot + slot / 2, TOP + plot_h - plot_h * v / line_top) for i, v in enumerate(line)]
        body.append('<polyline fill="none" stroke="#000" stroke-width="1.6" points="'
                    + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>')
        for (x, y), v in zip(points, line, strict=True):
            body.append(f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="#fff" stroke="#000" '
                        f'stroke-width="1.4"/>')
            if v:
                body.append(f'<text x="{x + 5:.1f}" y="{y - 5:.1f}" font-size="8.5" fill="#000">{v}</text>')
        for i in range(5):
            y = TOP + plot_h - plot_h * i / 4
            body.append(f'<text x="{LEFT + plot_w + 6}" y="{y + 4:.1f}" font-size="10" fill="#333">'
                        f'{escape(_axis_text(line_top * i // 4, line_unit))}</text>')
    legend_items = []
    x = LEFT
    y = HEIGHT - 10
    for label, hatched in legend or []:
        fill = f"url(#{uid}-hatch)" if hatched else "#555"
        legend_items.append(f'<rect x="{x}" y="{y - 9}" width="14" height="10" fill="{fill}" stroke="#111" '
                            f'stroke-width="0.8"/><text x="{x + 18}" y="{y}" font-size="10" fill="#111">'
                            f'{escape(label)}</text>')
        x += 26 + 11 * len(label)
    if line is not None and line_label:
        legend_items.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 18}" y2="{y - 4}" stroke="#000" '
                            f'stroke-width="1.6"/><rect x="{x + 6}" y="{y - 7}" width="6" height="6" fill="#fff" '
                            f'stroke="#000" stroke-width="1.4"/><text x="{x + 24}" y="{y}" font-size="10" '
                            f'fill="#111">{escape(line_label)}</text>')
    return _svg(title=title, body=body, legend=legend_items, uid=uid)


def chart_fees_and_days(points: Sequence[MonthPoint]) -> SafeString:
    """Fees (bars; hatched where estimated) and billable attendance days (line) per month."""
    bars = [
        Bar(label=date_format(p.month, "M"), value=p.yen, text=_axis_text(p.yen, YEN) if p.yen else "",
            hatched=p.source != SOURCE_CLAIMS,
            sublabel=pgettext("chart year", "%(year)s") % {"year": p.month.year}
            if (i == 0 or p.month.month == 1) else "")
        for i, p in enumerate(points)
    ]
    return _bars(title=gettext("Fees and attendance days by month (last 12 months)"), bars=bars, unit=YEN,
                 legend=[(gettext("Fees (closed and claimed)"), False), (gettext("Fees (estimate)"), True)],
                 line=[p.days for p in points], line_unit=DAYS, line_label=gettext("Attendance days (total)"))


def chart_hires_by_bucket(buckets: Sequence[Bucket]) -> SafeString:
    """Hires of the year by the client's attendance days before the hire."""
    bars = [
        Bar(label=(gettext("%(low)s–%(high)s d") % {"low": b.low, "high": b.high} if b.high is not None
                   else gettext("%(low)s d or more") % {"low": b.low}),
            value=b.hires, text=_axis_text(b.hires, PEOPLE))
        for b in buckets
    ]
    return _bars(title=gettext("Hires by attendance days before the hire"), bars=bars, unit=PEOPLE)


def chart_retention_by_year(years: Sequence[RetentionYear]) -> SafeString:
    """Six-month retention per year of hire; years with hires still short of six months are hatched."""
    bars = [
        Bar(label=pgettext("chart year", "%(year)s") % {"year": y.year}, value=y.percent or 0,
            text=(gettext("%(percent)s%% (%(retained)s of %(judged)s)")
                  % {"percent": y.percent, "retained": y.retained, "judged": y.judged}
                  if y.percent is not None else "—"),
            hatched=y.pending > 0,
            sublabel=gettext("%(hires)s hired") % {"hires": y.hires} if y.hires else "")
        for y in years
    ]
    return _bars(title=gettext("Six-month retention by year of hire"), bars=bars, unit=PERCENT, top=100,
                 legend=[(gettext("Retention (settled)"), False),
                         (gettext("Year with people short of six months"), True)])

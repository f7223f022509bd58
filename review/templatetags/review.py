"""``{% load review %}``: the case-review board's rows, written by ``review.html`` (see there why)."""

from django import template

from review import html as review_html

register = template.Library()


@register.simple_tag
def review_rows(rows):
    """Every ``<li data-row>`` of a group of the board."""
    return review_html.rows_html(rows)


@register.simple_tag
def review_summary(row, oob=False):
    """One row's summary: the htmx answer of the mark view and the detail panel's out-of-band update."""
    return review_html.summary_html(row, oob=bool(oob))


@register.simple_tag
def review_mark_form_id():
    return review_html.MARK_FORM_ID

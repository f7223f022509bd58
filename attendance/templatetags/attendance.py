"""``{% load attendance %}``: the roster's status buttons, written in Python.

The roster writes its inputs by hand (``AttendanceRowForm.shown_values``); the five status radios of each
row were still ~40 % of the page's template nodes, so they are written here, once per row, with the names,
ids and markup the ``RadioSelect`` widget gave them (``static/js/attendance.js`` reads ``label[data-key]``).
Every value is escaped as the template engine's autoescaping would.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from attendance.forms import STATUS_CHOICES

register = template.Library()

_CHOICES: dict[str | None, list[tuple[str, str, str]]] = {}


def _choices() -> list[tuple[str, str, str]]:
    """(key, value, label markup) of each status, translated once per language."""
    language = get_language()
    choices = _CHOICES.get(language)
    if choices is None:
        choices = _CHOICES[language] = [
            (str(key), escape(str(value)),
             escape(str(label)) if value else
             f'<span aria-hidden="true">—</span><span class="visually-hidden">{escape(str(label))}</span>')
            for key, (value, label) in enumerate(STATUS_CHOICES)
        ]
    return choices


@register.simple_tag
def roster_status_radios(prefix: str, status: str, disabled: bool = False):
    """The status radios of one row (form prefix ``prefix``, ``status`` checked)."""
    name = escape(f"{prefix}-status")
    tail = " disabled" if disabled else ""
    return mark_safe("".join([  # noqa: S308 - every value is escaped above
        f'<label class="st st-{value or "none"}" data-key="{key}"><input type="radio" name="{name}" '
        f'value="{value}" id="id_{name}_{key}"{" checked" if value == escape(status) else ""}{tail}>'
        f'<span>{label}</span><kbd aria-hidden="true">{key}</kbd></label>'
        for key, value, label in _choices()
    ]))

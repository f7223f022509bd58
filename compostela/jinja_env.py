"""The Jinja2 engine's environment (``TEMPLATES`` in the settings): Jinja2's own, plus the number formats of
the Django templates (``compostela/templatetags/compostela.py``) as filters of the same names, so that a hot
fragment writes ``{{ line.total_yen|yen }}`` as the page around it does."""

from __future__ import annotations

from jinja2 import Environment

from compostela.templatetags.compostela import units, yen


def environment(**options) -> Environment:
    env = Environment(autoescape=options.pop("autoescape", True), **options)  # Django passes True
    env.filters.update({"yen": yen, "units": units})
    return env

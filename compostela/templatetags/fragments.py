"""``{% load fragments %}``: ``{% fragment "review/rows.html" rows=group.rows labels=labels %}`` renders a
Jinja2 template of ``templates/jinja2/`` (the ``jinja2`` engine of ``TEMPLATES``) with exactly the values
given, where a Django template needs it — as ``{% include … only %}`` does for a Django template.

The hot fragments are Jinja2 templates for speed (see the engine's comment in the settings); the pages
around them stay Django templates.  Jinja2 autoescapes what it prints, so the fragment's output goes into
the page as it is, like an included template's.
"""

from django import template
from django.template.base import token_kwargs
from django.template.loader import get_template

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, name, values):
        self.name, self.values = name, values

    def render(self, context) -> str:
        fragment = get_template(self.name.resolve(context), using="jinja2")
        values = {key: value.resolve(context) for key, value in self.values.items()}
        # Jinja2 escapes each value it prints into a Markup, an object the garbage collector tracks.  Joined at
        # the end (Template.render), the 15,000 of a 150-row roster all lived until the join and set off
        # collections of the whole heap; taken as plain strings as they come, each is freed at once.
        return "".join(map(str, fragment.template.generate(values)))


@register.tag
def fragment(parser, token):
    """``{% fragment "name" key=value … %}``."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes the name of a Jinja2 template and key=value pairs.")
    remaining = bits[2:]
    values = token_kwargs(remaining, parser, support_legacy=False)
    if remaining:
        raise template.TemplateSyntaxError(f"{bits[0]}: only key=value pairs after the template's name.")
    return FragmentNode(parser.compile_filter(bits[1]), values)

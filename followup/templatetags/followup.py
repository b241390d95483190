"""{% implementation_headline as h %}: "X of Y adopted cases implemented" (home page, register)."""

from django import template

from followup.indicators import implementation_headline as headline
from organisation.selectors import portal_collectivity

register = template.Library()


@register.simple_tag(takes_context=True)
def implementation_headline(context) -> dict | None:
    collectivity = portal_collectivity(context.get("request"))
    return headline(collectivity) if collectivity is not None else None

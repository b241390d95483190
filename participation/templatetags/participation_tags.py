from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(share) -> str:
    """0.4567 -> "45.7 %"; no figure -> "—"."""
    if share is None:
        return "—"
    return f"{number_format(round(share * 100, 1), 1)} %"


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0) if mapping else 0

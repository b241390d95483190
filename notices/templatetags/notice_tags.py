"""{% case_notices case %}: on the public case page, when each decision was notified (never to
whom) and when it was posted on the notice board."""

from django import template

from notices import selectors

register = template.Library()


@register.inclusion_tag("notices/public_panel.html")
def case_notices(case):
    return {
        "case": case,
        "clocks": selectors.notice_clock_items(case),
        "posting": selectors.posting_status(case),
    }

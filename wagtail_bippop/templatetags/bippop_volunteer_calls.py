"""How many emergency-plan calls a volunteer still has to make (for their home page)."""

from django import template

register = template.Library()


@register.simple_tag
def open_campaign_calls(volunteer):
    from ..volunteer_space.campaign_calls import open_calls_of

    return open_calls_of(volunteer).count() if volunteer else 0

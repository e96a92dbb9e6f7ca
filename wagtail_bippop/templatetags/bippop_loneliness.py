"""Whether a loneliness measure of a person is due (for the volunteer's pages)."""

from django import template

register = template.Library()


@register.simple_tag
def loneliness_measure_due(beneficiary):
    from ..volunteer_space.loneliness import measure_due

    return measure_due(beneficiary)

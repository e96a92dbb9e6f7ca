"""Where volunteers sign in to their space, for the public pages and messages."""

from django import template

from ..volunteer_space.links import signin_url

register = template.Library()


@register.simple_tag
def volunteer_space_signin_url(territory):
    """The absolute address of the territory's volunteer space sign-in page, or ""."""
    return signin_url(territory)

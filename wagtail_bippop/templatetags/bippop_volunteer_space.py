"""Where volunteers sign in to their space, for the public pages and messages."""

from django import template

from ..volunteer_space.links import signin_url

register = template.Library()


@register.simple_tag
def volunteer_space_signin_url(territory):
    """The absolute address of the territory's volunteer space sign-in page, or ""."""
    return signin_url(territory)


@register.simple_tag
def volunteer_vetting_url(volunteer):
    """The absolute address of a volunteer's vetting steps in the administration."""
    from django.conf import settings
    from django.urls import reverse

    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    return f"{base}{reverse('wagtail_bippop_coordinator:vetting', args=[volunteer.pk])}"

"""Where a territory's volunteer space lives, and the one-time sign-in links to it."""

import hashlib

from django.conf import settings
from django.core.cache import cache

from .. import signin
from ..conf import bippop_settings

SIGNIN_SCOPE = "bippop-volunteer-space"


def space_page(territory):
    from .pages import VolunteerSpacePage

    for page in VolunteerSpacePage.objects.live().specific():
        if page.get_territory() == territory:
            return page
    return None


def space_url(territory):
    page = space_page(territory)
    return page.full_url if page else ""


def signin_url(territory):
    """The absolute address of the sign-in page of ``territory``'s volunteer space, or ""."""
    page = space_page(territory) if territory is not None else None
    return page.full_url + page.reverse_subpage("signin") if page else ""


def signin_token(user):
    return signin.token_for(user, SIGNIN_SCOPE)


def user_from_token(token):
    return signin.user_from_token(token, SIGNIN_SCOPE)


def rate_limited(*keys):
    """Count one sign-in link request for each key; True when one is over the limit."""
    window = bippop_settings.SIGNIN_RATE_WINDOW_SECONDS
    over = False
    for key in keys:
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()[:32]
        cache_key = f"bippop:signin:{digest}"
        if cache.add(cache_key, 1, timeout=window):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:
                cache.add(cache_key, 1, timeout=window)
                count = 1
        over = over or count > bippop_settings.SIGNIN_RATE_LIMIT
    return over

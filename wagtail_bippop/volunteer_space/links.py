"""Where a territory's volunteer space lives, and the one-time sign-in links to it."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from sesame.utils import get_token, get_user

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


def signin_token(user):
    return get_token(user, scope=SIGNIN_SCOPE)


def user_from_token(token):
    """The user a sign-in token was made for; None when expired, used or tampered with.

    Single use comes from django-sesame's SESAME_ONE_TIME: a token is bound to the user's
    last login, which signing in updates.
    """
    if not token:
        return None
    return get_user(token, scope=SIGNIN_SCOPE, max_age=bippop_settings.SIGNIN_LINK_MINUTES * 60)


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

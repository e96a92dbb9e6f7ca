"""One-time sign-in links to the partner space (django-sesame, its own scope)."""

from django.contrib.auth import get_user_model
from sesame.utils import get_token, get_user

from ..conf import bippop_settings

SIGNIN_SCOPE = "bippop-partner-space"


def join_page(territory):
    """The live partner page (join form and partner space) of ``territory``'s section."""
    from .pages import PartnerJoinPage

    for page in PartnerJoinPage.objects.live().specific():
        if page.get_territory() == territory:
            return page
    return None


def user_for(representative):
    """The representative's user account, created on first need (no password)."""
    if representative.user_id:
        return representative.user
    user = get_user_model()(
        username=f"partner-{representative.pk}",
        email=representative.email,
        first_name=representative.first_name[:150],
        last_name=representative.last_name[:150],
    )
    user.set_unusable_password()
    user.save()
    representative.user = user
    representative.save(update_fields=["user"])
    return user


def signin_link(page, representative):
    token = get_token(user_for(representative), scope=SIGNIN_SCOPE)
    return f"{page.full_url}{page.reverse_subpage('signin_open')}?t={token}"


def user_from_token(token):
    """The user a link was made for; None when expired, used or tampered with."""
    if not token:
        return None
    return get_user(token, scope=SIGNIN_SCOPE, max_age=bippop_settings.SIGNIN_LINK_MINUTES * 60)

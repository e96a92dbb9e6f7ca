"""One-time sign-in links to the partner space (django-sesame, its own scope)."""

from .. import signin

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
    return signin.account_for(representative, "partner")


def signin_link(page, representative):
    token = signin.token_for(user_for(representative), SIGNIN_SCOPE)
    return f"{page.full_url}{page.reverse_subpage('signin_open')}?t={token}"


def user_from_token(token):
    return signin.user_from_token(token, SIGNIN_SCOPE)

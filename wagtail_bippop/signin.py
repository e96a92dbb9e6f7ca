"""One-time sign-in links (django-sesame) for people without a password: volunteers and
partners' representatives. Each space has its own scope, so a link opens only its space."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from sesame import settings as sesame_settings
from sesame.backends import ModelBackend as SesameBackend
from sesame.utils import get_token

from .conf import bippop_settings


def account_for(holder, prefix):
    """``holder``'s user account (a volunteer or a representative), created on first need."""
    if holder.user_id:
        return holder.user
    user = get_user_model()(
        username=f"{prefix}-{holder.pk}",
        email=holder.email,
        first_name=holder.first_name[:150],
        last_name=holder.last_name[:150],
    )
    user.set_unusable_password()
    user.save()
    holder.user = user
    holder.save(update_fields=["user"])
    return user


def token_for(user, scope):
    return get_token(user, scope=scope)


def user_from_token(token, scope):
    """The user a link was made for; None when expired, used or tampered with.

    Single use comes from django-sesame's SESAME_ONE_TIME: a token is bound to the user's
    last login, which signing in updates.

    The token is checked by django-sesame's backend directly rather than through
    ``authenticate()``: the admin's password lockout (django-axes, first of the
    authentication backends) concerns passwords, and needs a request these links do not
    go through; the spaces have their own per-person and per-client limits.
    """
    if not token:
        return None
    backend = SesameBackend()
    user = backend.authenticate(
        None, sesame=token, scope=scope, max_age=bippop_settings.SIGNIN_LINK_MINUTES * 60
    )
    if user is None:
        return None
    user.backend = f"{SesameBackend.__module__}.{SesameBackend.__qualname__}"
    if sesame_settings.ONE_TIME:
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
    return user

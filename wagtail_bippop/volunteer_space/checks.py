"""Startup checks: one-time sign-in links need django-sesame set up as documented."""

from django.conf import settings
from django.core import checks

SESAME_BACKEND = "sesame.backends.ModelBackend"


@checks.register(checks.Tags.security)
def check_signin_links(app_configs=None, **kwargs):
    problems = []
    if SESAME_BACKEND not in getattr(settings, "AUTHENTICATION_BACKENDS", []):
        problems.append(
            checks.Error(
                f"Add {SESAME_BACKEND!r} to AUTHENTICATION_BACKENDS: volunteers sign in by link.",
                id="wagtail_bippop.E101",
            )
        )
    if not getattr(settings, "SESAME_ONE_TIME", False):
        problems.append(
            checks.Error(
                "Set SESAME_ONE_TIME = True: a sign-in link must work only once.",
                id="wagtail_bippop.E102",
            )
        )
    if not getattr(settings, "SESAME_MAX_AGE", None):
        problems.append(
            checks.Error(
                "Set SESAME_MAX_AGE (e.g. 20 * 60): sign-in links must expire.",
                id="wagtail_bippop.E103",
            )
        )
    return problems

"""Readable labels for what the public forms record in the audit trail."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .submissions import REQUEST_RECEIVED, VOLUNTEER_SIGNED_UP


@hooks.register("register_log_actions")
def register_public_log_actions(actions):
    actions.register_action(REQUEST_RECEIVED, _("Help request received online"), _("Received"))
    actions.register_action(VOLUNTEER_SIGNED_UP, _("Volunteer signed up online"), _("Signed up"))


@hooks.register("before_serve_page")
def speak_the_site_language(page, request, serve_args, serve_kwargs):
    """The section speaks its page's language, whatever the visitor's browser asks for.

    A French town's site in French must not switch to English inside the solidarity
    section because a browser prefers English (the host's own pages are the host's choice).
    """
    if page._meta.app_label != "wagtail_bippop":
        return None
    language = page.locale.language_code
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()
    return None

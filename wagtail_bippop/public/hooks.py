"""Readable labels for what the public forms record in the audit trail."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .submissions import REQUEST_RECEIVED, VOLUNTEER_SIGNED_UP


@hooks.register("register_log_actions")
def register_public_log_actions(actions):
    actions.register_action(REQUEST_RECEIVED, _("Help request received online"), _("Received"))
    actions.register_action(VOLUNTEER_SIGNED_UP, _("Volunteer signed up online"), _("Signed up"))

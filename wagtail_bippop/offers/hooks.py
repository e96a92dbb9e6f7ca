"""Admin hooks of the offers: audit labels."""

from wagtail import hooks

from . import log_actions

hooks.register("register_log_actions", log_actions.register)

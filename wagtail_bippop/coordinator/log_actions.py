"""Readable labels for the audit log entries written by the coordinator section."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from ..models.audit import BippopLogEntry, logged_models

# action → (label in the history filters, message in the history list)
ACTIONS = {
    "wagtail_bippop.intake": (_("Phone intake"), _("Request taken by a coordinator")),
    "wagtail_bippop.request.status": (_("Request status changed"), _("Status changed")),
    "wagtail_bippop.vetting.interview": (_("Volunteer interviewed"), _("Interview recorded")),
    "wagtail_bippop.vetting.charter": (_("Charter signed"), _("Charter signature recorded")),
    "wagtail_bippop.vetting.honourability": (
        _("Honourability check"),
        _("Honourability check recorded"),
    ),
    "wagtail_bippop.vetting.training": (_("Volunteer trained"), _("Training recorded")),
    "wagtail_bippop.vetting.activate": (_("Volunteer co-opted"), _("Volunteer co-opted")),
    "wagtail_bippop.vetting.suspend": (_("Volunteer suspended"), _("Volunteer suspended")),
    "wagtail_bippop.vetting.reinstate": (_("Volunteer reinstated"), _("Volunteer reinstated")),
    "wagtail_bippop.vetting.leave": (_("Volunteer left"), _("Volunteer left the network")),
    "wagtail_bippop.visit.done": (_("Visit done"), _("Visit reported as done")),
    "wagtail_bippop.visit.cancelled": (_("Visit cancelled"), _("Visit reported as cancelled")),
    "wagtail_bippop.visit.missed": (_("Visit missed"), _("Visit reported as missed")),
    "wagtail_bippop.contact.log": (_("Follow-up logged"), _("Call or note logged")),
}


def register(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)
    # Actions on the network's records go to the log scoped by territory.
    for model in logged_models(apps.get_app_config("wagtail_bippop")):
        actions.register_model(model, BippopLogEntry)

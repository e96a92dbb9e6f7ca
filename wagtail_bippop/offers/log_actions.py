"""Readable labels for the audit log entries about offers and participations."""

from django.utils.translation import gettext_lazy as _

# action → (label in the history filters, message in the history list)
ACTIONS = {
    "wagtail_bippop.offer.submitted": (_("Offer proposed"), _("Offer of help proposed")),
    "wagtail_bippop.offer.created": (_("Offer created"), _("Offer created by a coordinator")),
    "wagtail_bippop.offer.approved": (_("Offer approved"), _("Offer approved and published")),
    "wagtail_bippop.offer.rejected": (_("Offer rejected"), _("Offer rejected")),
    "wagtail_bippop.offer.withdrawn": (_("Offer withdrawn"), _("Offer withdrawn")),
    "wagtail_bippop.offer.participation_confirmed": (
        _("Participation confirmed"),
        _("Place confirmed in an offer"),
    ),
    "wagtail_bippop.offer.participation_declined": (
        _("Participation declined"),
        _("Participation in an offer declined"),
    ),
    "wagtail_bippop.offer.participation_cancelled": (
        _("Participation cancelled"),
        _("Participation in an offer cancelled"),
    ),
}


def register(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)

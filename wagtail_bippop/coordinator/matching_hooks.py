"""Admin hooks of matching and solicitations: the suggestions page and its audit labels."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .matching_views import SuggestionsView

urlpatterns = [
    path("<int:request_id>/", SuggestionsView.as_view(), name="suggestions"),
]

# action → (label in the history filters, message in the history list)
ACTIONS = {
    "wagtail_bippop.request_searching": (
        _("Looking for a volunteer"),
        _("Request marked as looking for a volunteer"),
    ),
    "wagtail_bippop.request_matched": (_("Volunteer found"), _("Request matched with a volunteer")),
    "wagtail_bippop.solicitation_sent": (_("Volunteer asked"), _("Volunteer asked to help")),
    "wagtail_bippop.solicitation_accepted": (_("Volunteer said yes"), _("Volunteer accepted")),
    "wagtail_bippop.solicitation_declined": (_("Volunteer said no"), _("Volunteer declined")),
    "wagtail_bippop.solicitation_filled": (
        _("Already taken"),
        _("Volunteer accepted but the request was already taken"),
    ),
    "wagtail_bippop.solicitation_taken_by_another": (
        _("Taken by another volunteer"),
        _("Request taken by another volunteer: no answer needed any more"),
    ),
    "wagtail_bippop.solicitation_expired": (_("Link expired"), _("Answer came too late")),
    "wagtail_bippop.solicitation_withdrawn": (
        _("No longer needed"),
        _("Answer came after the request was closed"),
    ),
    "wagtail_bippop.mission_created": (_("Mission created"), _("Mission created")),
    "wagtail_bippop.mission_ended": (_("Mission ended"), _("Mission ended")),
    "wagtail_bippop.mission_scheduled": (
        _("First visit agreed"),
        _("First visit agreed with the person; the person and the volunteer were told"),
    ),
    "wagtail_bippop.mission_changed": (
        _("Schedule changed"),
        _("Day or time changed; the person and the volunteer were told"),
    ),
    "wagtail_bippop.visits_planned": (_("Visits planned"), _("Next visits planned")),
}


@hooks.register("register_admin_urls")
def register_matching_urls():
    return [path("solidarite-suggestions/", include((urlpatterns, "wagtail_bippop_matching")))]


@hooks.register("register_log_actions")
def register_matching_actions(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)

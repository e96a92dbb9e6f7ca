"""Moderation of the structures that ask to join (approve or reject) and of the events
their representatives propose (publish in the agenda), in the admin.

Scoped like every coordinator view (another territory's organisation or event is a 404),
allowed to users who may change organisations, logged with a readable label (Wagtail logs
an event's publication itself).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Organisation, OrganisationStatus
from ..partners import moderation, space
from .views.base import CoordinatorView

URL_NAMESPACE = "wagtail_bippop_partners"


def review_url(organisation):
    return reverse(f"{URL_NAMESPACE}:review", args=[organisation.pk])


def event_url(event):
    return reverse(f"{URL_NAMESPACE}:event", args=[event.pk])


def organisation_actions(viewset, user, organisation):
    """The review page of a structure: its decision while pending, its representatives after."""
    if organisation.status == OrganisationStatus.PENDING:
        return [(gettext_lazy("Approve or reject"), review_url(organisation), "tick")]
    return [(gettext_lazy("Representatives"), review_url(organisation), "user")]


class PartnerReviewView(CoordinatorView):
    permission_required = "wagtail_bippop.change_organisation"
    template_name = "wagtail_bippop/admin/partner_review.html"
    page_title = gettext_lazy("Request to join the network")
    header_icon = "home"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.organisation = self.get_scoped(Organisation, kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.organisation.name

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisation=self.organisation,
            representatives=list(self.organisation.representatives.all()),
            is_pending=self.organisation.status == OrganisationStatus.PENDING,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        organisation = self.get_scoped(Organisation, kwargs["pk"])
        decision = request.POST.get("decision")
        if decision not in ("approve", "reject"):
            messages.error(request, _("Choose to approve or to reject."))
            return redirect(review_url(organisation))
        try:
            if decision == "approve":
                moderation.approve(organisation, user=request.user)
                messages.success(
                    request,
                    _(
                        "%(name)s is approved: it appears in the directory and its "
                        "representatives received a link to publish."
                    )
                    % {"name": organisation.name},
                )
            else:
                moderation.reject(organisation, user=request.user)
                messages.success(request, _("%(name)s is rejected.") % {"name": organisation.name})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(review_url(organisation))


class PartnerEventView(CoordinatorView):
    """An event proposed from the partner space: read it, then publish it in the agenda."""

    permission_required = "wagtail_bippop.change_organisation"
    template_name = "wagtail_bippop/admin/partner_event.html"
    page_title = gettext_lazy("Event proposed by a partner")
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_event(self):
        event = moderation.event_in_scope(self.request.user, self.kwargs["pk"])
        if event is None:
            raise Http404
        return event

    def get(self, request, *args, **kwargs):
        self.event = self.get_event()
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.event.title

    def get_context_data(self, **kwargs):
        event = self.event
        return super().get_context_data(
            event=event,
            is_waiting=moderation.is_waiting(event),
            public_url=event.url if event.live else "",
            agenda=event.get_parent(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        if request.POST.get("decision") != "publish":
            messages.error(request, _("Choose to publish the event."))
            return redirect(event_url(event))
        try:
            moderation.publish_event(event, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("“%(title)s” is published in the agenda; the structure is told.")
                % {"title": event.title},
            )
        return redirect(event_url(event))


urlpatterns = [
    path("<int:pk>/", PartnerReviewView.as_view(), name="review"),
    path("evenements/<int:pk>/", PartnerEventView.as_view(), name="event"),
]

ACTIONS = {
    "wagtail_bippop.partner_join_requested": (
        gettext_lazy("Request to join"),
        gettext_lazy("Structure asked to join through the website"),
    ),
    moderation.APPROVED: (gettext_lazy("Partner approved"), gettext_lazy("Structure approved")),
    moderation.REJECTED: (gettext_lazy("Partner rejected"), gettext_lazy("Structure rejected")),
    space.SIGNED_IN: (
        gettext_lazy("Partner signed in"),
        gettext_lazy("A representative opened the partner space"),
    ),
    space.EVENT_PROPOSED: (
        gettext_lazy("Event proposed by a partner"),
        gettext_lazy("Event proposed from the partner space"),
    ),
}


def register_hooks():
    from wagtail import hooks

    @hooks.register("register_admin_urls")
    def register_partner_urls():
        return [path("solidarite-partenaires/", include((urlpatterns, URL_NAMESPACE)))]

    @hooks.register("register_log_actions")
    def register_partner_actions(actions):
        for action, (label, message) in ACTIONS.items():
            actions.register_action(action, label, message)


register_hooks()

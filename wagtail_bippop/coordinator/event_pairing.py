"""Pairing for events: a request linked to an event, and the volunteers who offered to go.

A volunteer's "I can accompany someone" is an offer linked to the event; on a request for
the same event the coordinator sees those volunteers and asks them with the ordinary
solicitation (personal link, first yes wins).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from ..events.companions import OFFERED, STANDING
from ..models import Offer, Solicitation, VettingStage
from ..solicitations import SOLICITABLE_STATUSES, solicit
from .matching_views import RequestScreen

URL_NAMESPACE = "wagtail_bippop_event_pairing"


def companion_offers(help_request):
    """Standing offers of active volunteers to accompany someone to the request's event."""
    if not help_request.event_id:
        return Offer.objects.none()
    return (
        Offer.objects.filter(
            event_id=help_request.event_id,
            territory_id=help_request.territory_id,
            status__in=STANDING,
            volunteer__stage=VettingStage.ACTIVE,
        )
        .select_related("volunteer__area")
        .order_by("created_at", "pk")
    )


def pairing_url(help_request):
    return reverse(f"{URL_NAMESPACE}:pairing", args=[help_request.pk])


def request_actions(user, help_request):
    """The button on a request linked to an event (added to the request's actions)."""
    if help_request.event_id and help_request.is_open:
        return [(gettext_lazy("Volunteers for this event"), pairing_url(help_request), "group")]
    return []


class EventPairingView(RequestScreen):
    template_name = "wagtail_bippop/admin/event_pairing.html"
    page_title = gettext_lazy("Go together to an event")
    related = ("beneficiary", "event")
    request_filters = {"event__isnull": False}

    def get_context_data(self, **kwargs):
        offers = list(companion_offers(self.help_request))
        asked = set(
            Solicitation.objects.filter(request=self.help_request).values_list(
                "volunteer_id", flat=True
            )
        )
        return super().get_context_data(
            help_request=self.help_request,
            event=self.help_request.event,
            offers=[(offer, offer.volunteer_id in asked) for offer in offers],
            is_open=self.help_request.status in SOLICITABLE_STATUSES,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        raw = request.POST.get("volunteer", "")
        offer = (
            companion_offers(self.help_request).filter(volunteer_id=int(raw)).first()
            if raw.isdecimal()
            else None
        )
        if offer is None:
            messages.error(request, _("This volunteer has not offered to go to this event."))
            return redirect(pairing_url(self.help_request))
        try:
            created = solicit(self.help_request, [offer.volunteer], user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(pairing_url(self.help_request))
        if created:
            messages.success(
                request,
                _("%(name)s is asked. They receive a personal link to answer.")
                % {"name": offer.volunteer.full_name},
            )
        else:
            messages.info(request, _("This volunteer has already been asked."))
        return redirect(pairing_url(self.help_request))


urlpatterns = [path("<int:request_id>/", EventPairingView.as_view(), name="pairing")]


@hooks.register("register_admin_urls")
def register_event_pairing_urls():
    return [path("solidarite-evenements/", include((urlpatterns, URL_NAMESPACE)))]


@hooks.register("register_log_actions")
def register_event_actions(actions):
    actions.register_action(
        OFFERED,
        gettext_lazy("Offer to accompany"),
        gettext_lazy("Volunteer offered to accompany someone to an event"),
    )

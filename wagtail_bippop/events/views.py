"""Routes of an event page: the iCalendar file and the "I can accompany someone" step."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from ..models import VettingStage
from ..volunteer_space.links import space_page
from ..volunteer_space.views import RETURN_AFTER_SIGNIN, current_volunteer
from . import companions
from .agenda import is_upcoming
from .calendar import event_ical


def ical(event, request):
    body = event_ical(
        event, url=event.get_full_url(request), domain=request.get_host().split(":")[0]
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evenement-{event.pk}.ics"'
    return response


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def accompany(event, request):
    """GET: a confirmation for a signed-in volunteer (or the way to sign in); POST: offer."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    territory = event.get_territory()
    space = space_page(territory) if territory else None
    if space is None:
        return _render(event, request, "unavailable", status=404)
    volunteer = current_volunteer(space, request)
    if volunteer is None:
        # Sign in, then come back here.
        request.session[RETURN_AFTER_SIGNIN] = event.url + event.reverse_subpage("accompany")
        return HttpResponseRedirect(space.url + space.reverse_subpage("signin"))
    if not is_upcoming(event) or companions.companion_service(territory) is None:
        return _render(event, request, "unavailable", status=404)
    if volunteer.stage != VettingStage.ACTIVE:
        return _render(event, request, "not_active", status=403)
    existing = companions.standing_offer(volunteer, event)
    if request.method == "POST":
        offer, created = companions.offer_to_accompany(volunteer, event, user=request.user)
        if offer is None:
            return _render(event, request, "unavailable", status=403)
        if created:
            messages.success(
                request,
                _("Thank you! The coordinator will call you to pair you with someone."),
            )
        else:
            messages.info(request, _("You have already offered to accompany someone there."))
        return _private(HttpResponseRedirect(event.url))
    return _render(event, request, "confirm", volunteer=volunteer, existing=existing)


def _render(event, request, step, status=200, **context):
    response = event.render(
        request,
        template="wagtail_bippop/events/accompany.html",
        context_overrides={"step": step, **context},
    )
    response.status_code = status
    return _private(response)

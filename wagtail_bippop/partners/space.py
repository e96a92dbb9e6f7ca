"""What a partner's representative does in the partner space, as plain functions.

Only active representatives of approved structures of the page's territory get in.
Offers land "waiting for approval"; events land as unpublished drafts in the agenda,
with a revision; the coordinators are e-mailed a link to the admin screen where they
approve the offer or publish the event.
"""

from django.db import transaction
from django.urls import reverse
from django.utils.html import escape, linebreaks
from django.utils.text import slugify
from wagtail.log_actions import log

from ..events.agenda import agenda_page
from ..models import Offer, OrganisationRepresentative, OrganisationStatus
from ..models.site_settings import SolidaritySettings
from ..offers.services import propose_offer
from ..public.submissions import _send_safely, admin_url, coordinator_addresses

EVENT_PROPOSED = "wagtail_bippop.partner_event_proposed"
SIGNED_IN = "wagtail_bippop.partner_signed_in"


def representatives(territory):
    """Representatives who may publish for a structure of ``territory``."""
    return OrganisationRepresentative.objects.filter(
        is_active=True,
        organisation__status=OrganisationStatus.APPROVED,
        organisation__territory=territory,
    ).select_related("organisation")


def current_representative(page, request):
    user = request.user
    if not user.is_authenticated:
        return None
    return representatives(page.get_territory()).filter(user=user).first()


def find_representative(territory, email):
    return representatives(territory).filter(email__iexact=(email or "").strip()).first()


def structure_offers(organisation):
    return (
        Offer.objects.filter(organisation=organisation)
        .select_related("service")
        .order_by("-first_date", "-pk")
    )


def structure_events(organisation):
    from ..events.pages import EventPage

    return EventPage.objects.filter(organiser=organisation).order_by("-starts_at", "-pk")


def _tell_coordinators(what, representative, title, admin_path):
    organisation = representative.organisation
    territory = organisation.territory
    site_settings = SolidaritySettings.for_site(territory.site)
    _send_safely(
        "partner_submission",
        to=coordinator_addresses(territory, site_settings),
        context={
            "what": what,
            "organisation": organisation,
            "representative": representative,
            "title": title,
            "admin_url": admin_url(admin_path),
        },
        territory=territory,
    )


def publish_offer(representative, data, *, user):
    """A new offer of the structure, waiting for a coordinator's approval."""
    offer = propose_offer(data, organisation=representative.organisation, user=user)
    _tell_coordinators(
        "offer", representative, offer.title, reverse("bippop_offers:moderation", args=[offer.pk])
    )
    return offer


def _unique_slug(parent, title):
    base = slugify(title)[:60] or "evenement"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def propose_event(representative, form, *, user):
    """An unpublished event page under the section's agenda, with a first revision."""
    from ..events.pages import EventPage

    organisation = representative.organisation
    agenda = agenda_page(organisation.territory)
    if agenda is None:
        return None
    data = form.cleaned_data
    starts_at, ends_at = form.moments()
    with transaction.atomic():
        event = EventPage(
            title=data["title"],
            slug=_unique_slug(agenda, data["title"]),
            live=False,
            starts_at=starts_at,
            ends_at=ends_at,
            place_name=data["place_name"],
            place_address=data["place_address"],
            step_free=data["step_free"],
            accessibility_notes=data["accessibility_notes"],
            summary=data["summary"],
            # Plain text typed by the partner, escaped, as paragraphs.
            body=linebreaks(escape(data["description"])) if data["description"] else "",
            organiser=organisation,
            owner=user,
        )
        agenda.add_child(instance=event)
        event.save_revision(user=user, log_action=True)
        log(event, EVENT_PROPOSED, user=user, data={"organisation": organisation.pk})
    _tell_coordinators(
        "event",
        representative,
        event.title,
        reverse("wagtail_bippop_partners:event", args=[event.pk]),
    )
    return event

"""Volunteers who offer to go with someone to an event.

The offer is an ordinary ``Offer`` linked to the event, for one person, waiting for the
coordinator; the coordinator pairs it with a request linked to the same event.
"""

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from ..models import DayPeriod, Offer, OfferRecurrence, OfferStatus, VettingStage

COMPANION_SERVICE = "accompagnement-evenement"
OFFERED = "wagtail_bippop.event_companion_offered"
# Offers still standing: a volunteer does not offer twice for the same event.
STANDING = (OfferStatus.PENDING, OfferStatus.APPROVED)


def companion_service(territory):
    return territory.services.filter(slug=COMPANION_SERVICE, is_active=True).first()


def day_period(moment):
    hour = timezone.localtime(moment).hour
    if hour < 12:
        return DayPeriod.MORNING
    if hour < 18:
        return DayPeriod.AFTERNOON
    return DayPeriod.EVENING


def standing_offer(volunteer, event):
    return Offer.objects.filter(volunteer=volunteer, event=event, status__in=STANDING).first()


def offer_to_accompany(volunteer, event, *, user=None):
    """The volunteer's offer to accompany someone to ``event``; (offer, created).

    Returns (None, False) when the volunteer may not offer (not active, no service).
    """
    territory = volunteer.territory
    service = companion_service(territory)
    if service is None or volunteer.stage != VettingStage.ACTIVE:
        return None, False
    with transaction.atomic():
        # One offer per volunteer and event, even when the button is pressed twice at once.
        type(volunteer).objects.select_for_update().filter(pk=volunteer.pk).first()
        existing = standing_offer(volunteer, event)
        if existing is not None:
            return existing, False
        local_start = timezone.localtime(event.starts_at)
        offer = Offer(
            territory=territory,
            service=service,
            volunteer=volunteer,
            event=event,
            title=str(event.title)[:120],
            meeting_point=str(event.place_name)[:200],
            recurrence=OfferRecurrence.ONCE,
            first_date=local_start.date(),
            last_date=local_start.date(),
            period=day_period(event.starts_at),
            start_time=local_start.time().replace(microsecond=0),
            capacity=1,
            status=OfferStatus.PENDING,
            created_by=user,
        )
        offer.full_clean()
        offer.save()
        log(offer, OFFERED, user=user, data={"event": event.pk, "volunteer": volunteer.pk})
    return offer, True

"""A coordinator confirms, declines or cancels a resident's participation in an offer.

Places are counted on the offer (``places_taken``) and only ever changed by one guarded
UPDATE: ``places_taken = places_taken + 1 WHERE places_taken < capacity``. The database
evaluates the condition on the row it locks, so two coordinators confirming the last place
at the same instant get one success and one "no place left", and the CHECK constraint
``bippop_offer_never_over_capacity`` is the last word.

When the offer is a volunteer's, confirming also pairs the person with that volunteer
(a Mission) and plans the visits on the offer's dates, so the outing is reported and
counted like any other visit.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from .. import scheduling
from ..models import (
    DayPeriod,
    Mission,
    MissionRecurrence,
    MissionStatus,
    Offer,
    OfferParticipation,
    OfferRecurrence,
    ParticipationStatus,
    RequestStatus,
)

logger = logging.getLogger(__name__)

CONFIRMED = "wagtail_bippop.offer.participation_confirmed"
DECLINED = "wagtail_bippop.offer.participation_declined"
CANCELLED = "wagtail_bippop.offer.participation_cancelled"

MISSION_RECURRENCE = {
    OfferRecurrence.ONCE: MissionRecurrence.ONE_OFF,
    OfferRecurrence.WEEKLY: MissionRecurrence.WEEKLY,
    OfferRecurrence.FORTNIGHTLY: MissionRecurrence.FORTNIGHTLY,
    OfferRecurrence.MONTHLY: MissionRecurrence.MONTHLY,
}
# When an offer gives no start time: the usual hour of its time of day.
PERIOD_TIMES = {
    DayPeriod.MORNING: datetime.time(10, 0),
    DayPeriod.AFTERNOON: datetime.time(14, 30),
    DayPeriod.EVENING: datetime.time(18, 0),
}
OUTING_MINUTES = 90


class ParticipationError(Exception):
    """The change cannot be made; ``message`` says why, for the coordinator."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class NoPlaceLeft(ParticipationError):
    def __init__(self):
        super().__init__(_("No place left: every place of this offer is already taken."))


def take_place(offer_id):
    """Take one place with one guarded UPDATE; False when the offer is full."""
    return bool(
        Offer.objects.filter(pk=offer_id, places_taken__lt=F("capacity")).update(
            places_taken=F("places_taken") + 1
        )
    )


def give_place_back(offer_id):
    Offer.objects.filter(pk=offer_id, places_taken__gt=0).update(places_taken=F("places_taken") - 1)


def _locked(participation):
    return (
        OfferParticipation.objects.select_for_update()
        .select_related("offer", "request")
        .get(pk=participation.pk)
    )


def _decided(participation, status, user, now):
    participation.status = status
    participation.decided_at = now
    participation.decided_by = user
    participation.save(update_fields=["status", "decided_at", "decided_by"])


def _refresh(participation, locked):
    for name in ("status", "decided_at", "decided_by_id"):
        setattr(participation, name, getattr(locked, name))


def confirm(participation, *, user, today=None):
    """Give the person a place; returns the Mission created with the offer's volunteer, if any.

    Raises ``NoPlaceLeft`` when the offer is full, ``ParticipationError`` when the
    participation was already decided, the offer is no longer published or over, or the
    request was closed meanwhile.
    """
    now = timezone.now()
    today = today or timezone.localdate(now)
    with transaction.atomic():
        locked = _locked(participation)
        offer, help_request = locked.offer, locked.request
        if locked.status != ParticipationStatus.ASKED:
            raise ParticipationError(_("This participation has already been decided."))
        if not offer.is_current(today):
            raise ParticipationError(
                _(
                    "This offer is no longer published, it is over, or the person or structure "
                    "offering it may no longer take part."
                )
            )
        if help_request.status in (RequestStatus.CLOSED, RequestStatus.CANCELLED):
            raise ParticipationError(
                _("The request is closed or cancelled: its person cannot take part any more.")
            )
        already = OfferParticipation.objects.filter(
            offer=offer,
            status=ParticipationStatus.CONFIRMED,
            request__beneficiary_id=help_request.beneficiary_id,
        )
        if already.exists():
            raise ParticipationError(_("This person already has a place in this offer."))
        if not take_place(offer.pk):
            raise NoPlaceLeft()
        _decided(locked, ParticipationStatus.CONFIRMED, user, now)
        mission = _pair_with_volunteer(offer, help_request, user, now, today)
        _move_request(help_request, matched=mission is not None, user=user)
        log(locked, CONFIRMED, user=user, data={"offer_id": offer.pk, "offer": offer.title})
    _refresh(participation, locked)
    if mission is not None:
        transaction.on_commit(lambda: _tell_person(mission))
    return mission


def _pair_with_volunteer(offer, help_request, user, now, today):
    if offer.volunteer_id is None:
        return None
    if Mission.objects.filter(request=help_request, status=MissionStatus.ACTIVE).exists():
        # The person already has a volunteer for this request: the outing is theirs too,
        # but the existing mission stays as it is.
        return None
    recurrence = MISSION_RECURRENCE[offer.recurrence]
    start = offer.first_date
    if recurrence != MissionRecurrence.ONE_OFF and start < today:
        # A recurring offer already under way: the first date to come, on the same rhythm.
        start = _next_occurrence(offer, recurrence, today)
    try:
        with transaction.atomic():
            mission = Mission.objects.create(
                request=help_request,
                volunteer_id=offer.volunteer_id,
                recurrence=recurrence,
                start_date=start,
                end_date=offer.last_date,
                usual_time=offer.start_time or PERIOD_TIMES[offer.period],
                usual_duration_minutes=OUTING_MINUTES,
                created_at=now,
                created_by=user,
            )
    except IntegrityError:
        return None
    log(mission, "wagtail_bippop.mission_created", user=user, data={"offer_id": offer.pk})
    scheduling.plan_visits(mission, today=today, user=user)
    return mission


def _next_occurrence(offer, recurrence, today):
    probe = Mission(recurrence=recurrence, start_date=offer.first_date, end_date=offer.last_date)
    dates = scheduling.occurrences(probe, today, offer.last_date)
    return dates[0] if dates else offer.last_date


def _move_request(help_request, *, matched, user):
    """A volunteer's outing: the request is matched. A structure's: the person was called."""
    old = help_request.status
    if matched:
        if old != RequestStatus.MATCHED:
            if old != RequestStatus.SEARCHING:
                help_request.move_to(RequestStatus.SEARCHING)
            help_request.move_to(RequestStatus.MATCHED)
    elif old == RequestStatus.NEW:
        help_request.move_to(RequestStatus.CONTACTED)
    if help_request.status != old:
        help_request.save(update_fields=["status", "matched_at", "first_contact_at"])
        log(
            help_request,
            "wagtail_bippop.request.status",
            user=user,
            data={"old": old, "new": help_request.status},
        )


def _tell_person(mission):
    try:
        from ..notifications.messages import mission_confirmed

        mission_confirmed(mission)
    except Exception:
        # The place is taken; the coordinator can still call the person.
        logger.exception("Could not tell the person about mission %s", mission.pk)


def decline(participation, *, user):
    """The coordinator cannot give the person a place (or it does not suit them)."""
    with transaction.atomic():
        locked = _locked(participation)
        if locked.status != ParticipationStatus.ASKED:
            raise ParticipationError(_("This participation has already been decided."))
        _decided(locked, ParticipationStatus.DECLINED, user, timezone.now())
        log(locked, DECLINED, user=user, data={"offer_id": locked.offer_id})
    _refresh(participation, locked)


def cancel(participation, *, user, reason=""):
    """The person no longer takes part: a confirmed place is given back, visits cancelled."""
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(participation)
        if locked.status not in (ParticipationStatus.ASKED, ParticipationStatus.CONFIRMED):
            raise ParticipationError(_("This participation is not in progress."))
        was_confirmed = locked.status == ParticipationStatus.CONFIRMED
        confirmed_at = locked.decided_at
        _decided(locked, ParticipationStatus.CANCELLED, user, now)
        if was_confirmed:
            give_place_back(locked.offer_id)
            _end_outing_mission(locked, confirmed_at, user, reason, now)
        log(locked, CANCELLED, user=user, data={"offer_id": locked.offer_id, "reason": reason})
    _refresh(participation, locked)


def _end_outing_mission(participation, confirmed_at, user, reason, when):
    """End the mission confirming created (same instant), never another one of the person."""
    offer = participation.offer
    if offer.volunteer_id is None or confirmed_at is None:
        return
    missions = Mission.objects.filter(
        request_id=participation.request_id,
        volunteer_id=offer.volunteer_id,
        status=MissionStatus.ACTIVE,
        created_at=confirmed_at,
    )
    reason = reason or str(_("No longer takes part in the outing"))
    for mission in missions:
        scheduling.end_mission(mission, user=user, reason=reason, when=when)

"""Proposing offers of help and moderating them, as plain functions.

An offer proposed by a volunteer lands "waiting for approval" and the coordinators of the
territory are told; a coordinator approves it (it appears on the public board until its
last date), rejects it with a reason, or withdraws it later. Every change is logged.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from ..models import Offer, OfferStatus
from ..models.site_settings import SolidaritySettings
from ..public.submissions import _send_safely, coordinator_addresses

logger = logging.getLogger(__name__)

SUBMITTED = "wagtail_bippop.offer.submitted"
CREATED = "wagtail_bippop.offer.created"
APPROVED = "wagtail_bippop.offer.approved"
REJECTED = "wagtail_bippop.offer.rejected"
WITHDRAWN = "wagtail_bippop.offer.withdrawn"

# Which moderation step may follow which status.
ALLOWED_FROM = {
    OfferStatus.APPROVED: (OfferStatus.PENDING, OfferStatus.REJECTED),
    OfferStatus.REJECTED: (OfferStatus.PENDING,),
    OfferStatus.WITHDRAWN: (OfferStatus.PENDING, OfferStatus.APPROVED),
}
ACTION_FOR = {
    OfferStatus.APPROVED: APPROVED,
    OfferStatus.REJECTED: REJECTED,
    OfferStatus.WITHDRAWN: WITHDRAWN,
}


class ModerationError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def propose_offer(data, *, volunteer=None, organisation=None, user=None):
    """A new offer, waiting for a coordinator's approval, from a volunteer or a structure.

    Coordinators are told of a volunteer's offer here; the partner space tells them itself,
    naming the representative.
    """
    organisation = organisation or (volunteer.organisation if volunteer else None)
    territory = (volunteer or organisation).territory
    offer = Offer(
        territory=territory,
        volunteer=volunteer,
        organisation=organisation,
        status=OfferStatus.PENDING,
        created_by=user,
        **data,
    )
    offer.full_clean()
    offer.save()
    author = {"volunteer": volunteer.pk} if volunteer else {"organisation": organisation.pk}
    log(offer, SUBMITTED, user=user, data=author)
    if volunteer is not None:
        site_settings = SolidaritySettings.for_site(territory.site)
        _send_safely(
            "offer_proposed",
            to=coordinator_addresses(territory, site_settings),
            context={"offer": offer, "volunteer": volunteer, "territory": territory},
            territory=territory,
        )
    return offer


def created_by_coordinator(offer, *, user):
    """An offer a coordinator typed for a volunteer or a structure: published at once."""
    offer.status = OfferStatus.APPROVED
    offer.moderated_at = timezone.now()
    offer.moderated_by = user
    offer.save(update_fields=["status", "moderated_at", "moderated_by"])
    log(offer, CREATED, user=user)
    return offer


def moderate(offer, status, *, user, reason=""):
    """Approve, reject (a reason is required) or withdraw ``offer``."""
    reason = (reason or "").strip()
    if status == OfferStatus.REJECTED and not reason:
        raise ModerationError(_("Give the reason for the rejection: the author will read it."))
    with transaction.atomic():
        locked = Offer.objects.select_for_update().get(pk=offer.pk)
        if locked.status not in ALLOWED_FROM[status]:
            raise ModerationError(
                _("This offer is “%(status)s”: it cannot be changed that way.")
                % {"status": locked.get_status_display()}
            )
        if status == OfferStatus.APPROVED and locked.last_date < timezone.localdate():
            raise ModerationError(_("This offer is already over: change its dates first."))
        volunteer = locked.volunteer if locked.volunteer_id else None
        if status == OfferStatus.APPROVED and volunteer and not volunteer.is_active:
            raise ModerationError(_("The volunteer who offers it is not active any more."))
        previous = locked.status
        locked.status = status
        locked.moderated_at = timezone.now()
        locked.moderated_by = user
        fields = ["status", "moderated_at", "moderated_by"]
        if status == OfferStatus.REJECTED:
            locked.rejection_reason = reason[:255]
            fields.append("rejection_reason")
        try:
            locked.full_clean(exclude=["event"])
        except ValidationError as error:
            raise ModerationError(" ".join(error.messages)) from error
        locked.save(update_fields=fields)
        log(
            locked,
            ACTION_FOR[status],
            user=user,
            data={"from": previous, "to": status, "reason": reason},
        )
    for name in ("status", "moderated_at", "moderated_by_id", "rejection_reason"):
        setattr(offer, name, getattr(locked, name))
    if status in (OfferStatus.APPROVED, OfferStatus.REJECTED):
        _tell_author(locked)
    return offer


def _tell_author(offer):
    """The author hears that their offer is published, or why it is not: the volunteer who
    proposed it, or else the representatives of the structure that did."""
    volunteer = offer.volunteer if offer.volunteer_id else None
    if volunteer is not None:
        authors = [(volunteer.email, volunteer.first_name)]
    elif offer.organisation_id:
        authors = offer.organisation.representatives.filter(is_active=True).values_list(
            "email", "first_name"
        )
    else:
        authors = []
    territory = offer.territory
    site_settings = SolidaritySettings.for_site(territory.site)
    for email, first_name in authors:
        if not email:
            continue
        _send_safely(
            "offer_moderated",
            to=[email],
            context={"offer": offer, "first_name": first_name, "settings": site_settings},
            reply_to=site_settings.coordinator_email or None,
            territory=territory,
        )

"""What happens when a structure asks to join: a pending organisation, its first
representative (not yet allowed to publish), the coordinators told.
"""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from ..models import Organisation, OrganisationRepresentative, OrganisationStatus
from ..public.submissions import _send_safely, admin_url, coordinator_addresses
from .forms import DUPLICATE_NAME

JOIN_REQUESTED = "wagtail_bippop.partner_join_requested"
# The admin screen where a coordinator approves or rejects the request.
REVIEW_URL_NAME = "wagtail_bippop_partners:review"
# A second copy of the same sign-up within this time is the same request, not a duplicate.
REPLAY_WINDOW = datetime.timedelta(hours=1)


def replayed_organisation(territory, name, email):
    """The pending organisation this same person asked for a moment ago, if any."""
    email = (email or "").strip().lower()
    if not email:
        return None
    return (
        Organisation.objects.filter(
            territory=territory,
            name__iexact=" ".join(name.split()),
            status=OrganisationStatus.PENDING,
            created_at__gte=timezone.now() - REPLAY_WINDOW,
            representatives__email__iexact=email,
        )
        .distinct()
        .first()
    )


@transaction.atomic
def _create(form, territory):
    data = form.cleaned_data
    now = timezone.now()
    organisation = Organisation.objects.create(
        territory=territory,
        name=data["name"],
        kind=data["kind"],
        description=data["description"],
        offers_summary=data["offers_summary"],
        address=data["address"],
        website=data["website"],
        # The representative's own phone stays off the public directory.
        contact_name=f"{data['first_name']} {data['last_name']}"[:150],
        email=data["email"],
        status=OrganisationStatus.PENDING,
        charter_accepted_at=now,
    )
    OrganisationRepresentative.objects.create(
        organisation=organisation,
        first_name=data["first_name"],
        last_name=data["last_name"],
        role=data["role"],
        email=data["email"],
        phone=data["phone"],
        is_active=False,
    )
    log(organisation, JOIN_REQUESTED)
    return organisation


def submit_partner_join(form, *, territory, solidarity_settings):
    """Store the request to join; returns the confirmation data, or None with form errors."""
    data = form.cleaned_data
    replayed = replayed_organisation(territory, data["name"], data["email"])
    if replayed is None:
        try:
            organisation = _create(form, territory)
        except IntegrityError:
            # The same POST twice at once: the other copy stored it. Anything else is a
            # name taken in between, shown like any duplicate.
            replayed = replayed_organisation(territory, data["name"], data["email"])
            if replayed is None:
                form.add_error("name", DUPLICATE_NAME)
                return None
    if replayed is not None:
        return {"reference": "", "email": True}
    context = {
        "organisation": organisation,
        "representative": organisation.representatives.first(),
        "territory": territory,
        "settings": solidarity_settings,
    }
    _send_safely(
        "partner_join_request",
        to=coordinator_addresses(territory, solidarity_settings),
        context={
            **context,
            "admin_url": admin_url(reverse(REVIEW_URL_NAME, args=[organisation.pk])),
        },
        territory=territory,
    )
    _send_safely(
        "partner_join_acknowledgement",
        to=[data["email"]],
        context=context,
        reply_to=solidarity_settings.coordinator_email or None,
        territory=territory,
    )
    return {"reference": "", "email": True}

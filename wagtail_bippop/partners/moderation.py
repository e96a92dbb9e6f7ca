"""A coordinator approves or rejects a structure that asked to join, and publishes the
events its representatives propose.

Approving makes it public (directory) and lets its representatives publish: each is
e-mailed a one-time link to the partner space. Publishing a proposed event puts it in the
agenda; the structure's representatives are told with the public page's address.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from ..conf import bippop_settings
from ..models import Organisation, OrganisationStatus
from ..models.site_settings import SolidaritySettings
from ..public.submissions import _send_safely
from .links import join_page, signin_link

APPROVED = "wagtail_bippop.partner_approved"
REJECTED = "wagtail_bippop.partner_rejected"


def _tell_representatives(kind, organisation, context):
    site_settings = SolidaritySettings.for_site(organisation.territory.site)
    for representative in organisation.representatives.filter(is_active=True):
        _send_safely(
            kind,
            to=[representative.email],
            context={
                "organisation": organisation,
                "representative": representative,
                "settings": site_settings,
                **context,
            },
            reply_to=site_settings.coordinator_email or None,
            territory=organisation.territory,
        )


def _decide(organisation, status, user):
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if locked.status != OrganisationStatus.PENDING:
            raise ValidationError(_("This request has already been decided."))
        locked.status = status
        locked.decided_at = timezone.now()
        locked.decided_by = user
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        if status == OrganisationStatus.APPROVED:
            locked.representatives.update(is_active=True)
        log(locked, APPROVED if status == OrganisationStatus.APPROVED else REJECTED, user=user)
    return locked


def approve(organisation, *, user):
    organisation = _decide(organisation, OrganisationStatus.APPROVED, user)
    page = join_page(organisation.territory)
    site_settings = SolidaritySettings.for_site(organisation.territory.site)
    for representative in organisation.representatives.filter(is_active=True):
        _send_safely(
            "partner_approved",
            to=[representative.email],
            context={
                "organisation": organisation,
                "representative": representative,
                "link": signin_link(page, representative) if page else "",
                "minutes": bippop_settings.SIGNIN_LINK_MINUTES,
                "space_url": (page.full_url + page.reverse_subpage("space")) if page else "",
                "settings": site_settings,
            },
            reply_to=site_settings.coordinator_email or None,
            territory=organisation.territory,
        )
    return organisation


def reject(organisation, *, user):
    organisation = _decide(organisation, OrganisationStatus.REJECTED, user)
    site_settings = SolidaritySettings.for_site(organisation.territory.site)
    for representative in organisation.representatives.all():
        _send_safely(
            "partner_rejected",
            to=[representative.email],
            context={
                "organisation": organisation,
                "representative": representative,
                "settings": site_settings,
            },
            reply_to=site_settings.coordinator_email or None,
            territory=organisation.territory,
        )
    return organisation


def event_in_scope(user, pk):
    """The event ``pk`` when ``user`` works for its territory; None otherwise."""
    from ..events.pages import EventPage
    from ..roles import is_read_only, territories_for_user

    event = EventPage.objects.filter(pk=pk).first()
    territory = event.get_territory() if event is not None else None
    if territory is None or is_read_only(user):
        return None
    if not territories_for_user(user).filter(pk=territory.pk).exists():
        return None
    return event


def is_waiting(event):
    """A draft never published, or published with changes not yet public."""
    return not event.live or event.has_unpublished_changes


def publish_event(event, *, user):
    """Publish the latest revision of ``event`` (logged by Wagtail as a publication).

    The caller has checked that ``user`` works for the event's territory."""
    from ..events.pages import EventPage

    with transaction.atomic():
        locked = EventPage.objects.select_for_update().get(pk=event.pk)
        revision = locked.latest_revision
        if revision is None or not is_waiting(locked):
            raise ValidationError(_("This event is already published."))
        # Coordinators have no rights on the page tree: who may publish is decided by the
        # territory scope (``event_in_scope``) and the caller's permission check instead.
        revision.publish(user=user, skip_permission_checks=True)
    event.refresh_from_db()
    if event.organiser is not None:
        _tell_representatives(
            "partner_event_published",
            event.organiser,
            {"event": event, "event_url": event.full_url},
        )
    return event

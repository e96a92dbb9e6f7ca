"""A coordinator approves or rejects a structure that asked to join.

Approving makes it public (directory) and lets its representatives publish: each is
e-mailed a one-time link to the partner space.
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

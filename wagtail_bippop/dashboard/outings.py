"""Outings on the dashboard: residents confirmed in an offer of help during the period.

The visits of outings led by a volunteer are already in the visit figures (people helped,
visits, hours) once reported; this adds how many places were confirmed, volunteer's and
partner structures' offers alike.
"""

from django.utils.translation import gettext_lazy as _

from ..models import OfferParticipation, ParticipationStatus

LABEL = _("Participations in outings")


def confirmed_participations(period):
    """Participations confirmed in the period (and still confirmed), in its territories."""
    return OfferParticipation.objects.filter(
        status=ParticipationStatus.CONFIRMED,
        offer__territory_id__in=period.territory_ids,
        decided_at__gte=period.start_at,
        decided_at__lt=period.end_at,
    ).count()

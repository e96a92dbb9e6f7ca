"""What a volunteer may know of a beneficiary.

A volunteer sees a person's address and phone only while assigned to them: through a
mission in progress, as an active (co-opted) volunteer, and not after the mission's last
day. Everything else a volunteer is shown of a person is their public name.
"""

from django.db.models import Q
from django.utils import timezone

from ..models import Beneficiary, Mission, MissionStatus, VettingStage


def _assignments(volunteer):
    today = timezone.localdate()
    return Mission.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        volunteer=volunteer,
        volunteer__stage=VettingStage.ACTIVE,
        status=MissionStatus.ACTIVE,
    )


def can_volunteer_see_contact(volunteer, beneficiary):
    if volunteer is None or beneficiary is None:
        return False
    return _assignments(volunteer).filter(request__beneficiary=beneficiary).exists()


def beneficiaries_with_visible_contact(volunteer):
    """The people whose address and phone ``volunteer`` may see right now."""
    return Beneficiary.objects.filter(pk__in=_assignments(volunteer).values("request__beneficiary"))

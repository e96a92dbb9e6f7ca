"""Anonymous public counters of a territory: three aggregate queries, whatever the volume."""

from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from ..models import Mission, VettingStage, Visit, VisitStatus, Volunteer


@dataclass(frozen=True)
class PublicCounters:
    people_helped: int
    active_volunteers: int
    hours_this_year: int


def public_counters(territory, *, today=None):
    today = today or timezone.localdate()
    people = (
        Mission.objects.filter(request__territory=territory)
        .values("request__beneficiary")
        .distinct()
        .count()
    )
    volunteers = Volunteer.objects.filter(territory=territory, stage=VettingStage.ACTIVE).count()
    minutes = Visit.objects.filter(
        mission__request__territory=territory,
        status=VisitStatus.DONE,
        starts_at__year=today.year,
    ).aggregate(total=Sum("duration_minutes"))["total"]
    return PublicCounters(people, volunteers, round((minutes or 0) / 60))

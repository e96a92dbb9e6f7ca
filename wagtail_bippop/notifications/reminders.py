"""Reminders the day before each visit, to the volunteer and to the person helped.

Each reminder has a key (visit, recipient) stored with the outbox row: running the job
twice, or from two places at once, never sends a reminder twice.
"""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format

from ..models import MissionStatus, Visit, VisitStatus
from ..models.outbox import OutboxMessage
from . import notify


def visit_when(visit):
    local = timezone.localtime(visit.starts_at)
    with translation.override(settings.LANGUAGE_CODE):
        return f"{date_format(local, 'l j F Y')}, {time_format(local, 'H:i')}"


def visits_on(day):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return (
        Visit.objects.filter(
            status=VisitStatus.PLANNED,
            mission__status=MissionStatus.ACTIVE,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("mission__volunteer__territory__site", "mission__request__beneficiary")
        .order_by("starts_at")
    )


def reminder_key(visit, who):
    return f"reminder:visit:{visit.pk}:{who}"


def send_reminders(today=None):
    """Queue tomorrow's reminders not sent yet; returns counts."""
    from ..volunteer_space.links import space_url

    today = today or timezone.localdate()
    visits = list(visits_on(today + datetime.timedelta(days=1)))
    keys = [reminder_key(visit, who) for visit in visits for who in ("volunteer", "beneficiary")]
    done = set(
        OutboxMessage.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    queued = 0
    for visit in visits:
        volunteer = visit.mission.volunteer
        beneficiary = visit.mission.request.beneficiary
        when = visit_when(visit)
        if reminder_key(visit, "volunteer") not in done:
            message = notify(
                "volunteer_reminder",
                person=volunteer,
                values={
                    "first_name": volunteer.first_name,
                    "beneficiary_name": beneficiary.public_name,
                    "when": when,
                    "link": space_url(volunteer.territory),
                },
                dedupe_key=reminder_key(visit, "volunteer"),
            )
            queued += message is not None
        if reminder_key(visit, "beneficiary") not in done:
            message = notify(
                "beneficiary_reminder",
                person=beneficiary,
                site=volunteer.territory.site,
                values={
                    "first_name": beneficiary.first_name,
                    "last_name": beneficiary.last_name,
                    "volunteer_first_name": volunteer.first_name,
                    "when": when,
                },
                dedupe_key=reminder_key(visit, "beneficiary"),
            )
            queued += message is not None
    return {"visits": len(visits), "queued": queued}

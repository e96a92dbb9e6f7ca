"""A volunteer's visits as an iCalendar feed, behind a secret and revocable link."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from ..models import Visit, VisitStatus

PAST_DAYS = 30
AHEAD_DAYS = 180

ICAL_STATUS = {
    VisitStatus.PLANNED: "CONFIRMED",
    VisitStatus.DONE: "CONFIRMED",
    VisitStatus.CANCELLED: "CANCELLED",
    VisitStatus.MISSED: "CANCELLED",
}


def feed_visits(volunteer, now=None):
    now = now or timezone.now()
    return (
        Visit.objects.filter(
            mission__volunteer=volunteer,
            starts_at__gte=now - datetime.timedelta(days=PAST_DAYS),
            starts_at__lte=now + datetime.timedelta(days=AHEAD_DAYS),
        )
        .select_related("mission__request__beneficiary")
        .prefetch_related("mission__request__services")
        .order_by("starts_at")
    )


def build_calendar(volunteer, *, platform_name, domain):
    calendar = Calendar()
    calendar.add("prodid", "-//wagtail-bippop//volunteer visits//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{platform_name} – {volunteer.first_name}")
    stamp = timezone.now()
    for visit in feed_visits(volunteer):
        request = visit.mission.request
        services = ", ".join(service.name for service in request.services.all())
        event = Event()
        event.add("uid", f"visit-{visit.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", visit.starts_at)
        event.add("dtend", visit.ends_at)
        # The feed may be read by a calendar service: a first name and initial, no address.
        event.add(
            "summary",
            _("%(service)s with %(name)s")
            % {"service": services or _("Visit"), "name": request.beneficiary.public_name},
        )
        event.add("status", ICAL_STATUS[VisitStatus(visit.status)])
        calendar.add_component(event)
    return calendar.to_ical()

"""One event as an iCalendar file, to add it to a phone or computer calendar."""

import datetime

from django.utils import timezone
from icalendar import Calendar, Event

DEFAULT_DURATION = datetime.timedelta(hours=2)


def event_ical(event, *, url, domain):
    calendar = Calendar()
    calendar.add("prodid", "-//wagtail-bippop//events//FR")
    calendar.add("version", "2.0")
    item = Event()
    item.add("uid", f"event-{event.pk}@{domain}")
    item.add("dtstamp", timezone.now())
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at or event.starts_at + DEFAULT_DURATION)
    item.add("summary", event.title)
    location = ", ".join(part for part in (event.place_name, event.place_address) if part)
    if location:
        item.add("location", location)
    if event.summary:
        item.add("description", event.summary)
    item.add("url", url)
    calendar.add_component(item)
    return calendar.to_ical()

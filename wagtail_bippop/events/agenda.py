"""What the public agenda shows: upcoming live events of one section, oldest first."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone

EVENTS_PER_PAGE = 20


def upcoming_events(index_page, now=None):
    """Live events under ``index_page`` that have not ended yet."""
    from .pages import EventPage

    now = now or timezone.now()
    return (
        EventPage.objects.child_of(index_page)
        .live()
        .public()
        .filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now))
        .select_related("organiser")
        .order_by("starts_at", "pk")
    )


def is_upcoming(event, now=None):
    now = now or timezone.now()
    return (event.ends_at or event.starts_at) >= now


def agenda_context(request, index_page, per_page=EVENTS_PER_PAGE):
    events = Paginator(upcoming_events(index_page), per_page).get_page(request.GET.get("page"))
    return {"events": events}


def agenda_page(territory):
    """The live agenda page of ``territory``'s section, or None."""
    from .pages import EventIndexPage

    for page in EventIndexPage.objects.live().specific():
        if page.get_territory() == territory:
            return page
    return None

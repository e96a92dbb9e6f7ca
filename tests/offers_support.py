"""Helpers shared by the offers tests: offers, events and the board page."""

import datetime
import itertools

from django.utils import timezone

from wagtail_bippop.models import (
    EventIndexPage,
    EventPage,
    Offer,
    OfferStatus,
    Organisation,
    OrganisationStatus,
)

_count = itertools.count(1)


def next_weekday(weekday, *, weeks=0):
    """The next date on ``weekday`` (0 = Monday) after today, ``weeks`` later."""
    today = timezone.localdate()
    days = (weekday - today.weekday()) % 7 or 7
    return today + datetime.timedelta(days=days, weeks=weeks)


def make_offer(territory, *, volunteer=None, organisation=None, service=None, **fields):
    fields.setdefault("title", f"Balade du mardi {next(_count)}")
    fields.setdefault("first_date", next_weekday(1))
    fields.setdefault("period", "afternoon")
    fields.setdefault("capacity", 3)
    fields.setdefault("status", OfferStatus.APPROVED)
    fields.setdefault("meeting_point", "Place de la mairie")
    service = service or territory.services.get(slug="balade")
    offer = Offer(
        territory=territory,
        service=service,
        volunteer=volunteer,
        organisation=organisation,
        **fields,
    )
    offer.full_clean()
    offer.save()
    return offer


def add_event(index, *, days=10, **fields):
    events = index.get_children().type(EventIndexPage).first()
    if events is None:
        events = index.add_child(instance=EventIndexPage(title="Sorties", slug="sorties"))
    n = next(_count)
    fields.setdefault("title", f"Marché de Noël {n}")
    fields.setdefault("slug", f"marche-{n}")
    fields.setdefault("starts_at", timezone.now() + datetime.timedelta(days=days))
    fields.setdefault("place_name", "Place du marché")
    return events.add_child(instance=EventPage(**fields))


def make_organisation(territory, **fields):
    fields.setdefault("name", f"Club des aînés {next(_count)}")
    fields.setdefault("kind", "association")
    fields.setdefault("status", OrganisationStatus.APPROVED)
    fields.setdefault("phone", "03 44 12 34 56")
    return Organisation.objects.create(territory=territory, **fields)


def add_board(index, **fields):
    from wagtail_bippop.models import OffersBoardPage

    fields.setdefault("title", "Sorties et activités")
    fields.setdefault("slug", "propositions")
    fields.setdefault("per_page", 10)
    return index.add_child(instance=OffersBoardPage(**fields))


def bulk_offers(territory, count, *, volunteer=None, organisation=None, **fields):
    """Many current offers at once (no save(): derived fields are set here)."""
    service = fields.pop("service", None) or territory.services.get(slug="balade")
    first = fields.pop("first_date", next_weekday(1))
    Offer.objects.bulk_create(
        [
            Offer(
                territory=territory,
                service=service,
                volunteer=volunteer,
                organisation=organisation,
                title=f"Sortie {n}",
                first_date=first,
                last_date=first,
                weekday=first.weekday(),
                period="afternoon",
                capacity=3,
                status=OfferStatus.APPROVED,
                **fields,
            )
            for n in range(count)
        ]
    )

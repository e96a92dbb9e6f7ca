"""Demo offers of help: the board page and a few offers, among them the Tuesday walk.

A volunteer's walk with three places, published, with a resident who asked to join it; a
reading session still waiting for the coordinator's approval; a partner structure's
weekly singing workshop; a computer workshop already full.

Idempotent: the page and offers are looked up by slug and title before being created.
"""

import datetime

from django.utils import timezone

from ..models import (
    OPEN_STATUSES,
    HelpRequest,
    MissionStatus,
    Offer,
    OfferParticipation,
    OfferRecurrence,
    OffersBoardPage,
    OfferStatus,
    OrganisationStatus,
    SolidarityIndexPage,
    VettingStage,
)

# (title, service slug, days ahead, recurrence, weeks, period, time, places, taken, status,
#  by a structure?, meeting point, step-free, car, notes, description)
OFFERS = [
    (
        "Balade le mardi après-midi",
        "balade",
        None,
        OfferRecurrence.WEEKLY,
        8,
        "afternoon",
        datetime.time(14, 30),
        3,
        0,
        OfferStatus.APPROVED,
        False,
        "Devant la mairie",
        True,
        False,
        "Parcours plat le long de l'Aronde, bancs tous les 300 mètres.",
        "Une petite heure de marche à votre rythme, puis un café en terrasse.",
    ),
    (
        "Lecture du journal à voix haute",
        "lecture-a-voix-haute",
        4,
        OfferRecurrence.ONCE,
        0,
        "morning",
        datetime.time(10, 0),
        4,
        0,
        OfferStatus.PENDING,
        False,
        "Médiathèque, salle du rez-de-chaussée",
        True,
        False,
        "",
        "Les nouvelles de la semaine, lues et commentées ensemble.",
    ),
    (
        "Atelier chant « Les Voix de l'Aronde »",
        "chant-musique",
        6,
        OfferRecurrence.WEEKLY,
        10,
        "afternoon",
        datetime.time(15, 0),
        8,
        0,
        OfferStatus.APPROVED,
        True,
        "Salle des fêtes",
        True,
        True,
        "Une voiture peut passer vous prendre.",
        "Chansons d'hier et d'aujourd'hui, sans partition ni examen.",
    ),
    (
        "Atelier tablette et visio avec les petits-enfants",
        "aide-informatique",
        9,
        OfferRecurrence.ONCE,
        0,
        "afternoon",
        datetime.time(14, 0),
        2,
        2,
        OfferStatus.APPROVED,
        False,
        "Espace numérique de la médiathèque",
        True,
        False,
        "",
        "Apprendre à appeler en vidéo, à son rythme.",
    ),
]


def _next_tuesday(today):
    return today + datetime.timedelta(days=(1 - today.weekday()) % 7 or 7)


def _board(index):
    board = index.get_children().type(OffersBoardPage).first()
    if board is not None:
        return board.specific
    board = OffersBoardPage(
        title="Sorties et activités proposées",
        slug="propositions",
        intro="<p>Des bénévoles et des associations de Bellerive proposent des balades, des "
        "ateliers et des sorties. Choisissez, puis demandez à participer : le CCAS vous "
        "rappelle pour confirmer.</p>",
        show_in_menus=True,
    )
    index.add_child(instance=board)
    return board


def populate_offers(territory, *, today=None):
    """Add the board page and the demo offers to ``territory``'s section."""
    today = today or timezone.localdate()
    index = SolidarityIndexPage.objects.filter(territory=territory).first()
    if index is None:
        return []
    _board(index)
    volunteers = list(territory.volunteers.filter(stage=VettingStage.ACTIVE).order_by("pk")[:3])
    structure = (
        territory.organisations.filter(status=OrganisationStatus.APPROVED).order_by("pk").first()
    )
    services = {service.slug: service for service in territory.services.all()}
    offers = []
    for i, (
        title,
        slug,
        days,
        recurrence,
        weeks,
        period,
        start,
        places,
        taken,
        status,
        by_structure,
        meeting_point,
        step_free,
        car,
        notes,
        description,
    ) in enumerate(OFFERS):
        existing = Offer.objects.filter(territory=territory, title=title).first()
        if existing is not None:
            offers.append(existing)
            continue
        volunteer = volunteers[i % len(volunteers)] if volunteers and not by_structure else None
        organisation = structure if by_structure else None
        if (volunteer or organisation) is None or slug not in services:
            continue
        first = _next_tuesday(today) if days is None else today + datetime.timedelta(days=days)
        offer = Offer(
            territory=territory,
            service=services[slug],
            volunteer=volunteer,
            organisation=organisation,
            title=title,
            description=description,
            meeting_point=meeting_point,
            recurrence=recurrence,
            first_date=first,
            last_date=first + datetime.timedelta(weeks=weeks),
            period=period,
            start_time=start,
            capacity=places,
            places_taken=taken,
            step_free=step_free,
            car_available=car,
            accessibility_notes=notes,
            status=status,
            moderated_at=timezone.now() if status == OfferStatus.APPROVED else None,
        )
        offer.full_clean()
        offer.save()
        offers.append(offer)
    _ask_to_join(territory, offers[0] if offers else None)
    return offers


def _ask_to_join(territory, offer):
    """A resident's request to join the walk, waiting for the coordinator to confirm."""
    if offer is None or offer.participations.exists():
        return
    request = (
        HelpRequest.objects.filter(
            territory=territory,
            status__in=OPEN_STATUSES,
            offer_participation__isnull=True,
        )
        .exclude(missions__status=MissionStatus.ACTIVE)
        .order_by("-created_at")
        .first()
    )
    if request is not None:
        OfferParticipation.objects.create(offer=offer, request=request)

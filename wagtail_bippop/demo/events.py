"""Demo events and partners: the agenda and join pages, a few outings, one structure that
joined through the form (approved, with a representative and an event of its own), one
still waiting, and volunteers who offered to accompany someone.

Idempotent: pages and records are looked up by slug or name before being created.
"""

import datetime

from django.utils import timezone

from ..events.companions import offer_to_accompany
from ..events.pages import EventIndexPage, EventPage
from ..models import (
    Organisation,
    OrganisationKind,
    OrganisationRepresentative,
    OrganisationStatus,
    SolidarityIndexPage,
    VettingStage,
)
from ..partners.pages import PartnerJoinPage

# (slug, title, days ahead, hour, hours long, place, address, step-free, notes, summary, body)
EVENTS = [
    (
        "marche-de-noel",
        "Marché de Noël",
        9,
        10,
        4,
        "Place de la République",
        "Place de la République, Bellerive-sur-Aronde",
        True,
        "Bancs à l'entrée du marché ; toilettes adaptées à la mairie.",
        "Les artisans et producteurs de la vallée, vin chaud et chorale des enfants.",
        "<p>Une matinée pour flâner entre les stands. Si vous n'osez pas y aller seul·e, "
        "un bénévole peut vous accompagner.</p>",
    ),
    (
        "spectacle-chorale",
        "Spectacle de la chorale « Les Voix de l'Aronde »",
        16,
        15,
        2,
        "Salle des fêtes",
        "12 rue des Écoles, Bellerive-sur-Aronde",
        True,
        "Places réservées au premier rang pour les personnes à mobilité réduite.",
        "Chansons françaises d'hier et d'aujourd'hui. Entrée libre.",
        "<p>Un après-midi en musique, suivi d'un goûter.</p>",
    ),
    (
        "repas-partage",
        "Repas partagé du quartier des Tilleuls",
        5,
        12,
        2,
        "Maison de quartier des Tilleuls",
        "3 allée des Tilleuls, Bellerive-sur-Aronde",
        False,
        "Trois marches à l'entrée, une rampe peut être installée sur demande.",
        "Chacun apporte un plat, on partage la table.",
        "<p>Un repas simple et convivial, ouvert à tous les habitants.</p>",
    ),
    (
        "cafe-des-aidants",
        "Café des aidants",
        12,
        14,
        2,
        "Médiathèque",
        "1 place du Marché, Bellerive-sur-Aronde",
        True,
        "",
        "Un moment d'échange pour celles et ceux qui accompagnent un proche.",
        "<p>Animé par une psychologue. Gratuit, sans inscription.</p>",
    ),
]

JOINED = {
    "name": "Les Amis de l'Aronde",
    "kind": OrganisationKind.ASSOCIATION,
    "description": "Association de quartier : sorties, jeux de société, thé dansant.",
    "offers_summary": "Un thé dansant par mois et des sorties au marché, avec covoiturage.",
    "address": "8 rue du Moulin, Bellerive-sur-Aronde",
    "website": "https://amis-aronde.example",
}
WAITING = {
    "name": "Lire Ensemble",
    "kind": OrganisationKind.ASSOCIATION,
    "description": "Des bénévoles qui lisent à voix haute à domicile.",
    "offers_summary": "Lecture à voix haute, prêt de livres en gros caractères.",
}


def _child(parent, model, slug, **fields):
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    return page


def _partner(territory, fields, *, status, representative, now):
    organisation, _created = Organisation.objects.get_or_create(
        territory=territory,
        name=fields["name"],
        defaults={
            **fields,
            "status": status,
            "contact_name": f"{representative[0]} {representative[1]}",
            "charter_accepted_at": now - datetime.timedelta(days=20),
            "decided_at": now - datetime.timedelta(days=18)
            if status == OrganisationStatus.APPROVED
            else None,
        },
    )
    first, last, role, email = representative
    OrganisationRepresentative.objects.get_or_create(
        organisation=organisation,
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "role": role,
            "is_active": status == OrganisationStatus.APPROVED,
        },
    )
    return organisation


def populate_events(territory, *, now=None):
    """Add the demo agenda, join page, events and partners to ``territory``'s section."""
    now = now or timezone.now()
    index = SolidarityIndexPage.objects.filter(territory=territory).first()
    if index is None:
        return []
    agenda = _child(
        index,
        EventIndexPage,
        "sorties",
        title="Sorties et événements",
        intro="<p>Les rendez-vous de la commune et des associations. Vous n'osez pas y "
        "aller seul·e ? Demandez qu'un bénévole vous accompagne.</p>",
        show_in_menus=True,
    )
    _child(
        index,
        PartnerJoinPage,
        "rejoindre",
        title="Rejoindre le réseau",
        intro="<p>Votre association, club ou établissement veut participer au réseau "
        "solidaire ? Présentez-vous : le CCAS vous recontacte.</p>",
    )
    joined = _partner(
        territory,
        JOINED,
        status=OrganisationStatus.APPROVED,
        representative=("Sylvie", "Marchand", "Présidente", "sylvie.marchand@example.org"),
        now=now,
    )
    _partner(
        territory,
        WAITING,
        status=OrganisationStatus.PENDING,
        representative=("Hugo", "Bernard", "Secrétaire", "hugo.bernard@example.org"),
        now=now,
    )
    organisers = list(
        territory.organisations.filter(status=OrganisationStatus.APPROVED).exclude(pk=joined.pk)
    )
    today = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    events = []
    for i, (
        slug,
        title,
        days,
        hour,
        hours,
        place,
        address,
        step_free,
        notes,
        summary,
        body,
    ) in enumerate(EVENTS):
        starts_at = (today + datetime.timedelta(days=days)).replace(hour=hour)
        events.append(
            _child(
                agenda,
                EventPage,
                slug,
                title=title,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=hours),
                place_name=place,
                place_address=address,
                step_free=step_free,
                accessibility_notes=notes,
                summary=summary,
                body=body,
                organiser=organisers[i % len(organisers)] if organisers else None,
            )
        )
    # The structure that joined publishes its own event.
    dance = (today + datetime.timedelta(days=20)).replace(hour=14)
    events.append(
        _child(
            agenda,
            EventPage,
            "the-dansant",
            title="Thé dansant des Amis de l'Aronde",
            starts_at=dance,
            ends_at=dance + datetime.timedelta(hours=3),
            place_name="Salle des fêtes",
            place_address="12 rue des Écoles, Bellerive-sur-Aronde",
            step_free=True,
            summary="Valse, tango et madison, avec l'orchestre de l'association.",
            body="<p>Entrée gratuite pour les plus de 70 ans.</p>",
            organiser=joined,
        )
    )
    # Two volunteers offered to go with someone to the carers' café.
    cafe = next(event for event in events if event.slug == "cafe-des-aidants")
    for volunteer in territory.volunteers.filter(stage=VettingStage.ACTIVE).order_by("pk")[:2]:
        offer_to_accompany(volunteer, cafe)
    return events

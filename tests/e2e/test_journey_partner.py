"""Journey: an association joins the network, then publishes an offer and proposes an event.

The representative finds the join form from the section's home page and sends it; the
coordinator (staff of the territory, not a superuser) opens the request from the e-mail
telling them about it and approves it; the representative signs in to the partner space
from the e-mail that follows, publishes a walk and proposes an event; the coordinator,
told by e-mail each time, approves the offer and publishes the event from the links of
those e-mails; anybody then finds both from the section's home page.
"""

import datetime
import re

from django.utils import timezone
from wagtail.models import PageLogEntry

from wagtail_bippop.events.pages import EventPage
from wagtail_bippop.models import (
    Offer,
    OfferStatus,
    Organisation,
    OrganisationStatus,
)

NAME = "Les Marcheurs de l'Aronde"
REPRESENTATIVE = "claire.dumas@marcheurs.example"
SIGN_IN = re.compile("S.identifier|Se connecter", re.I)
# The admin's own content (its header, Wagtail's, reads « Title: subtitle » for screen readers).
ADMIN_CONTENT = "main .nice-padding"
# French puts a space before a colon: a letter, a quote or a bracket just before one is wrong.
COLON_WITHOUT_SPACE = re.compile(r"[^\s\d/:\u00a0\u202f]:(?=\s|$)", re.M)


def french_text(page, selector="main"):
    """The visible text of ``selector``, checked for the French colon and for « de Les »."""
    text = page.inner_text(selector)
    assert not COLON_WITHOUT_SPACE.findall(text), f"colon without a space on {page.url}:\n{text}"
    assert not re.search(r"\bde Les\b", text), f"« de Les » on {page.url}:\n{text}"
    return text


def fits(page):
    """Nothing wider than the screen: no sideways scrolling, on a phone either."""
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, f"{page.url} is wider than {page.viewport_size['width']} px"


def space_action(page, name):
    """One of the partner space's main actions (the menu repeats them)."""
    return page.locator(".bippop-actions").get_by_role("link", name=name)


def click_and_visit(visit, page, locator):
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state("load")
    # The admin's messages fade in: axe judges their contrast once they are fully shown.
    page.wait_for_function(
        """() => [...document.querySelectorAll(".messages > ul")].every(
            (list) => getComputedStyle(list).opacity === "1"
        )"""
    )
    return visit(page)


def submit(visit, page, form="form.bippop-form", name=None):
    button = page.locator(f"{form} button[type=submit]")
    if name is not None:
        button = page.get_by_role("button", name=name)
    return click_and_visit(visit, page, button)


def staff_link(message, part):
    """The one admin link of ``message`` whose address contains ``part``."""
    links = [link for link in message.links if "/admin/" in link and part in link]
    assert links, f"no link to {part!r} in the e-mail {message.subject!r}:\n{message.body}"
    return links[0]


def join_the_network(e2e_site, page, visit):
    """From the section's home page: the join form, its errors, then the request sent."""
    visit(page, e2e_site.base_url + e2e_site.section["index"].url)
    link = page.get_by_role("link", name="Votre association ou structure veut rejoindre le réseau")
    click_and_visit(visit, page, link)
    french_text(page)
    fits(page)

    # Sent empty: the errors are listed and nothing is stored.
    submit(visit, page)
    assert page.locator(".bippop-error-summary").count() == 1
    errors = french_text(page, ".bippop-error-summary")
    assert "Indiquez le nom de la structure." in errors
    assert "Cochez cette case pour accepter la charte." in errors
    assert Organisation.objects.count() == 0
    fits(page)

    page.fill("#id_name", NAME)
    page.select_option("#id_kind", "association")
    page.fill("#id_description", "Une association de marche douce pour tous les âges.")
    page.fill("#id_offers_summary", "Des balades accompagnées chaque semaine.")
    page.fill("#id_address", "2 place de la Mairie")
    page.fill("#id_first_name", "Claire")
    page.fill("#id_last_name", "Dumas")
    page.fill("#id_role", "présidente")
    page.fill("#id_email", REPRESENTATIVE)
    page.fill("#id_phone", "06 23 45 67 89")
    page.check("#id_charter")
    page.check("#id_consent")
    submit(visit, page)
    assert "Merci, votre demande d'adhésion est envoyée" in french_text(page)
    fits(page)
    organisation = Organisation.objects.get()
    assert organisation.name == NAME
    assert organisation.status == OrganisationStatus.PENDING
    representative = organisation.representatives.get()
    assert (representative.email, representative.is_active) == (REPRESENTATIVE, False)
    return organisation


def sign_in_as_coordinator(page, visit):
    assert "/admin/login/" in page.url
    page.fill("#id_username", "sophie")
    page.fill("#id_password", "mot-de-passe-solide")
    submit(visit, page, form="form", name=SIGN_IN)


def test_an_association_joins_then_publishes_an_offer_and_an_event(
    e2e_site, coordinator, mailbox, person_page, visit
):
    representative = person_page()
    organisation = join_the_network(e2e_site, representative, visit)

    # The representative is acknowledged; the wording never says « de Les Marcheurs ».
    acknowledgement = mailbox.wait_for(to=REPRESENTATIVE)
    assert NAME in acknowledgement.subject + acknowledgement.body
    assert "de Les" not in acknowledgement.subject + acknowledgement.body

    # The coordinator is told, and opens the request from the e-mail's link.
    notice = mailbox.wait_for(to=coordinator.email, contains=NAME)
    staff = person_page()
    visit(staff, staff_link(notice, "/solidarite-partenaires/"))
    sign_in_as_coordinator(staff, visit)
    review = french_text(staff, ADMIN_CONTENT)
    assert NAME in review
    assert "Claire Dumas" in review
    submit(visit, staff, form="main form", name=re.compile("^Accepter"))
    assert "est acceptée" in french_text(staff, ".messages")
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED
    assert organisation.decided_by == coordinator

    # The representative's e-mail opens the partner space.
    approval = mailbox.wait_for(to=REPRESENTATIVE, contains="partenaire")
    assert "de Les" not in approval.subject + approval.body
    signin_links = [link for link in approval.links if "/espace/signin/open/" in link]
    assert signin_links, f"no sign-in link in:\n{approval.body}"
    visit(representative, signin_links[0])
    submit(visit, representative, name="Ouvrir mon espace")
    assert NAME in french_text(representative)

    # A walk, sent from the partner space, waits for approval.
    click_and_visit(
        visit, representative, space_action(representative, "Publier une proposition d'aide")
    )
    day = timezone.localdate() + datetime.timedelta(days=10)
    representative.select_option("#id_service", label="Balade")
    representative.fill("#id_title", "Balade au bord de l'Aronde")
    representative.fill("#id_description", "Une heure de marche tranquille, avec des bancs.")
    representative.fill("#id_meeting_point", "Place de la Mairie")
    representative.check("#id_recurrence_0")
    representative.fill("#id_first_date", day.isoformat())
    representative.check("#id_period_1")
    representative.fill("#id_start_time", "14:30")
    representative.fill("#id_capacity", "6")
    representative.check("#id_step_free")
    submit(visit, representative)
    assert "Balade au bord de l'Aronde" in french_text(representative)
    offer = Offer.objects.get()
    assert (offer.organisation, offer.status) == (organisation, OfferStatus.PENDING)

    # An event, proposed from the partner space, waits as a draft.
    click_and_visit(visit, representative, space_action(representative, "Proposer un événement"))
    event_day = timezone.localdate() + datetime.timedelta(days=20)
    representative.fill("#id_title", "Grande marche de printemps")
    representative.fill("#id_date", event_day.isoformat())
    representative.fill("#id_start_time", "10:00")
    representative.fill("#id_end_time", "12:00")
    representative.fill("#id_place_name", "Parc de l'Aronde")
    representative.fill("#id_summary", "Une marche ouverte à tous, suivie d'un goûter.")
    representative.check("#id_step_free")
    submit(visit, representative)
    assert "Grande marche de printemps" in french_text(representative)
    event = EventPage.objects.get()
    assert (event.organiser_id, event.live) == (organisation.pk, False)

    # The coordinator is told of both and approves the offer from the e-mail's link.
    offer_notice = mailbox.wait_for(to=coordinator.email, contains="Balade au bord de l'Aronde")
    assert "de Les" not in offer_notice.subject + offer_notice.body
    visit(staff, staff_link(offer_notice, f"/{offer.pk}/"))
    assert "Balade au bord de l'Aronde" in staff.inner_text("main")
    assert NAME in french_text(staff, ADMIN_CONTENT)
    submit(visit, staff, form="main form", name="Valider et publier")
    assert "publiée" in french_text(staff, ".messages")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.APPROVED
    assert offer.moderated_by == coordinator

    # ... and publishes the event from the link of the other e-mail.
    event_notice = mailbox.wait_for(to=coordinator.email, contains="Grande marche de printemps")
    visit(staff, staff_link(event_notice, f"/{event.pk}/"))
    assert "Grande marche de printemps" in french_text(staff, ADMIN_CONTENT)
    submit(visit, staff, form="main form", name=re.compile("^Publier"))
    assert "est publié dans l'agenda" in french_text(staff, ".messages")
    event.refresh_from_db()
    assert event.live
    assert PageLogEntry.objects.filter(
        page=event, action="wagtail.publish", user=coordinator
    ).exists()

    # The representative hears that both are public, and the partner space says so.
    mailbox.wait_for(to=REPRESENTATIVE, contains="Balade au bord de l'Aronde")
    mailbox.wait_for(to=REPRESENTATIVE, contains="Grande marche de printemps")
    visit(representative, representative.url)  # the space again, as the representative left it
    french_text(representative)
    cards = representative.locator(".bippop-card")
    assert "Publiée" in cards.filter(has_text="Balade au bord de l'Aronde").inner_text()
    assert re.search(r"Publié\b", cards.filter(has_text="Grande marche").inner_text())

    # Anybody finds both from the section's home page.
    visitor = person_page()
    home = e2e_site.base_url + e2e_site.section["index"].url
    visit(visitor, home)
    click_and_visit(
        visit,
        visitor,
        visitor.get_by_role("link", name=re.compile("Voir les balades, sorties et activités")),
    )
    board = french_text(visitor)
    assert "Balade au bord de l'Aronde" in board
    click_and_visit(visit, visitor, visitor.get_by_role("link", name="Balade au bord de l'Aronde"))
    detail = french_text(visitor)
    assert "Place de la Mairie" in detail
    assert "06 23 45 67 89" not in detail

    visit(visitor, home)
    click_and_visit(
        visit,
        visitor,
        visitor.get_by_role("link", name=re.compile("Voir les prochains événements")),
    )
    agenda = french_text(visitor)
    assert "Grande marche de printemps" in agenda
    assert NAME in agenda
    click_and_visit(visit, visitor, visitor.get_by_role("link", name="Grande marche de printemps"))
    assert "Parc de l'Aronde" in french_text(visitor)


def test_the_join_form_on_a_phone(e2e_site, coordinator, mailbox, person_page, visit):
    phone = person_page(width=360)
    organisation = join_the_network(e2e_site, phone, visit)
    assert mailbox.wait_for(to=coordinator.email, contains=organisation.name)
    assert mailbox.wait_for(to=REPRESENTATIVE, contains=organisation.name)

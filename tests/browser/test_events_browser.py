"""Events, the join form and the partner space in a real Chromium: axe-core and keyboard."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import DESKTOP, NARROW
from wagtail_bippop.models import (
    EventIndexPage,
    EventPage,
    Organisation,
    OrganisationRepresentative,
    OrganisationStatus,
    PartnerJoinPage,
    VettingStage,
    Volunteer,
    VolunteerSpacePage,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def tree(section_tree, live_territory):
    index = section_tree.index
    agenda = EventIndexPage(title="Sorties et événements", slug="agenda")
    index.add_child(instance=agenda)
    join = PartnerJoinPage(title="Rejoindre le réseau", slug="rejoindre")
    index.add_child(instance=join)
    space = VolunteerSpacePage(title="Espace bénévole", slug="espace-benevole")
    index.add_child(instance=space)
    club = Organisation.objects.create(
        territory=live_territory,
        name="Club des Aînés",
        kind="club",
        status=OrganisationStatus.APPROVED,
    )
    starts_at = (timezone.localtime() + datetime.timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    events = []
    for i, title in enumerate(["Marché de Noël", "Café des aidants", "Repas partagé"]):
        event = EventPage(
            title=title,
            starts_at=starts_at + datetime.timedelta(days=i),
            ends_at=starts_at + datetime.timedelta(days=i, hours=2),
            place_name="Salle des fêtes",
            place_address="1 rue de l'Église",
            step_free=bool(i % 2),
            accessibility_notes="Toilettes adaptées",
            organiser=club,
            summary="Un moment convivial.",
            body="<p>Venez nombreux.</p>",
        )
        agenda.add_child(instance=event)
        events.append(event)
    return section_tree, agenda, join, space, club, events


def open_link(page, url):
    """Open a one-time sign-in link and press its button, as a person would."""
    page.goto(url)
    with page.expect_navigation():
        page.click("form.bippop-form button[type=submit]")


def volunteer_link(live_site, space, territory):
    from wagtail_bippop.volunteer_space.links import signin_token
    from wagtail_bippop.volunteer_space.services import user_for

    volunteer = Volunteer.objects.create(
        territory=territory,
        first_name="Paul",
        last_name="Durand",
        phone="+33781223344",
        email="paul@example.org",
        stage=VettingStage.ACTIVE,
        honourability_checked_on=datetime.date(2026, 1, 5),
        honourability_compatible=True,
    )
    token = signin_token(user_for(volunteer))
    return f"{live_site.url(space)}{space.reverse_subpage('signin_open')}?t={token}"


def representative_link(join, club):
    from wagtail_bippop.partners.links import signin_link

    representative = OrganisationRepresentative.objects.create(
        organisation=club,
        first_name="Marie",
        last_name="Leroy",
        email="marie@example.org",
        is_active=True,
    )
    return signin_link(join, representative)


def submit(page):
    with page.expect_navigation():
        page.click("form.bippop-form button[type=submit]")


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320px"])
def test_events_join_form_and_partner_space_have_no_axe_violation(
    page, live_site, tree, live_territory, axe_check, viewport
):
    section, agenda, join, space, club, events = tree
    page.set_viewport_size(viewport)
    visited = []

    def check(name):
        axe_check(page)
        visited.append(name)

    page.goto(live_site.url(agenda))
    assert page.locator(".bippop-card").count() == 3
    check("agenda")
    page.goto(live_site.url(events[0]))
    check("event page")

    # A volunteer offers to accompany: the confirmation, then the thanks on the event page.
    open_link(page, volunteer_link(live_site, space, live_territory))
    page.goto(live_site.url(events[0]) + events[0].reverse_subpage("accompany"))
    check("accompany confirmation")
    submit(page)
    assert page.locator(".bippop-messages").count() == 1
    check("event page with thanks")

    page.goto(live_site.url(join))
    check("join form")
    submit(page)
    assert page.locator(".bippop-error-summary").count() == 1
    check("join form with errors")
    fill_join_form(page)
    submit(page)
    assert page.url.endswith("/merci/"), page.locator(".bippop-error-summary").all_inner_texts()
    check("join confirmation")

    page.goto(live_site.url(join) + join.reverse_subpage("signin"))
    check("partner sign-in")
    open_link(page, representative_link(join, club).replace("http://localhost", live_site.base_url))
    check("partner space")
    page.goto(live_site.url(join) + join.reverse_subpage("new_offer"))
    check("offer form")
    submit(page)
    check("offer form with errors")
    page.goto(live_site.url(join) + join.reverse_subpage("new_event"))
    check("event form")
    submit(page)
    check("event form with errors")
    assert len(visited) == 13


def fill_join_form(page):
    page.fill("#id_name", "Les Amis de l'Aronde")
    page.select_option("#id_kind", "association")
    page.fill("#id_description", "Une association de quartier.")
    page.fill("#id_offers_summary", "Des sorties au marché.")
    page.fill("#id_first_name", "Marc")
    page.fill("#id_last_name", "Petit")
    page.fill("#id_role", "Président")
    page.fill("#id_email", "marc@example.org")
    page.fill("#id_phone", "06 22 33 44 55")
    page.check("#id_charter")
    page.check("#id_consent")


def test_join_form_by_keyboard_alone(page, live_site, tree, tab_to):
    section, agenda, join, space, club, events = tree
    page.goto(live_site.url(join))
    tab_to(page, "#id_name").type("Les Amis de l'Aronde")
    tab_to(page, "#id_kind")
    page.keyboard.press("ArrowDown")  # keyboard choice in a closed select
    tab_to(page, "#id_description").type("Une association de quartier.")
    tab_to(page, "#id_offers_summary").type("Des sorties au marché.")
    tab_to(page, "#id_address").type("4 rue Haute")
    tab_to(page, "#id_website").type("amis-aronde.example")
    tab_to(page, "#id_first_name").type("Marc")
    tab_to(page, "#id_last_name").type("Petit")
    tab_to(page, "#id_role").type("Président")
    tab_to(page, "#id_email").type("marc@example.org")
    tab_to(page, "#id_phone").type("06 22 33 44 55")
    tab_to(page, "#id_charter")
    page.keyboard.press("Space")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    tab_to(page, "form.bippop-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/merci/"), page.locator(".bippop-error-summary").all_inner_texts()
    organisation = Organisation.objects.get(name="Les Amis de l'Aronde")
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.kind != ""
    assert organisation.website == "https://amis-aronde.example"
    assert organisation.representatives.get().email == "marc@example.org"


def test_event_buttons_by_keyboard(page, live_site, tree, tab_to):
    section, agenda, join, space, club, events = tree
    page.goto(live_site.url(agenda))
    tab_to(page, f'a[href="{events[1].url}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, f'a[href="{section.help_request.url}?evenement={events[1].pk}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Café des aidants" in page.content()


def test_event_and_join_pages_pass_a_strict_csp(page, live_site, tree):
    from tests.browser.test_public_section import STRICT_CSP

    section, agenda, join, space, club, events = tree
    refused = []

    def with_strict_csp(route):
        response = route.fetch()
        route.fulfill(
            response=response,
            headers={**response.headers, "content-security-policy": STRICT_CSP},
        )

    page.route(f"{live_site.base_url}/**", with_strict_csp)
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    for target in (agenda, events[0], join):
        page.goto(live_site.url(target))
        assert page.locator("script, style, [style]").count() == 0
    assert not refused, refused

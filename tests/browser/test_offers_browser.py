"""Offers in a real Chromium: axe-core on the board, an offer, the pre-filled form and the
volunteer's offer form; taking part with the keyboard alone."""

import pytest
from django.test import Client

from tests.browser.conftest import DESKTOP, NARROW
from tests.offers_support import add_board, make_offer, make_organisation, next_weekday
from wagtail_bippop.models import (
    Area,
    HelpRequest,
    Offer,
    OfferParticipation,
    OfferStatus,
    VettingStage,
    Volunteer,
    VolunteerSpacePage,
)
from wagtail_bippop.volunteer_space.services import user_for

pytestmark = pytest.mark.browser


def _volunteer(territory):
    volunteer = Volunteer(
        territory=territory,
        first_name="Hélène",
        last_name="Vasseur",
        phone="+33612345670",
        email="helene@example.org",
        stage=VettingStage.ACTIVE,
        honourability_checked_on="2026-01-05",
        honourability_compatible=True,
    )
    volunteer.save()
    return volunteer


@pytest.fixture
def offers(live_territory):
    volunteer = _volunteer(live_territory)
    area = Area.objects.create(territory=live_territory, name="Centre-bourg")
    walk = make_offer(
        live_territory,
        volunteer=volunteer,
        title="Balade le mardi après-midi",
        area=area,
        step_free=True,
        accessibility_notes="Bancs tous les 300 mètres.",
        description="Une petite heure à votre rythme.",
    )
    full = make_offer(
        live_territory,
        organisation=make_organisation(live_territory, name="Club des aînés"),
        title="Atelier tablette",
        service=live_territory.services.get(slug="aide-informatique"),
        capacity=2,
        first_date=next_weekday(3),
    )
    Offer.objects.filter(pk=full.pk).update(places_taken=2)
    make_offer(live_territory, volunteer=volunteer, title="En attente", status=OfferStatus.PENDING)
    return walk, full


@pytest.fixture
def board(section_tree):
    return add_board(section_tree.index, title="Sorties et activités")


def detail(board, offer):
    return board.url + board.reverse_subpage("offer", args=[offer.pk])


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320px"])
def test_board_offer_and_prefilled_form_have_no_axe_violation(
    page, live_site, section_tree, board, offers, axe_check, viewport
):
    walk, full = offers
    page.set_viewport_size(viewport)
    base = live_site.base_url
    stops = [
        board.url,
        board.url + "?day=1",
        detail(board, walk),
        detail(board, full),
        f"{section_tree.help_request.url}?offre={walk.pk}",
    ]
    for url in stops:
        page.goto(base + url)
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], url
        if url == detail(board, full):
            assert "Complet" in page.content()
            assert page.locator("a[href*='?offre=']").count() == 0
    # The pre-filled form sent empty: errors shown with the summary of the offer kept.
    with page.expect_navigation():
        page.click("form.bippop-form button[type=submit]")
    assert page.locator(".bippop-error-summary").count() == 1
    assert "Balade le mardi après-midi" in page.locator(".bippop-request-summary").inner_text()
    axe_check(page)


def test_taking_part_with_the_keyboard_alone(page, live_site, section_tree, board, offers, tab_to):
    walk, _full = offers
    page.goto(live_site.url(section_tree.index))
    tab_to(page, f'a[href="{board.url}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, f'a[href="{detail(board, walk)}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    take_part = f'a[href="{section_tree.help_request.url}?offre={walk.pk}"]'
    tab_to(page, take_part)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    summary = page.locator(".bippop-request-summary").inner_text()
    assert "Vous demandez à participer à" in summary and walk.title in summary
    assert page.is_checked(f'input[name="services"][value="{walk.service_id}"]')
    # For a relative: the "who is asking" choice is still there.
    tab_to(page, "#id_requester_kind_0")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_requester_name").type("Luc Martin")
    tab_to(page, "#id_requester_phone").type("06 11 11 11 11")
    tab_to(page, "#id_first_name").type("Jeanne")
    tab_to(page, "#id_last_name").type("Martin")
    tab_to(page, "#id_address").type("3 rue des Lilas")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    tab_to(page, "form.bippop-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith("/merci/"), page.locator(".bippop-error-summary").all_inner_texts()
    participation = OfferParticipation.objects.get()
    assert participation.offer == walk
    request = HelpRequest.objects.get()
    assert participation.request == request
    assert (request.requester_kind, request.requester_name) == ("relative", "Luc Martin")


def _sign_in(page, live_site, volunteer):
    client = Client()
    client.force_login(user_for(volunteer))
    cookie = client.cookies["sessionid"]
    page.context.add_cookies(
        [{"name": "sessionid", "value": cookie.value, "url": live_site.base_url}]
    )


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320px"])
def test_volunteer_offer_form_is_accessible_and_works(
    page, live_site, section_tree, live_territory, axe_check, viewport
):
    space = section_tree.index.add_child(
        instance=VolunteerSpacePage(title="Espace bénévole", slug="espace-benevole")
    )
    volunteer = _volunteer(live_territory)
    _sign_in(page, live_site, volunteer)
    page.set_viewport_size(viewport)
    base = live_site.base_url + space.url
    page.goto(base + "offers/")
    axe_check(page)
    with page.expect_navigation():
        page.click(f'a[href="{space.url}offers/new/"]')
    axe_check(page)
    with page.expect_navigation():
        page.click("form.bippop-form button[type=submit]")
    assert page.locator(".bippop-field__error").count() >= 3
    axe_check(page)

    page.select_option("#id_service", label="Balade")
    page.fill("#id_title", "Balade le mardi après-midi")
    page.fill("#id_first_date", next_weekday(1).isoformat())
    page.check("#id_period_1")
    page.fill("#id_capacity", "3")
    page.check("#id_step_free")
    with page.expect_navigation():
        page.click("form.bippop-form button[type=submit]")
    offer = Offer.objects.get()
    assert (offer.title, offer.capacity, offer.status) == (
        "Balade le mardi après-midi",
        3,
        OfferStatus.PENDING,
    )
    assert "Balade le mardi après-midi" in page.content()
    axe_check(page)

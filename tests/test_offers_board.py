"""The public board of offers and each offer's page, as a resident sees them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.offers_support import (
    add_board,
    add_event,
    bulk_offers,
    make_offer,
    make_organisation,
    next_weekday,
)
from wagtail_bippop.models import Offer, OfferStatus


@pytest.fixture(autouse=True)
def _english(english_site):
    """Assertions read the source strings: the site speaks English."""


@pytest.fixture
def board(section):
    return add_board(section.index)


@pytest.fixture
def volunteer(make_volunteer):
    return make_volunteer(
        first_name="Hélène",
        last_name="Secretname",
        phone="+33611223344",
        email="helene@example.org",
        address="12 rue Cachée",
    )


def detail_url(board, offer):
    return board.url + board.reverse_subpage("offer", args=[offer.pk])


def test_board_lists_current_offers_only(client, board, territory, volunteer):
    shown = make_offer(territory, volunteer=volunteer, title="Balade le mardi après-midi")
    make_offer(territory, volunteer=volunteer, title="En attente", status=OfferStatus.PENDING)
    make_offer(territory, volunteer=volunteer, title="Retirée", status=OfferStatus.WITHDRAWN)
    make_offer(territory, volunteer=volunteer, title="Passée", first_date=datetime.date(2020, 1, 7))
    response = client.get(board.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert shown.title in html
    for hidden in ("En attente", "Retirée", "Passée"):
        assert hidden not in html
    assert detail_url(board, shown) in html
    assert "3 places left" in html
    assert "Place de la mairie" in html


def test_board_never_shows_contact_details(client, board, territory, volunteer, area):
    offer = make_offer(territory, volunteer=volunteer, area=area, step_free=True)
    for url in (board.url, detail_url(board, offer)):
        html = client.get(url).content.decode()
        for secret in (
            "Secretname",
            "0611223344",
            "+33611223344",
            "06 11 22 33 44",
            "helene@example.org",
            "12 rue Cachée",
            "Hélène",
        ):
            assert secret not in html, (url, secret)
        assert "Centre-bourg" in html
        assert "step-free" in html


def test_structure_offers_name_the_structure(client, board, territory):
    organisation = make_organisation(territory, name="Club des aînés", phone="03 44 99 88 77")
    offer = make_offer(territory, organisation=organisation)
    html = client.get(detail_url(board, offer)).content.decode()
    assert "Club des aînés" in html
    assert "03 44 99 88 77" not in html


def test_board_filters_by_service_area_and_day(client, board, territory, volunteer, area):
    from wagtail_bippop.models import Area

    other_area = Area.objects.create(territory=territory, name="Les Prés")
    tuesday_walk = make_offer(
        territory,
        volunteer=volunteer,
        title="Promenade du mardi",
        area=area,
        first_date=next_weekday(1),
    )
    friday_reading = make_offer(
        territory,
        volunteer=volunteer,
        title="Lecture du vendredi",
        area=other_area,
        first_date=next_weekday(4),
        service=territory.services.get(slug="lecture-a-voix-haute"),
    )
    everywhere = make_offer(territory, volunteer=volunteer, title="Chorale pour tous")
    cases = [
        ({"service": tuesday_walk.service_id}, {tuesday_walk, everywhere}),
        ({"area": area.pk}, {tuesday_walk, everywhere}),
        ({"day": "4"}, {friday_reading}),
        ({"day": "1", "area": other_area.pk}, {everywhere}),
    ]
    for params, expected in cases:
        html = client.get(board.url, params).content.decode()
        for offer in (tuesday_walk, friday_reading, everywhere):
            assert (offer.title in html) == (offer in expected), (params, offer.title)


@pytest.mark.parametrize(
    "params", [{"day": "9"}, {"area": "abc"}, {"service": "99999"}, {"page": "x"}]
)
def test_bad_filters_do_not_break_the_board(client, board, territory, volunteer, params):
    make_offer(territory, volunteer=volunteer)
    assert client.get(board.url, params).status_code == 200


def test_board_is_paginated(client, board, territory, volunteer):
    bulk_offers(territory, 25, volunteer=volunteer)
    first = client.get(board.url).content.decode()
    assert "25 offers found" in first
    assert "Page 1 of 3" in first
    last = client.get(board.url, {"page": 3}).content.decode()
    assert last.count('class="bippop-card bippop-offer"') == 5


def test_detail_has_the_take_part_button(client, board, section, territory, volunteer):
    offer = make_offer(territory, volunteer=volunteer)
    html = client.get(detail_url(board, offer)).content.decode()
    assert f"{section.help_request.url}?offre={offer.pk}" in html
    assert "I would like to take part" in html


def test_full_offer_says_full_and_has_no_button(client, board, territory, volunteer):
    offer = make_offer(territory, volunteer=volunteer, capacity=2)
    Offer.objects.filter(pk=offer.pk).update(places_taken=2)
    for url in (board.url, detail_url(board, offer)):
        html = client.get(url).content.decode()
        assert "Full" in html
        assert f"?offre={offer.pk}" not in html


def test_detail_is_404_when_not_current_or_elsewhere(
    client, board, territory, other_territory, volunteer, make_volunteer
):
    pending = make_offer(territory, volunteer=volunteer, status=OfferStatus.PENDING)
    past = make_offer(territory, volunteer=volunteer, first_date=datetime.date(2020, 1, 7))
    elsewhere = make_offer(other_territory, volunteer=make_volunteer(territory=other_territory))
    for offer in (pending, past, elsewhere):
        assert client.get(detail_url(board, offer)).status_code == 404
    assert client.get(board.url + "999999/").status_code == 404


def test_index_page_links_to_the_board(client, section, board):
    html = client.get(section.index.url).content.decode()
    assert f'href="{board.url}"' in html


def test_titles_are_escaped(client, board, territory, volunteer):
    offer = make_offer(territory, volunteer=volunteer, title="<script>alert(1)</script>")
    for url in (board.url, detail_url(board, offer)):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;" in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_query_counts_do_not_grow_with_the_offers(client, board, territory, volunteer, area):
    organisation = make_organisation(territory)
    bulk_offers(territory, 5, volunteer=volunteer, area=area)
    bulk_offers(territory, 5, organisation=organisation)
    offer = Offer.objects.first()
    client.get(board.url)  # warm caches (site root, settings)
    small = (_queries(client, board.url), _queries(client, detail_url(board, offer)))
    bulk_offers(territory, 495, volunteer=volunteer, area=area)
    bulk_offers(territory, 495, organisation=organisation)
    assert Offer.objects.count() == 1000
    large = (_queries(client, board.url), _queries(client, detail_url(board, offer)))
    assert small == large


def test_offers_to_accompany_someone_to_an_event_stay_off_the_board(
    client, board, section, territory, volunteer
):
    event = add_event(section.index)
    companion = make_offer(
        territory,
        volunteer=volunteer,
        title="Accompagner quelqu'un au marché",
        service=territory.services.get(slug="accompagnement-evenement"),
        capacity=1,
        event=event,
    )
    plain = make_offer(territory, volunteer=volunteer, title="Balade au parc")
    html = client.get(board.url).content.decode()
    assert plain.title in html and "Accompagner quelqu" not in html
    assert client.get(detail_url(board, companion)).status_code == 404


def test_in_french_the_day_and_hour_read_as_in_a_sentence(
    client, board, territory, volunteer, site_language
):
    """« Quand : vendredi 11 décembre 2026, après-midi, 14 h 30 », never « Quand : Vendredi »."""
    import re

    site_language("fr")
    friday = next_weekday(4)
    make_offer(
        territory,
        volunteer=volunteer,
        recurrence="once",
        first_date=friday,
        start_time=datetime.time(14, 30),
    )
    html = client.get(board.url).content.decode().replace("\u00a0", " ")
    when = re.search(r"Quand :</span>\s*([^<]*)</p>", html).group(1).strip()
    assert when.startswith("vendredi "), when
    assert when.endswith("après-midi, 14 h 30"), when

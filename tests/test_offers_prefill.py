"""The help-request form opened from an offer (?offre=) or an event (?evenement=)."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from tests.browser.section import build_section
from tests.offers_support import add_event, make_offer
from tests.test_public_forms import help_data
from wagtail_bippop.models import (
    HelpRequest,
    OfferParticipation,
    OfferStatus,
    ParticipationStatus,
)


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english(english_site):
    """Assertions read the source strings: the site speaks English."""


@pytest.fixture
def help_url(section):
    return section.help_request.url


@pytest.fixture
def volunteer(make_volunteer):
    return make_volunteer()


def test_offer_link_preselects_its_service_and_shows_a_summary(
    client, help_url, territory, volunteer
):
    offer = make_offer(territory, volunteer=volunteer, title="Balade le mardi après-midi")
    response = client.get(help_url, {"offre": offer.pk})
    html = response.content.decode()
    form = response.context["form"]
    assert response.status_code == 200
    assert form.initial["offer"] == offer.pk
    assert form.initial["services"] == [offer.service_id]
    assert "You are asking to take part in:" in html
    assert "Balade le mardi après-midi" in html
    assert f'name="offer" value="{offer.pk}"' in html
    checked = re.findall(r'<input type="checkbox" name="services" value="(\d+)"[^>]*checked', html)
    assert checked == [str(offer.service_id)]
    # The "for myself / a relative / a professional" choice stays.
    assert 'name="requester_kind"' in html


@pytest.mark.parametrize(
    "change",
    [
        {"status": OfferStatus.PENDING},
        {"status": OfferStatus.WITHDRAWN},
        {"places_taken": 3},
    ],
)
def test_unavailable_offer_gives_the_normal_form(client, help_url, territory, volunteer, change):
    offer = make_offer(territory, volunteer=volunteer)
    # Places only change through guarded updates, never through a full save.
    type(offer).objects.filter(pk=offer.pk).update(**change)
    response = client.get(help_url, {"offre": offer.pk})
    assert response.status_code == 200
    assert "offer" not in response.context["form"].initial
    assert "You are asking to take part in" not in response.content.decode()


@pytest.mark.parametrize("value", ["999999", "abc", "", "1 OR 1=1", "-3"])
def test_unknown_offer_ids_give_the_normal_form(client, help_url, value):
    response = client.get(help_url, {"offre": value, "evenement": value})
    assert response.status_code == 200
    assert "offer" not in response.context["form"].initial


def test_past_offer_and_other_territory_offer_are_ignored(
    client, help_url, territory, other_territory, make_volunteer
):
    import datetime

    past = make_offer(territory, volunteer=make_volunteer(), first_date=datetime.date(2020, 1, 7))
    elsewhere = make_offer(other_territory, volunteer=make_volunteer(territory=other_territory))
    for offer in (past, elsewhere):
        response = client.get(help_url, {"offre": offer.pk})
        assert "offer" not in response.context["form"].initial


def test_sending_the_prefilled_form_asks_to_take_part(
    client, help_url, territory, volunteer, django_capture_on_commit_callbacks
):
    offer = make_offer(territory, volunteer=volunteer)
    data = help_data(territory, offer=offer.pk, services=[offer.service_id])
    # Messages are written with the request and leave once it has committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(help_url, data)
    assert response.status_code == 302
    request = HelpRequest.objects.get()
    participation = OfferParticipation.objects.get()
    assert participation.request == request
    coordinator_mail = next(m for m in mail.outbox if "ccas@bellerive.example" in m.to)
    assert offer.title in coordinator_mail.body
    assert participation.offer == offer
    assert participation.status == ParticipationStatus.ASKED
    offer.refresh_from_db()
    assert offer.places_taken == 0  # a place is taken only when a coordinator confirms

    # The same POST again (double click, back button): still one request, one participation.
    client.post(help_url, data)
    assert HelpRequest.objects.count() == 1
    assert OfferParticipation.objects.count() == 1


def test_offer_full_since_the_page_was_opened_is_explained_and_input_kept(
    client, help_url, territory, volunteer
):
    offer = make_offer(territory, volunteer=volunteer, capacity=1)
    Offer = type(offer)
    Offer.objects.filter(pk=offer.pk).update(places_taken=1)
    response = client.post(help_url, help_data(territory, offer=offer.pk, last_name="Dupont"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "no longer open" in html
    assert 'value="Dupont"' in html
    assert f'name="offer" value="{offer.pk}"' not in html
    assert not HelpRequest.objects.exists()
    # Sent again as it is: an ordinary request.
    data = help_data(
        territory, offer="", submission_key=response.context["form"].data["submission_key"]
    )
    assert client.post(help_url, data).status_code == 302
    assert HelpRequest.objects.count() == 1
    assert not OfferParticipation.objects.exists()


def test_forged_offer_id_is_not_linked(
    client, help_url, territory, other_territory, make_volunteer
):
    elsewhere = make_offer(other_territory, volunteer=make_volunteer(territory=other_territory))
    response = client.post(help_url, help_data(territory, offer=elsewhere.pk))
    assert response.status_code == 200
    assert not OfferParticipation.objects.exists()


def test_event_link_preselects_the_companion_service(client, help_url, section, territory):
    event = add_event(section.index, title="Marché de Noël")
    companion = territory.services.get(slug="accompagnement-evenement")
    response = client.get(help_url, {"evenement": event.pk})
    html = response.content.decode()
    form = response.context["form"]
    assert form.initial["event"] == event.pk
    assert form.initial["services"] == [companion.pk]
    assert "You are asking for someone to go with you to:" in html
    assert "Marché de Noël" in html

    response = client.post(help_url, help_data(territory, event=event.pk, services=[companion.pk]))
    assert response.status_code == 302
    assert HelpRequest.objects.get().event_id == event.pk


def test_event_link_without_an_active_companion_service(client, help_url, section, territory):
    territory.services.filter(slug="accompagnement-evenement").update(is_active=False)
    event = add_event(section.index)
    form = client.get(help_url, {"evenement": event.pk}).context["form"]
    assert form.initial["event"] == event.pk
    assert "services" not in form.initial


def test_past_unpublished_or_foreign_events_are_ignored(
    client, help_url, section, home_page, other_territory
):
    past = add_event(section.index, days=-2)
    draft = add_event(section.index)
    draft.unpublish()
    other = build_section(home_page, other_territory, slug="montval")
    foreign = add_event(other.index)
    for event in (past, draft, foreign):
        form = client.get(help_url, {"evenement": event.pk}).context["form"]
        assert "event" not in form.initial


def test_an_offer_to_accompany_someone_to_an_event_is_not_joined_from_the_form(
    client, help_url, section, territory, make_volunteer
):
    companion = make_offer(
        territory,
        volunteer=make_volunteer(),
        service=territory.services.get(slug="accompagnement-evenement"),
        capacity=1,
        event=add_event(section.index),
    )
    response = client.get(help_url, {"offre": companion.pk})
    assert "offer" not in response.context["form"].initial

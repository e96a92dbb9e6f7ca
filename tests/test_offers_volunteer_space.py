"""A volunteer proposes offers from their space, follows and withdraws them."""

import pytest
from django.core import mail

from tests.conftest import audit_log
from tests.offers_support import make_offer, next_weekday
from wagtail_bippop.models import Offer, OfferStatus, VettingStage
from wagtail_bippop.volunteer_space.services import user_for

from .test_notifications_fixtures import *  # noqa: F403
from .test_notifications_fixtures import route


@pytest.fixture(autouse=True)
def _english(english_site):
    """Assertions read the source strings: the site speaks English."""


def offer_data(territory, **overrides):
    data = {
        "service": territory.services.get(slug="balade").pk,
        "title": "Balade le mardi après-midi",
        "description": "Tour du lac, à petit pas.",
        "recurrence": "weekly",
        "first_date": next_weekday(1).isoformat(),
        "last_date": next_weekday(1, weeks=6).isoformat(),
        "period": "afternoon",
        "start_time": "14:30",
        "meeting_point": "Place de la mairie",
        "capacity": "3",
        "step_free": "on",
    }
    data.update(overrides)
    return data


def test_home_links_to_my_offers(signed_in, space_page):
    html = signed_in.get(route(space_page, "home")).content.decode()
    assert route(space_page, "offers") in html


def test_active_volunteer_proposes_an_offer_waiting_for_approval(
    signed_in,
    space_page,
    volunteer,
    territory,
    site_settings,
    coordinator,
    django_capture_on_commit_callbacks,
):
    # The coordinators' notice is written with the offer and leaves once it has committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(route(space_page, "offer_add"), offer_data(territory))
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert (offer.volunteer, offer.territory, offer.status) == (
        volunteer,
        territory,
        OfferStatus.PENDING,
    )
    assert (offer.capacity, offer.step_free, offer.weekday) == (3, True, 1)
    assert offer.last_date == next_weekday(1, weeks=6)
    assert not Offer.objects.current().exists()
    assert audit_log().filter(action="wagtail_bippop.offer.submitted").count() == 1
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["ccas@bellerive.example", "coord@example.org"]
    assert "Balade le mardi après-midi" in mail.outbox[0].body

    listing = signed_in.get(route(space_page, "offers")).content.decode()
    assert "Balade le mardi après-midi" in listing
    assert "Waiting for approval" in listing


def test_bad_input_is_explained_and_kept(signed_in, space_page, territory):
    data = offer_data(territory, capacity="99", first_date="2020-01-07", title="Chorale")
    response = signed_in.post(route(space_page, "offer_add"), data)
    html = response.content.decode()
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"capacity", "first_date"}
    assert 'value="Chorale"' in html
    assert not Offer.objects.exists()


def test_service_of_another_territory_is_refused(signed_in, space_page, territory, other_territory):
    foreign = other_territory.services.get(slug="balade")
    response = signed_in.post(
        route(space_page, "offer_add"), offer_data(territory, service=foreign.pk)
    )
    assert "service" in response.context["form"].errors
    assert not Offer.objects.exists()


@pytest.mark.parametrize("stage", [VettingStage.TO_VET, VettingStage.TRAINED])
def test_only_active_volunteers_propose(client, space_page, make_volunteer, territory, stage):
    newcomer = make_volunteer(stage=stage)
    client.force_login(user_for(newcomer))
    page = client.get(route(space_page, "offers")).content.decode()
    assert route(space_page, "offer_add") not in page
    response = client.post(route(space_page, "offer_add"), offer_data(territory))
    assert response.status_code == 302
    assert not Offer.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, space_page, territory):
    response = client.post(route(space_page, "offer_add"), offer_data(territory))
    assert response.status_code == 302
    assert response["Location"].endswith("/signin/")
    assert not Offer.objects.exists()


def test_volunteer_withdraws_their_offer(signed_in, space_page, volunteer, territory):
    offer = make_offer(territory, volunteer=volunteer)
    response = signed_in.post(route(space_page, "offer_withdraw", offer.pk))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert audit_log().filter(action="wagtail_bippop.offer.withdrawn").count() == 1
    assert signed_in.get(route(space_page, "offer_withdraw", offer.pk)).status_code == 405


def test_someone_elses_offer_is_404(
    signed_in, space_page, territory, other_territory, make_volunteer
):
    colleague = make_offer(territory, volunteer=make_volunteer(first_name="Marc"))
    elsewhere = make_offer(
        other_territory, volunteer=make_volunteer(territory=other_territory, first_name="Zoé")
    )
    for offer in (colleague, elsewhere):
        response = signed_in.post(route(space_page, "offer_withdraw", offer.pk))
        assert response.status_code == 404
        offer.refresh_from_db()
        assert offer.status == OfferStatus.APPROVED
    listing = signed_in.get(route(space_page, "offers")).content.decode()
    assert colleague.title not in listing and elsewhere.title not in listing


def test_too_many_waiting_offers(signed_in, space_page, volunteer, territory):
    from wagtail_bippop.volunteer_space.offers import MAX_PENDING

    for _ in range(MAX_PENDING):
        make_offer(territory, volunteer=volunteer, status=OfferStatus.PENDING)
    response = signed_in.post(route(space_page, "offer_add"), offer_data(territory))
    assert response.status_code == 200
    assert Offer.objects.count() == MAX_PENDING

"""Offers in the coordinator section: moderation, participants, scope, creation for others."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import audit_log
from tests.offers_support import make_offer, make_organisation, next_weekday
from wagtail_bippop.models import (
    Offer,
    OfferParticipation,
    OfferStatus,
    ParticipationStatus,
)
from wagtail_bippop.roles import READ_ONLY_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_site):
    """Assertions read the source strings: the site speaks English."""


@pytest.fixture
def volunteer(make_volunteer):
    return make_volunteer(first_name="Hélène")


@pytest.fixture
def pending(territory, volunteer):
    return make_offer(territory, volunteer=volunteer, status=OfferStatus.PENDING, title="Balade")


def moderation_url(offer):
    return reverse("bippop_offers:moderation", args=[offer.pk])


def test_offers_are_in_the_solidarity_menu(client, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("bippop_offers:index") in html


def test_list_shows_pending_first_with_places(client, coordinator, territory, volunteer, pending):
    published = make_offer(territory, volunteer=volunteer, title="Chorale", capacity=5)
    Offer.objects.filter(pk=published.pk).update(places_taken=2)
    client.force_login(coordinator)
    response = client.get(reverse("bippop_offers:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Balade") < html.index("Chorale")
    assert "2 / 5" in html


def test_list_filters_by_status_service_and_area(client, coordinator, territory, volunteer, area):
    walk = make_offer(territory, volunteer=volunteer, title="Promenade au parc", area=area)
    reading = make_offer(
        territory,
        volunteer=volunteer,
        title="Lecture du journal",
        service=territory.services.get(slug="lecture-a-voix-haute"),
        status=OfferStatus.PENDING,
    )
    client.force_login(coordinator)
    url = reverse("bippop_offers:index")
    cases = [
        ({"status": "pending"}, reading, walk),
        ({"service": walk.service_id}, walk, reading),
        ({"area": area.pk}, walk, reading),
    ]
    for params, shown, hidden in cases:
        html = client.get(url, params).content.decode()
        assert shown.title in html and hidden.title not in html, params


def test_approve_publishes_and_logs(client, coordinator, pending):
    client.force_login(coordinator)
    response = client.post(moderation_url(pending), {"action": "approve"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == OfferStatus.APPROVED
    assert pending.moderated_by == coordinator
    assert Offer.objects.current().filter(pk=pending.pk).exists()
    entry = audit_log().get(action="wagtail_bippop.offer.approved")
    assert entry.user == coordinator
    assert entry.territory_id == pending.territory_id


def test_reject_needs_a_reason(client, coordinator, pending):
    client.force_login(coordinator)
    response = client.post(moderation_url(pending), {"action": "reject", "reason": " "})
    assert response.status_code == 200
    assert "Give the reason" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == OfferStatus.PENDING

    client.post(moderation_url(pending), {"action": "reject", "reason": "Adresse privée"})
    pending.refresh_from_db()
    assert (pending.status, pending.rejection_reason) == (OfferStatus.REJECTED, "Adresse privée")


def test_withdraw_takes_the_offer_off_the_board(client, coordinator, territory, volunteer):
    offer = make_offer(territory, volunteer=volunteer)
    client.force_login(coordinator)
    client.post(moderation_url(offer), {"action": "withdraw"})
    assert not Offer.objects.current().exists()
    assert audit_log().filter(action="wagtail_bippop.offer.withdrawn").count() == 1


def test_a_past_offer_cannot_be_approved(client, coordinator, territory, volunteer):
    offer = make_offer(
        territory,
        volunteer=volunteer,
        status=OfferStatus.PENDING,
        first_date=datetime.date(2020, 6, 2),
    )
    client.force_login(coordinator)
    response = client.post(moderation_url(offer), {"action": "approve"})
    assert response.status_code == 200
    assert Offer.objects.get().status == OfferStatus.PENDING


def test_offers_expire_by_themselves(territory, volunteer):
    offer = make_offer(territory, volunteer=volunteer, first_date=next_weekday(2))
    assert Offer.objects.current().filter(pk=offer.pk).exists()
    later = offer.last_date + datetime.timedelta(days=1)
    assert not Offer.objects.current(today=later).filter(pk=offer.pk).exists()
    assert Offer.objects.current(today=offer.last_date).filter(pk=offer.pk).exists()


def test_participants_are_listed_and_confirmed_from_the_offer(
    client, coordinator, territory, volunteer, make_request
):
    offer = make_offer(territory, volunteer=volunteer, capacity=1)
    first, second = (
        OfferParticipation.objects.create(
            offer=offer, request=make_request(services=[offer.service])
        )
        for _ in range(2)
    )
    client.force_login(coordinator)
    html = client.get(moderation_url(offer)).content.decode()
    assert first.request.reference in html and second.request.reference in html

    url = reverse("bippop_offers:participation", args=[first.pk])
    assert client.post(url, {"action": "confirm"}).status_code == 302
    first.refresh_from_db()
    assert first.status == ParticipationStatus.CONFIRMED

    url = reverse("bippop_offers:participation", args=[second.pk])
    response = client.post(url, {"action": "confirm"}, follow=True)
    assert "No place left" in response.content.decode()
    second.refresh_from_db()
    assert second.status == ParticipationStatus.ASKED

    client.post(reverse("bippop_offers:participation", args=[first.pk]), {"action": "cancel"})
    assert Offer.objects.get().places_taken == 0


def test_participation_action_needs_post_and_a_known_action(
    client, coordinator, territory, volunteer, make_request
):
    offer = make_offer(territory, volunteer=volunteer)
    participation = OfferParticipation.objects.create(offer=offer, request=make_request())
    client.force_login(coordinator)
    url = reverse("bippop_offers:participation", args=[participation.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"action": "delete"}).status_code == 400
    assert OfferParticipation.objects.get().status == ParticipationStatus.ASKED


def test_another_territorys_offer_is_404(
    client, coordinator, other_territory, make_volunteer, make_request, make_beneficiary
):
    theirs = make_offer(other_territory, volunteer=make_volunteer(territory=other_territory))
    request = make_request(
        territory=other_territory, beneficiary=make_beneficiary(territory=other_territory)
    )
    participation = OfferParticipation.objects.create(offer=theirs, request=request)
    client.force_login(coordinator)
    for view in ("inspect", "edit", "delete", "history", "moderation"):
        assert client.get(reverse(f"bippop_offers:{view}", args=[theirs.pk])).status_code == 404
    assert client.post(moderation_url(theirs), {"action": "withdraw"}).status_code == 404
    url = reverse("bippop_offers:participation", args=[participation.pk])
    assert client.post(url, {"action": "confirm"}).status_code == 404
    assert theirs.title not in client.get(reverse("bippop_offers:index")).content.decode()
    theirs.refresh_from_db()
    assert theirs.status == OfferStatus.APPROVED
    assert OfferParticipation.objects.get().status == ParticipationStatus.ASKED


def test_read_only_role_cannot_moderate(client, make_staff, territory, pending):
    official = make_staff("elu", territories=[territory], group=READ_ONLY_GROUP)
    client.force_login(official)
    # The read-only role sees no record at all: the offer does not exist for them.
    assert client.get(moderation_url(pending)).status_code == 404
    assert client.post(moderation_url(pending), {"action": "approve"}).status_code == 404
    assert Offer.objects.get().status == OfferStatus.PENDING


def test_coordinator_creates_an_offer_for_a_structure(client, coordinator, territory):
    organisation = make_organisation(territory, name="Club des aînés")
    client.force_login(coordinator)
    data = {
        "territory": territory.pk,
        "organisation": organisation.pk,
        "service": territory.services.get(slug="balade").pk,
        "title": "Balade le mardi après-midi",
        "recurrence": "once",
        "first_date": next_weekday(1).isoformat(),
        "period": "afternoon",
        "capacity": 3,
    }
    response = client.post(reverse("bippop_offers:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    offer = Offer.objects.get()
    assert (offer.organisation, offer.status, offer.created_by) == (
        organisation,
        OfferStatus.APPROVED,
        coordinator,
    )
    assert offer.last_date == offer.first_date
    assert audit_log().filter(action="wagtail_bippop.offer.created").exists()


def test_creation_form_offers_only_own_territorys_authors(
    client, coordinator, other_territory, make_volunteer
):
    stranger = make_volunteer(territory=other_territory, last_name="Dela")
    client.force_login(coordinator)
    form = client.get(reverse("bippop_offers:add")).context["form"]
    assert stranger not in form.fields["volunteer"].queryset


def test_the_volunteer_hears_of_the_decision(
    client, coordinator, territory, make_volunteer, django_capture_on_commit_callbacks
):
    from django.core import mail

    author = make_volunteer(first_name="Hélène", email="helene@example.org")
    offer = make_offer(territory, volunteer=author, status=OfferStatus.PENDING, title="Chorale")
    client.force_login(coordinator)
    # The message is written with the decision and leaves once it has committed.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(moderation_url(offer), {"action": "reject", "reason": "Lieu privé"})
    assert [message.to for message in mail.outbox] == [["helene@example.org"]]
    assert "Chorale" in mail.outbox[0].subject
    assert "Lieu privé" in mail.outbox[0].body


def test_an_inactive_volunteers_offer_is_not_approved(
    client, coordinator, territory, make_volunteer
):
    author = make_volunteer(stage="suspended")
    offer = make_offer(territory, volunteer=author, status=OfferStatus.PENDING)
    client.force_login(coordinator)
    response = client.post(moderation_url(offer), {"action": "approve"})
    assert response.status_code == 200
    assert "not active" in response.content.decode()
    assert Offer.objects.get().status == OfferStatus.PENDING

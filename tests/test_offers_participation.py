"""A coordinator confirms, declines or cancels a resident's place in an offer."""

import datetime

import pytest
from django.utils import translation

from tests.conftest import audit_log
from tests.offers_support import make_offer, make_organisation, next_weekday
from wagtail_bippop.models import (
    Mission,
    MissionRecurrence,
    MissionStatus,
    Offer,
    OfferParticipation,
    OfferRecurrence,
    OfferStatus,
    ParticipationStatus,
    RequestStatus,
    Visit,
    VisitStatus,
)
from wagtail_bippop.offers import participation as participations


@pytest.fixture
def coordinator(superuser):
    return superuser


@pytest.fixture
def volunteer(make_volunteer):
    return make_volunteer(first_name="Hélène")


@pytest.fixture
def ask(make_request):
    def ask(offer, **fields):
        request = make_request(services=[offer.service], **fields)
        return OfferParticipation.objects.create(offer=offer, request=request)

    return ask


def test_confirming_takes_a_place_pairs_with_the_volunteer_and_plans_the_visit(
    territory, volunteer, ask, coordinator
):
    offer = make_offer(territory, volunteer=volunteer, capacity=3, start_time=datetime.time(14))
    participation = ask(offer)

    mission = participations.confirm(participation, user=coordinator)

    offer.refresh_from_db()
    participation.refresh_from_db()
    assert offer.places_taken == 1
    assert participation.status == ParticipationStatus.CONFIRMED
    assert participation.decided_by == coordinator
    assert (mission.volunteer, mission.request) == (volunteer, participation.request)
    assert mission.recurrence == MissionRecurrence.ONE_OFF
    visit = Visit.objects.get(mission=mission)
    assert visit.starts_at.astimezone().date() == offer.first_date
    assert visit.starts_at.astimezone().time() == datetime.time(14)
    participation.request.refresh_from_db()
    assert participation.request.status == RequestStatus.MATCHED
    assert (
        audit_log()
        .filter(
            action="wagtail_bippop.offer.participation_confirmed",
            object_id=str(participation.pk),
        )
        .exists()
    )


def test_weekly_offer_plans_weekly_visits_until_its_last_date(
    territory, volunteer, ask, coordinator
):
    first = next_weekday(1)
    offer = make_offer(
        territory,
        volunteer=volunteer,
        recurrence=OfferRecurrence.WEEKLY,
        first_date=first,
        last_date=first + datetime.timedelta(weeks=3),
    )
    mission = participations.confirm(ask(offer), user=coordinator)
    dates = [v.starts_at.astimezone().date() for v in Visit.objects.filter(mission=mission)]
    assert dates == [first + datetime.timedelta(weeks=n) for n in range(4)]
    assert mission.end_date == offer.last_date


def test_structure_offer_takes_a_place_without_a_mission(territory, ask, coordinator):
    offer = make_offer(territory, organisation=make_organisation(territory))
    participation = ask(offer)
    assert participations.confirm(participation, user=coordinator) is None
    assert not Mission.objects.exists()
    participation.request.refresh_from_db()
    assert participation.request.status == RequestStatus.CONTACTED


def test_no_more_participants_than_places(territory, volunteer, ask, coordinator):
    offer = make_offer(territory, volunteer=volunteer, capacity=2)
    first, second, third = ask(offer), ask(offer), ask(offer)
    participations.confirm(first, user=coordinator)
    participations.confirm(second, user=coordinator)
    with pytest.raises(participations.NoPlaceLeft) as error:
        participations.confirm(third, user=coordinator)
    with translation.override("en"):
        assert "No place left" in str(error.value.message)
    third.refresh_from_db()
    assert third.status == ParticipationStatus.ASKED
    assert Offer.objects.get().places_taken == 2
    assert Mission.objects.count() == 2


def test_the_refusal_reads_plus_de_place_in_french(territory, volunteer, ask, coordinator):
    offer = make_offer(territory, volunteer=volunteer, capacity=1)
    participations.confirm(ask(offer), user=coordinator)
    with pytest.raises(participations.NoPlaceLeft) as error, translation.override("fr"):
        participations.confirm(ask(offer), user=coordinator)
    with translation.override("fr"):
        assert str(error.value.message).startswith("Plus de place")


def test_cancelling_gives_the_place_back_and_cancels_the_visits(
    territory, volunteer, ask, coordinator
):
    offer = make_offer(territory, volunteer=volunteer, capacity=1)
    participation = ask(offer)
    mission = participations.confirm(participation, user=coordinator)
    participations.cancel(participation, user=coordinator, reason="Hospitalisée")

    offer.refresh_from_db()
    mission.refresh_from_db()
    assert offer.places_taken == 0
    assert mission.status == MissionStatus.ENDED
    assert not Visit.objects.filter(mission=mission, status=VisitStatus.PLANNED).exists()
    # The freed place goes to the next person.
    participations.confirm(ask(offer), user=coordinator)
    assert Offer.objects.get().places_taken == 1


def test_cancelling_keeps_the_persons_other_mission(
    territory, volunteer, ask, coordinator, make_mission
):
    offer = make_offer(territory, volunteer=volunteer)
    participation = ask(offer)
    other = make_mission(request=participation.request, volunteer=volunteer)
    assert participations.confirm(participation, user=coordinator) is None
    participations.cancel(participation, user=coordinator)
    other.refresh_from_db()
    assert other.status == MissionStatus.ACTIVE


def test_decline_and_decided_twice(territory, volunteer, ask, coordinator):
    offer = make_offer(territory, volunteer=volunteer)
    participation = ask(offer)
    participations.decline(participation, user=coordinator)
    assert OfferParticipation.objects.get().status == ParticipationStatus.DECLINED
    with pytest.raises(participations.ParticipationError):
        participations.confirm(participation, user=coordinator)
    with pytest.raises(participations.ParticipationError):
        participations.decline(participation, user=coordinator)
    assert Offer.objects.get().places_taken == 0
    assert audit_log().filter(action="wagtail_bippop.offer.participation_declined").count() == 1


@pytest.mark.parametrize(
    "change",
    [{"status": OfferStatus.WITHDRAWN}, {"first_date": datetime.date(2020, 3, 3)}],
)
def test_no_confirmation_once_the_offer_is_gone(territory, volunteer, ask, coordinator, change):
    offer = make_offer(territory, volunteer=volunteer)
    participation = ask(offer)
    Offer.objects.filter(pk=offer.pk).update(
        **change, **({"last_date": change["first_date"]} if "first_date" in change else {})
    )
    with pytest.raises(participations.ParticipationError):
        participations.confirm(participation, user=coordinator)
    assert Offer.objects.get().places_taken == 0


def test_the_database_refuses_more_than_capacity(territory, volunteer):
    from django.db import IntegrityError, transaction

    offer = make_offer(territory, volunteer=volunteer, capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(places_taken=2)


def test_an_offer_of_a_suspended_volunteer_leaves_the_board_and_cannot_be_confirmed(
    territory, volunteer, ask, coordinator
):
    from wagtail_bippop.models import VettingStage, Volunteer

    offer = make_offer(territory, volunteer=volunteer)
    participation = ask(offer)
    Volunteer.objects.filter(pk=volunteer.pk).update(stage=VettingStage.SUSPENDED)
    assert not Offer.objects.current().filter(pk=offer.pk).exists()
    with pytest.raises(participations.ParticipationError):
        participations.confirm(participation, user=coordinator)
    assert not Mission.objects.exists()


def test_an_offer_of_a_structure_no_longer_approved_leaves_the_board(territory):
    from wagtail_bippop.models import Organisation, OrganisationStatus

    structure = make_organisation(territory)
    offer = make_offer(territory, organisation=structure)
    assert Offer.objects.current().filter(pk=offer.pk).exists()
    Organisation.objects.filter(pk=structure.pk).update(status=OrganisationStatus.REJECTED)
    assert not Offer.objects.current().filter(pk=offer.pk).exists()


def test_a_full_save_from_an_old_copy_keeps_the_places_taken(
    territory, volunteer, ask, coordinator
):
    offer = make_offer(territory, volunteer=volunteer, capacity=2)
    stale = Offer.objects.get(pk=offer.pk)  # an edit form opened before the confirmation
    participations.confirm(ask(offer), user=coordinator)
    stale.title = "Balade au parc"
    stale.save()
    offer.refresh_from_db()
    assert (offer.title, offer.places_taken) == ("Balade au parc", 1)


def test_deleting_a_confirmed_participation_gives_its_place_back(
    territory, volunteer, ask, coordinator
):
    offer = make_offer(territory, volunteer=volunteer, capacity=1)
    participation = ask(offer)
    participations.confirm(participation, user=coordinator)
    offer.refresh_from_db()
    assert offer.is_full
    OfferParticipation.objects.filter(pk=participation.pk).delete()
    offer.refresh_from_db()
    assert offer.places_taken == 0


def test_one_person_takes_one_place_per_offer(territory, ask, coordinator, make_beneficiary):
    structure = make_organisation(territory)
    offer = make_offer(territory, organisation=structure, capacity=3)
    person = make_beneficiary()
    participations.confirm(ask(offer, beneficiary=person), user=coordinator)
    with pytest.raises(participations.ParticipationError):
        participations.confirm(ask(offer, beneficiary=person), user=coordinator)
    offer.refresh_from_db()
    assert offer.places_taken == 1

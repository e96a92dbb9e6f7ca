"""More confirmations than places, at the same instant: exactly ``capacity`` win (PostgreSQL)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone, translation

from tests.browser.section import ensure_default_site
from tests.offers_support import make_offer
from wagtail_bippop.models import (
    Beneficiary,
    HelpRequest,
    IntakeChannel,
    Mission,
    Offer,
    OfferParticipation,
    ParticipationStatus,
    Territory,
    VettingStage,
    Volunteer,
)
from wagtail_bippop.offers import participation as participations

pytestmark = pytest.mark.postgres

CAPACITY = 3
CONTENDERS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises all writes")


@pytest.fixture
def territory(transactional_db):
    return Territory.objects.create(name="Bellerive", slug="bellerive", site=ensure_default_site())


def _participations(offer, count):
    result = []
    for n in range(count):
        person = Beneficiary.objects.create(
            territory=offer.territory,
            first_name="Jeanne",
            last_name=f"P{n}",
            phone=f"+336100000{n:02d}",
        )
        request = HelpRequest(
            territory=offer.territory, beneficiary=person, channel=IntakeChannel.WEB
        )
        request.services.set([offer.service])
        request.save()
        result.append(OfferParticipation.objects.create(offer=offer, request=request))
    return result


def _race(action, items):
    barrier = threading.Barrier(len(items))
    outcomes, errors = [], []

    def worker(item):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            action(item)
            outcomes.append("ok")
        except participations.NoPlaceLeft as refusal:
            with translation.override("fr"):
                outcomes.append(str(refusal.message))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return outcomes


@pytest.mark.parametrize("volunteer_offer", [True, False])
def test_racing_confirmations_never_exceed_the_places(territory, volunteer_offer):
    fields = {}
    if volunteer_offer:
        fields["volunteer"] = Volunteer.objects.create(
            territory=territory,
            first_name="Hélène",
            last_name="Bénévole",
            phone="+33699999999",
            stage=VettingStage.ACTIVE,
            activated_at=timezone.now(),
            honourability_checked_on=timezone.localdate(),
            honourability_compatible=True,
        )
    else:
        from tests.offers_support import make_organisation

        fields["organisation"] = make_organisation(territory)
    offer = make_offer(territory, capacity=CAPACITY, **fields)
    contenders = _participations(offer, CONTENDERS)

    outcomes = _race(lambda item: participations.confirm(item, user=None), contenders)

    assert outcomes.count("ok") == CAPACITY
    refusals = [outcome for outcome in outcomes if outcome != "ok"]
    assert len(refusals) == CONTENDERS - CAPACITY
    assert all(refusal.startswith("Plus de place") for refusal in refusals)
    assert Offer.objects.get().places_taken == CAPACITY
    confirmed = OfferParticipation.objects.filter(status=ParticipationStatus.CONFIRMED)
    assert confirmed.count() == CAPACITY
    assert Mission.objects.count() == (CAPACITY if volunteer_offer else 0)


def test_cancel_and_confirm_racing_keep_the_count_right(territory):
    from tests.offers_support import make_organisation

    offer = make_offer(territory, capacity=2, organisation=make_organisation(territory))
    first, second, *waiting = _participations(offer, 6)
    participations.confirm(first, user=None)
    participations.confirm(second, user=None)

    def act(item):
        if item is first:
            participations.cancel(item, user=None)
        else:
            participations.confirm(item, user=None)

    outcomes = _race(act, [first, *waiting])

    # The cancellation always succeeds; at most one waiting person gets the freed place.
    assert outcomes.count("ok") in (1, 2)
    taken = Offer.objects.get().places_taken
    confirmed = OfferParticipation.objects.filter(status=ParticipationStatus.CONFIRMED).count()
    assert taken == confirmed <= 2


def test_the_same_take_part_form_sent_twice_at_once_asks_once(territory):
    import uuid

    from tests.offers_support import make_organisation
    from tests.test_public_concurrency import submit_twice_at_once
    from tests.test_public_forms import help_data
    from wagtail_bippop.public.forms import HelpRequestForm
    from wagtail_bippop.public.submissions import submit_help_request

    offer = make_offer(territory, organisation=make_organisation(territory))
    data = help_data(territory, offer=offer.pk, submission_key=str(uuid.uuid4()))
    results = submit_twice_at_once(HelpRequestForm, submit_help_request, data, territory)
    assert results[0]["reference"] == results[1]["reference"]
    assert HelpRequest.objects.count() == 1
    assert OfferParticipation.objects.get().offer == offer

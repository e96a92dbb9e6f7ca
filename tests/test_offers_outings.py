"""The whole outing: proposed, approved, joined from the board, confirmed, reported, counted."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.browser.section import build_section
from tests.offers_support import add_board
from tests.test_public_forms import help_data
from wagtail_bippop.dashboard import metrics, tables
from wagtail_bippop.models import (
    Offer,
    OfferParticipation,
    OfferStatus,
    ParticipationStatus,
    Visit,
    VisitStatus,
)
from wagtail_bippop.offers import participation as participations
from wagtail_bippop.offers import services
from wagtail_bippop.volunteer_space.services import report_visit


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_balade_du_mardi_from_proposal_to_the_dashboard(
    client, home_page, territory, make_volunteer, superuser
):
    section = build_section(home_page, territory)
    board = add_board(section.index)
    volunteer = make_volunteer(first_name="Hélène")
    today = timezone.localdate()
    offer = services.propose_offer(
        {
            "service": territory.services.get(slug="balade"),
            "title": "Balade le mardi après-midi",
            "recurrence": "once",
            "first_date": today,
            "last_date": None,
            "period": "afternoon",
            "capacity": 3,
            "meeting_point": "Place de la mairie",
        },
        volunteer=volunteer,
    )
    assert offer.status == OfferStatus.PENDING
    assert "Balade le mardi" not in client.get(board.url).content.decode()

    services.moderate(offer, OfferStatus.APPROVED, user=superuser)
    assert "Balade le mardi" in client.get(board.url).content.decode()

    data = help_data(territory, offer=offer.pk, services=[offer.service_id])
    assert client.post(section.help_request.url, data).status_code == 302
    participation = OfferParticipation.objects.get()

    mission = participations.confirm(participation, user=superuser)
    assert Offer.objects.get().places_left == 2
    visit = Visit.objects.get(mission=mission)
    report_visit(visit, status=VisitStatus.DONE, duration_minutes=90, user=superuser)

    period = metrics.Period((territory.pk,), today - datetime.timedelta(days=30), today)
    figures = metrics.dashboard_figures(period, isolation_days=21)
    assert figures["outings"] == 1
    assert figures["visits"]["people"] == 1
    assert figures["visits"]["visits"] == 1
    assert figures["visits"]["hours"] == Decimal("1.5")
    key = tables.build_tables(figures, hour_value=20)[0]
    labels = [str(row[0].value) for row in key.rows]
    assert any("outings" in label or "sorties" in label for label in labels)


def test_only_confirmed_participations_of_the_period_and_territory_count(
    territory, other_territory, make_volunteer, make_request, make_beneficiary
):
    from tests.offers_support import make_offer

    today = timezone.localdate()
    offer = make_offer(territory, volunteer=make_volunteer(), first_date=today, capacity=5)
    asked, confirmed, declined = (
        OfferParticipation.objects.create(offer=offer, request=make_request()) for _ in range(3)
    )
    participations.confirm(confirmed, user=None)
    participations.decline(declined, user=None)
    elsewhere = make_offer(
        other_territory, volunteer=make_volunteer(territory=other_territory), first_date=today
    )
    theirs = OfferParticipation.objects.create(
        offer=elsewhere,
        request=make_request(
            territory=other_territory, beneficiary=make_beneficiary(territory=other_territory)
        ),
    )
    participations.confirm(theirs, user=None)

    from wagtail_bippop.dashboard.outings import confirmed_participations

    this_month = metrics.Period((territory.pk,), today - datetime.timedelta(days=30), today)
    assert confirmed_participations(this_month) == 1
    last_year = metrics.Period(
        (territory.pk,), today - datetime.timedelta(days=400), today - datetime.timedelta(days=300)
    )
    assert confirmed_participations(last_year) == 0
    assert confirmed.status == ParticipationStatus.CONFIRMED

"""Ranking volunteers for a request: each criterion, the hard rules and the order."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from wagtail_bippop.matching import WEIGHTS, Criteria, ranking_queryset, suggest_volunteers
from wagtail_bippop.models import (
    Absence,
    Area,
    AvailabilitySlot,
    DayPeriod,
    MissionStatus,
    Solicitation,
    VettingStage,
    VisitStatus,
    WantedSlot,
    Weekday,
)

TODAY = datetime.date(2026, 12, 1)

pytestmark = pytest.mark.django_db


# The shared factories set services on parental many-to-many fields, which modelcluster
# keeps in memory until the next save(): save once more so the database sees them.
@pytest.fixture
def make_volunteer(make_volunteer):
    def make(**fields):
        volunteer = make_volunteer(**fields)
        volunteer.save()
        return volunteer

    return make


@pytest.fixture
def make_request(make_request):
    def make(**fields):
        request = make_request(**fields)
        request.save()
        return request

    return make


@pytest.fixture
def near_area(territory):
    return Area.objects.create(
        territory=territory,
        name="Les Tilleuls",
        latitude=Decimal("49.50000"),
        longitude=Decimal("2.80000"),
    )


@pytest.fixture
def home_area(territory):
    return Area.objects.create(
        territory=territory,
        name="Centre-bourg",
        latitude=Decimal("49.51000"),
        longitude=Decimal("2.81000"),
    )


@pytest.fixture
def far_area(territory):
    return Area.objects.create(
        territory=territory,
        name="Hameau du Bois",
        latitude=Decimal("49.60000"),
        longitude=Decimal("2.95000"),
    )


@pytest.fixture
def help_request(make_request, make_beneficiary, service, home_area):
    request = make_request(
        beneficiary=make_beneficiary(area=home_area), services=[service], wanted_from=TODAY
    )
    WantedSlot.objects.create(request=request, weekday=Weekday.TUESDAY, period=DayPeriod.AFTERNOON)
    return request


def rank(help_request, **kwargs):
    return suggest_volunteers(help_request, today=TODAY, **kwargs)


def names(suggestions):
    return [s.volunteer.last_name for s in suggestions]


def test_only_active_volunteers_of_the_territory(
    help_request, make_volunteer, other_territory, service
):
    make_volunteer(last_name="Active", services=[service])
    make_volunteer(last_name="ToVet", stage=VettingStage.TO_VET, services=[service])
    make_volunteer(
        last_name="Suspended",
        stage=VettingStage.SUSPENDED,
        honourability_checked_on=datetime.date(2026, 1, 5),
        honourability_compatible=True,
        services=[service],
    )
    make_volunteer(last_name="Elsewhere", territory=other_territory)
    assert names(rank(help_request)) == ["Active"]


def test_offering_the_service_ranks_first(help_request, make_volunteer, service, territory):
    other_service = territory.services.exclude(pk=service.pk).first()
    make_volunteer(last_name="Other", services=[other_service])
    make_volunteer(last_name="Offers", services=[service])
    suggestions = rank(help_request)
    assert names(suggestions) == ["Offers", "Other"]
    assert suggestions[0].score - suggestions[1].score == WEIGHTS["service"]
    offers, other = suggestions
    assert offers.reasons[0].is_good and service.name in str(offers.reasons[0].text)
    assert other.reasons[0].is_bad


def test_same_area_beats_within_radius_beats_far(
    help_request, make_volunteer, service, home_area, near_area, far_area
):
    make_volunteer(last_name="Far", area=far_area, mobility_radius_km=3, services=[service])
    make_volunteer(last_name="Near", area=near_area, mobility_radius_km=3, services=[service])
    make_volunteer(last_name="Same", area=home_area, services=[service])
    suggestions = rank(help_request)
    assert names(suggestions) == ["Same", "Near", "Far"]
    same, near, far = suggestions
    assert same.score - near.score == WEIGHTS["same_area"] - WEIGHTS["within_reach"]
    assert near.score - far.score == WEIGHTS["within_reach"]
    # About 1.3 km between the two area centres, computed by the database.
    assert 1.2 <= near.distance_km <= 1.5
    assert near.reasons[1].is_good and far.reasons[1].is_bad


def test_radius_decides_whether_a_nearby_area_is_within_reach(
    help_request, make_volunteer, service, near_area
):
    make_volunteer(last_name="Short", area=near_area, mobility_radius_km=1, services=[service])
    make_volunteer(last_name="Long", area=near_area, mobility_radius_km=2, services=[service])
    suggestions = rank(help_request)
    assert names(suggestions) == ["Long", "Short"]
    assert [s.within_reach for s in suggestions] == [True, False]


def test_availability_overlapping_the_wanted_slots(help_request, make_volunteer, service):
    busy_then = make_volunteer(last_name="Morning", services=[service])
    AvailabilitySlot.objects.create(
        volunteer=busy_then, weekday=Weekday.TUESDAY, period=DayPeriod.MORNING
    )
    free = make_volunteer(last_name="Afternoon", services=[service])
    AvailabilitySlot.objects.create(
        volunteer=free, weekday=Weekday.TUESDAY, period=DayPeriod.AFTERNOON
    )
    suggestions = rank(help_request)
    assert names(suggestions) == ["Afternoon", "Morning"]
    assert suggestions[0].score - suggestions[1].score == WEIGHTS["available"]
    assert suggestions[0].reasons[2].is_good
    assert suggestions[1].reasons[2].is_bad


def test_absence_on_the_first_day_excludes_and_later_absence_ranks_down(
    help_request, make_volunteer, service
):
    away_now = make_volunteer(last_name="AwayNow", services=[service])
    Absence.objects.create(
        volunteer=away_now, start_date=TODAY - datetime.timedelta(days=2), end_date=TODAY
    )
    away_later = make_volunteer(last_name="AwayLater", services=[service])
    Absence.objects.create(
        volunteer=away_later,
        start_date=TODAY + datetime.timedelta(days=5),
        end_date=TODAY + datetime.timedelta(days=9),
    )
    away_much_later = make_volunteer(last_name="AwayInSpring", services=[service])
    Absence.objects.create(
        volunteer=away_much_later,
        start_date=TODAY + datetime.timedelta(days=60),
        end_date=TODAY + datetime.timedelta(days=70),
    )
    suggestions = rank(help_request)
    assert names(suggestions) == ["AwayInSpring", "AwayLater"]
    assert suggestions[0].score - suggestions[1].score == WEIGHTS["not_away"]
    assert suggestions[1].reasons[3].is_bad


def test_load_cap_is_a_hard_limit_and_free_hands_come_first(
    help_request, make_volunteer, make_mission, service
):
    full = make_volunteer(last_name="Full", load_cap=1, services=[service])
    make_mission(volunteer=full)
    one = make_volunteer(last_name="OneMission", load_cap=3, services=[service])
    make_mission(volunteer=one)
    ended = make_volunteer(last_name="EndedOnly", load_cap=1, services=[service])
    make_mission(volunteer=ended, status=MissionStatus.ENDED)
    suggestions = rank(help_request)
    assert names(suggestions) == ["EndedOnly", "OneMission"]
    assert suggestions[0].score - suggestions[1].score == WEIGHTS["free_hands"]
    assert suggestions[1].active_missions == 1
    assert "1" in str(suggestions[1].reasons[4].text)


def test_continuity_with_a_past_visit(
    help_request, make_volunteer, make_request, make_mission, make_visit, service
):
    make_volunteer(last_name="Stranger", services=[service])
    known = make_volunteer(last_name="Known", services=[service])
    past = make_request(beneficiary=help_request.beneficiary, services=[service])
    mission = make_mission(request=past, volunteer=known, status=MissionStatus.ENDED)
    make_visit(mission=mission, status=VisitStatus.DONE, duration_minutes=60)
    suggestions = rank(help_request)
    assert names(suggestions) == ["Known", "Stranger"]
    assert suggestions[0].score - suggestions[1].score == WEIGHTS["continuity"]
    assert suggestions[0].continuity and not suggestions[1].continuity
    visited = gettext("Has already visited this person")
    assert [str(r.text) for r in suggestions[0].reasons].count(visited) == 1
    assert visited not in [str(r.text) for r in suggestions[1].reasons]


def test_planned_visit_is_not_continuity(
    help_request, make_volunteer, make_request, make_mission, make_visit, service
):
    volunteer = make_volunteer(last_name="Planned", services=[service])
    past = make_request(beneficiary=help_request.beneficiary, services=[service])
    make_visit(mission=make_mission(request=past, volunteer=volunteer, status="ended"))
    assert rank(help_request)[0].continuity is False


def test_fairness_at_equal_fit_least_recently_solicited_first(
    help_request, make_volunteer, service
):
    now = timezone.now()
    make_volunteer(last_name="Recent", services=[service], last_solicited_at=now)
    make_volunteer(
        last_name="LongAgo", services=[service], last_solicited_at=now - datetime.timedelta(60)
    )
    make_volunteer(last_name="Never", services=[service])
    suggestions = rank(help_request)
    assert names(suggestions) == ["Never", "LongAgo", "Recent"]
    assert len({s.score for s in suggestions}) == 1


def test_already_solicited_volunteers_are_left_out(help_request, make_volunteer, service):
    asked = make_volunteer(last_name="Asked", services=[service])
    make_volunteer(last_name="NotAsked", services=[service])
    Solicitation.objects.create(request=help_request, volunteer=asked)
    assert names(rank(help_request)) == ["NotAsked"]


def test_full_ordering_and_limit(
    help_request, make_volunteer, service, home_area, near_area, far_area
):
    best = make_volunteer(last_name="Best", area=home_area, services=[service])
    AvailabilitySlot.objects.create(
        volunteer=best, weekday=Weekday.TUESDAY, period=DayPeriod.AFTERNOON
    )
    make_volunteer(last_name="Second", area=home_area, services=[service])
    make_volunteer(last_name="Third", area=near_area, mobility_radius_km=5, services=[service])
    make_volunteer(last_name="Fourth", area=far_area, services=[service])
    make_volunteer(last_name="Last", area=far_area)
    suggestions = rank(help_request)
    assert names(suggestions) == ["Best", "Second", "Third", "Fourth", "Last"]
    assert [s.rank for s in suggestions] == [1, 2, 3, 4, 5]
    assert names(rank(help_request, limit=2)) == ["Best", "Second"]
    maximum = sum(WEIGHTS.values()) - WEIGHTS["within_reach"] - WEIGHTS["continuity"]
    assert suggestions[0].score == maximum


def test_request_without_services_slots_or_area_is_neutral(
    make_request, make_beneficiary, make_volunteer
):
    request = make_request(beneficiary=make_beneficiary())
    make_volunteer(last_name="Anyone")
    (only,) = suggest_volunteers(request, today=TODAY)
    assert only.distance_km is None
    assert [r.kind for r in only.reasons[:3]] == ["info", "info", "info"]


def test_ranking_is_one_query_and_details_a_constant_few(
    help_request, make_volunteer, service, django_assert_num_queries
):
    for _ in range(12):
        make_volunteer(services=[service])
    criteria = Criteria.for_request(help_request, today=TODAY)
    with django_assert_num_queries(1):
        top = list(ranking_queryset(criteria)[:5])
    assert len(top) == 5
    help_request.refresh_from_db()
    # request criteria (areas, services, slots), ranking, then 3 detail queries (the shown
    # volunteers with their load, absence and continuity; their services; their free times)
    with django_assert_num_queries(7):
        assert len(rank(help_request, limit=10)) == 10
    for _ in range(10):
        make_volunteer(services=[service])
    help_request.refresh_from_db()
    with django_assert_num_queries(7):
        assert len(rank(help_request, limit=20)) == 20


def test_cap_counts_every_mission_in_progress_and_only_those(
    help_request, make_volunteer, make_mission, service
):
    at_cap = make_volunteer(last_name="AtCap", load_cap=2, services=[service])
    make_mission(volunteer=at_cap)
    make_mission(volunteer=at_cap)
    room = make_volunteer(last_name="Room", load_cap=3, services=[service])
    make_mission(volunteer=room)
    make_mission(volunteer=room)
    for _ in range(3):
        make_mission(volunteer=room, status=MissionStatus.ENDED)
    (only,) = rank(help_request)
    assert only.volunteer == room and only.active_missions == 2


def test_reach_is_the_smallest_whole_radius_covering_the_distance(
    help_request, make_volunteer, service, home_area, territory
):
    # About 3.34 km north of the person's area: 3 km is short, 4 km reaches it.
    north = Area.objects.create(
        territory=territory,
        name="Le Plateau",
        latitude=home_area.latitude + Decimal("0.03000"),
        longitude=home_area.longitude,
    )
    unplaced = Area.objects.create(territory=territory, name="Sans coordonnées")
    make_volunteer(last_name="Three", area=north, mobility_radius_km=3, services=[service])
    make_volunteer(last_name="Four", area=north, mobility_radius_km=4, services=[service])
    make_volunteer(last_name="Nowhere", area=unplaced, mobility_radius_km=50, services=[service])
    criteria = Criteria.for_request(help_request, today=TODAY)
    assert criteria.reach == ((4, (north.pk,)),)
    suggestions = rank(help_request)
    assert names(suggestions)[0] == "Four"
    reach = {s.volunteer.last_name: s.within_reach for s in suggestions}
    assert reach == {"Four": True, "Three": False, "Nowhere": False}
    # The score the database sorted on is the one the reasons explain.
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
    assert 3.2 <= suggestions[0].distance_km <= 3.5


def test_an_area_with_half_its_coordinates_is_simply_not_near(
    help_request, make_volunteer, service, territory
):
    half = Area.objects.create(territory=territory, name="Les Prés", latitude=Decimal("49.5"))
    make_volunteer(last_name="Prés", services=[service], area=half, mobility_radius_km=50)
    make_volunteer(last_name="Ailleurs", services=[service])
    assert sorted(names(rank(help_request))) == ["Ailleurs", "Prés"]

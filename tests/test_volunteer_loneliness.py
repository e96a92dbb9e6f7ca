"""A volunteer asks the 3-item loneliness scale of a person they visit; coordinators pick the
person with a chooser scoped to their territories."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import audit_log
from wagtail_bippop.models import (
    AssessmentMoment,
    Beneficiary,
    HelpRequest,
    IntakeChannel,
    LonelinessAssessment,
    MissionStatus,
)

from .test_notifications_fixtures import *  # noqa: F403
from .test_notifications_fixtures import route

ANSWERS = {"lacks_companionship": "3", "feels_left_out": "2", "feels_isolated": "3"}


@pytest.fixture
def visit(make_mission, make_visit, volunteer, make_beneficiary):
    jeanne = make_beneficiary(first_name="Jeanne")
    request = HelpRequest.objects.create(
        territory=volunteer.territory, beneficiary=jeanne, channel=IntakeChannel.PHONE
    )
    mission = make_mission(request=request, volunteer=volunteer)
    starts_at = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)
    return make_visit(mission=mission, starts_at=starts_at)


def test_the_form_has_the_items_in_french_as_accessible_radio_groups(
    signed_in, space_page, visit, settings
):
    settings.LANGUAGE_CODE = "fr"
    person = visit.mission.request.beneficiary
    page = signed_in.get(route(space_page, "loneliness", person.pk), HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<fieldset") == 4 and html.count("<legend>") == 4
    assert "Vous arrive-t-il de sentir que vous manquez de compagnie ?" in html
    assert html.count('type="radio"') == 3 * 3 + 4


def test_a_due_measure_is_offered_on_the_visit_and_recorded(
    signed_in, space_page, visit, volunteer
):
    person = visit.mission.request.beneficiary
    measure_url = route(space_page, "loneliness", person.pk)
    assert measure_url in signed_in.get(route(space_page, "visit", visit.pk)).content.decode()
    response = signed_in.post(measure_url, {**ANSWERS, "satisfaction": "4"})
    assert response.status_code == 302
    saved = LonelinessAssessment.objects.get()
    assert (saved.beneficiary, saved.score, saved.satisfaction) == (person, 8, 4)
    assert (saved.volunteer, saved.taken_by_id, saved.moment) == (
        volunteer,
        volunteer.user_id,
        AssessmentMoment.INTAKE,
    )
    assert audit_log().filter(action="wagtail_bippop.loneliness_measure").count() == 1
    # Measured today: no longer due, so the visit page stops offering it.
    assert measure_url not in signed_in.get(route(space_page, "visit", visit.pk)).content.decode()
    signed_in.post(measure_url, ANSWERS)
    later = LonelinessAssessment.objects.order_by("-pk").first()
    assert (later.moment, later.satisfaction) == (AssessmentMoment.FOLLOW_UP, None)


def test_due_again_after_the_set_number_of_months(signed_in, space_page, visit, settings):
    settings.BIPPOP_LONELINESS_EVERY_MONTHS = 3
    person = visit.mission.request.beneficiary
    LonelinessAssessment.objects.create(
        beneficiary=person,
        taken_on=timezone.localdate() - datetime.timedelta(days=100),
        lacks_companionship=1,
        feels_left_out=1,
        feels_isolated=1,
    )
    measure_url = route(space_page, "loneliness", person.pk)
    assert measure_url in signed_in.get(route(space_page, "visit", visit.pk)).content.decode()


def test_missing_answers_are_refused_and_kept(signed_in, space_page, visit):
    person = visit.mission.request.beneficiary
    url = route(space_page, "loneliness", person.pk)
    response = signed_in.post(url, {"lacks_companionship": "3", "feels_left_out": "9"})
    assert response.status_code == 400
    assert not LonelinessAssessment.objects.exists()
    html = response.content.decode()
    kept = re.search(r'name="lacks_companionship" value="3"[^>]*checked', html)
    assert kept and html.count("checked") == 1
    # feels_isolated was not answered (the page may be in English or in French)
    assert "Choose one answer." in html or "Choisissez une réponse." in html


def test_only_for_a_person_of_an_active_mission(
    signed_in, space_page, visit, make_beneficiary, other_territory
):
    stranger = make_beneficiary(first_name="Inconnue")
    assert signed_in.get(route(space_page, "loneliness", stranger.pk)).status_code == 404
    assert signed_in.post(route(space_page, "loneliness", stranger.pk), ANSWERS).status_code == 404
    mission = visit.mission
    mission.status = MissionStatus.ENDED
    mission.save()
    person = mission.request.beneficiary
    assert signed_in.post(route(space_page, "loneliness", person.pk), ANSWERS).status_code == 404
    assert not LonelinessAssessment.objects.exists()


def test_coordinator_picks_the_person_with_a_scoped_chooser(
    client, coordinator, make_beneficiary, other_territory
):
    mine = make_beneficiary(first_name="Maryse", last_name="Proche")
    stranger = Beneficiary.objects.create(
        territory=other_territory, first_name="Zoé", last_name="Lointaine"
    )
    client.force_login(coordinator)
    add = client.get(reverse("bippop_loneliness:add"))
    html = add.content.decode()
    assert reverse("bippop_beneficiary_chooser:choose") in html
    assert "Lointaine" not in html and "Proche" not in html  # no drop-down of every person
    chooser = client.get(reverse("bippop_beneficiary_chooser:choose"))
    listed = chooser.content.decode()
    assert "Proche" in listed and "Lointaine" not in listed
    data = {
        "taken_on": "2026-03-01",
        "moment": "intake",
        **ANSWERS,
        "satisfaction": "",
    }
    url = reverse("bippop_loneliness:add")
    assert client.post(url, {**data, "beneficiary": stranger.pk}).status_code == 200
    assert client.post(url, {**data, "beneficiary": mine.pk}).status_code == 302
    assert LonelinessAssessment.objects.get().beneficiary == mine

"""The coordinator's admin as a social worker lives in it: search, queue, words, messages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from wagtail_bippop.roles import COORDINATOR_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_staff, territory):
    return make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)


# --- 8. Full-name search ------------------------------------------------------------------


@pytest.fixture
def germaine(make_visit, make_beneficiary, make_request, make_volunteer):
    person = make_beneficiary(first_name="Germaine", last_name="Roux")
    volunteer = make_volunteer(first_name="Hélène", last_name="Lefèvre-Dubois")
    request = make_request(beneficiary=person)
    from wagtail_bippop.models import Mission

    mission = Mission.objects.create(request=request, volunteer=volunteer)
    visit = make_visit(mission=mission, starts_at=timezone.now() + datetime.timedelta(days=1))
    # Someone else, who must not come up.
    other = make_beneficiary(first_name="Marcel", last_name="Germain")
    make_request(beneficiary=other)
    return {
        "bippop_requests": request,
        "bippop_beneficiaries": person,
        "bippop_volunteers": volunteer,
        "bippop_missions": mission,
        "bippop_visits": visit,
    }


PERSON_QUERIES = ["Germaine Roux", "roux germaine", "GERMAINE  roux", "Germaine"]
VOLUNTEER_QUERIES = ["Hélène Lefèvre-Dubois", "helene lefevre dubois", "Dubois Hélène"]


@pytest.mark.parametrize(
    "namespace",
    ["bippop_requests", "bippop_beneficiaries", "bippop_missions", "bippop_visits"],
)
@pytest.mark.parametrize("query", PERSON_QUERIES)
def test_full_name_search_finds_the_person_in_every_listing(
    client, coordinator, germaine, namespace, query
):
    client.force_login(coordinator)
    response = client.get(reverse(f"{namespace}:index"), {"q": query})
    assert response.status_code == 200
    assert [obj.pk for obj in response.context["object_list"]] == [germaine[namespace].pk]


@pytest.mark.parametrize("namespace", ["bippop_volunteers", "bippop_missions", "bippop_visits"])
@pytest.mark.parametrize("query", VOLUNTEER_QUERIES)
def test_full_name_search_finds_the_volunteer(client, coordinator, germaine, namespace, query):
    client.force_login(coordinator)
    response = client.get(reverse(f"{namespace}:index"), {"q": query})
    assert [obj.pk for obj in response.context["object_list"]] == [germaine[namespace].pk]


def test_search_by_reference_and_phone_still_works(client, coordinator, germaine):
    client.force_login(coordinator)
    request = germaine["bippop_requests"]
    response = client.get(reverse("bippop_requests:index"), {"q": request.reference})
    assert [obj.pk for obj in response.context["object_list"]] == [request.pk]
    person = germaine["bippop_beneficiaries"]
    national = "0" + person.phone.removeprefix("+33")
    response = client.get(reverse("bippop_beneficiaries:index"), {"q": national})
    assert [obj.pk for obj in response.context["object_list"]] == [person.pk]


def test_intake_search_finds_a_full_name(client, coordinator, germaine):
    client.force_login(coordinator)
    response = client.get(reverse("bippop_intake:index"), {"q": "Germaine Roux"})
    assert [p.pk for p in response.context["found"]] == [germaine["bippop_beneficiaries"].pk]


def test_search_stays_in_the_coordinators_territories(
    client, coordinator, germaine, other_territory
):
    from wagtail_bippop.models import Beneficiary

    elsewhere = Beneficiary(territory=other_territory, first_name="Germaine", last_name="Roux")
    elsewhere.save()
    client.force_login(coordinator)
    response = client.get(reverse("bippop_beneficiaries:index"), {"q": "Germaine Roux"})
    assert [obj.pk for obj in response.context["object_list"]] == [
        germaine["bippop_beneficiaries"].pk
    ]

"""Every page of the Solidarité menu opens for a coordinator, with their own records."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from wagtail_bippop.models import Organisation, TrainingSession
from wagtail_bippop.roles import COORDINATOR_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_staff, territory):
    return make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)


@pytest.fixture
def records(territory, area, service, make_visit, make_beneficiary):
    visit = make_visit(starts_at=timezone.now() + datetime.timedelta(days=2))
    mission = visit.mission
    return {
        "bippop_requests": mission.request,
        "bippop_beneficiaries": mission.request.beneficiary,
        "bippop_volunteers": mission.volunteer,
        "bippop_missions": mission,
        "bippop_visits": visit,
        "bippop_organisations": Organisation.objects.create(
            territory=territory, name="Club des aînés", kind="club"
        ),
        "bippop_services": service,
        "bippop_areas": area,
        "bippop_territories": territory,
        "bippop_trainings": TrainingSession.objects.create(
            territory=territory, title="Accueil", date=datetime.date(2026, 3, 2)
        ),
    }


NAMESPACES = [
    "bippop_requests",
    "bippop_beneficiaries",
    "bippop_volunteers",
    "bippop_missions",
    "bippop_visits",
    "bippop_organisations",
    "bippop_services",
    "bippop_areas",
    "bippop_territories",
    "bippop_trainings",
]


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_index_inspect_and_edit_open(client, coordinator, records, namespace):
    client.force_login(coordinator)
    record = records[namespace]
    index = client.get(reverse(f"{namespace}:index"))
    assert index.status_code == 200
    assert record in list(index.context["object_list"])
    for view in ("inspect", "edit", "history"):
        response = client.get(reverse(f"{namespace}:{view}", args=[record.pk]))
        assert response.status_code == 200, view


@pytest.mark.parametrize("namespace", [n for n in NAMESPACES if n != "bippop_territories"])
def test_add_form_opens(client, coordinator, namespace):
    client.force_login(coordinator)
    assert client.get(reverse(f"{namespace}:add")).status_code == 200


def test_request_page_offers_matching_and_timeline(client, coordinator, records):
    client.force_login(coordinator)
    request = records["bippop_requests"]
    request.status = "searching"
    request.save()
    page = client.get(reverse("bippop_requests:inspect", args=[request.pk])).content.decode()
    suggestions = reverse("wagtail_bippop_matching:suggestions", kwargs={"request_id": request.pk})
    assert suggestions in page
    timeline = reverse("wagtail_bippop_coordinator:timeline", args=[request.beneficiary_id])
    assert timeline in page


def test_planned_visit_offers_its_report(client, coordinator, records):
    client.force_login(coordinator)
    visit = records["bippop_visits"]
    page = client.get(reverse("bippop_visits:inspect", args=[visit.pk])).content.decode()
    assert reverse("wagtail_bippop_coordinator:visit_report", args=[visit.pk]) in page


def test_mission_list_shows_next_visit(client, coordinator, records):
    client.force_login(coordinator)
    response = client.get(reverse("bippop_missions:index"))
    (mission,) = response.context["object_list"]
    assert mission.next_visit == records["bippop_visits"].starts_at


def test_solidarity_menu_lists_the_section(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    for namespace in ("bippop_intake", "bippop_requests", "bippop_volunteers"):
        assert reverse(f"{namespace}:index") in page


def test_person_chooser_searches_by_name_and_phone(client, coordinator, make_beneficiary):
    mine = make_beneficiary(first_name="Éliane", last_name="Lefèvre", phone="0611223355")
    make_beneficiary(first_name="Marc", last_name="Autre")
    client.force_login(coordinator)
    url = reverse("bippop_beneficiary_chooser:choose_results")
    for query in ("lefevre", "06 11 22 33 55"):
        response = client.get(url, {"q": query})
        assert [row.pk for row in response.context["results"]] == [mine.pk]


def test_request_list_shows_the_next_visit(client, coordinator, records):
    client.force_login(coordinator)
    response = client.get(reverse("bippop_requests:index"))
    (request,) = response.context["object_list"]
    assert request.next_visit == records["bippop_visits"].starts_at
    assert str(records["bippop_beneficiaries"]) in response.content.decode()


def test_mission_created_by_hand_gets_its_weekly_visits_planned(
    client, coordinator, make_request, make_volunteer
):
    request = make_request()
    volunteer = make_volunteer()
    client.force_login(coordinator)
    response = client.post(
        reverse("bippop_missions:add"),
        {
            "request": request.pk,
            "volunteer": volunteer.pk,
            "recurrence": "weekly",
            "start_date": timezone.localdate().isoformat(),
            "usual_time": "14:00",
            "usual_duration_minutes": "60",
        },
    )
    assert response.status_code == 302
    mission = request.missions.get()
    days = [
        timezone.localdate(start) for start in mission.visits.values_list("starts_at", flat=True)
    ]
    assert len(days) >= 2
    assert all((b - a).days == 7 for a, b in zip(days, days[1:], strict=False))


def test_plan_button_adds_missing_visits(client, coordinator, make_mission):
    mission = make_mission(recurrence="weekly", start_date=timezone.localdate())
    assert not mission.visits.exists()
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:end_mission", args=[mission.pk])
    client.post(url, {"plan": "1"})
    assert mission.visits.count() >= 2


@pytest.mark.parametrize(
    "namespace", ["bippop_requests", "bippop_beneficiaries", "bippop_volunteers", "bippop_missions"]
)
def test_list_query_count_does_not_grow_with_data(
    client, coordinator, make_visit, service, namespace, django_assert_max_num_queries
):
    def add_rows(count):
        for _ in range(count):
            visit = make_visit(status="done", duration_minutes=30)
            visit.mission.request.services.add(service)

    add_rows(2)
    client.force_login(coordinator)
    url = reverse(f"{namespace}:index")
    client.get(url)  # warm the per-process caches
    with django_assert_max_num_queries(100) as few:
        client.get(url)
    add_rows(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_person_added_through_the_form_records_who_created_it(client, coordinator, territory):
    client.force_login(coordinator)
    response = client.post(
        reverse("bippop_beneficiaries:add"),
        {
            "territory": territory.pk,
            "first_name": "Lucienne",
            "last_name": "Petit",
            "phone": "06 10 20 30 40",
            "preferred_channel": "phone",
            "fallback_channel": "letter",
            "status": "active",
            "lives_alone": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    person = territory.beneficiaries.get(last_name="Petit")
    assert person.created_by == coordinator and person.phone == "+33610203040"

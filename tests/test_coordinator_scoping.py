"""A coordinator sees, searches, chooses and exports only the people of their territories."""

import pytest
from django.urls import reverse

from wagtail_bippop.coordinator.scoping import scope_queryset
from wagtail_bippop.models import Beneficiary, Volunteer
from wagtail_bippop.roles import COORDINATOR_GROUP, READ_ONLY_GROUP

pytestmark = pytest.mark.django_db

OBJECT_VIEWS = ["inspect", "edit", "delete", "history", "usage"]


@pytest.fixture
def coordinator(make_staff, territory):
    return make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)


@pytest.fixture
def people(make_beneficiary, make_volunteer, make_mission, make_request, other_territory):
    mine = make_beneficiary(first_name="Odette", last_name="Ici")
    theirs = make_beneficiary(
        first_name="Huguette", last_name="Ailleurs", territory=other_territory
    )
    my_volunteer = make_volunteer(first_name="Paul", last_name="Dici")
    their_volunteer = make_volunteer(
        first_name="Pierre", last_name="Dela", territory=other_territory
    )
    their_request = make_request(beneficiary=theirs, territory=other_territory)
    their_mission = make_mission(request=their_request, volunteer=their_volunteer)
    return {
        "mine": mine,
        "theirs": theirs,
        "my_volunteer": my_volunteer,
        "their_volunteer": their_volunteer,
        "their_request": their_request,
        "their_mission": their_mission,
    }


def _namespaces():
    return {
        "theirs": "bippop_beneficiaries",
        "their_volunteer": "bippop_volunteers",
        "their_request": "bippop_requests",
        "their_mission": "bippop_missions",
    }


@pytest.mark.parametrize("key", list(_namespaces()))
@pytest.mark.parametrize("view", OBJECT_VIEWS)
def test_another_territorys_record_is_404_on_every_object_view(
    client, coordinator, people, key, view
):
    client.force_login(coordinator)
    url = reverse(f"{_namespaces()[key]}:{view}", args=[people[key].pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("view", OBJECT_VIEWS)
def test_own_territorys_person_is_reachable(client, coordinator, people, view):
    client.force_login(coordinator)
    url = reverse(f"bippop_beneficiaries:{view}", args=[people["mine"].pk])
    assert client.get(url).status_code == 200


def test_editing_another_territorys_person_by_post_changes_nothing(client, coordinator, people):
    client.force_login(coordinator)
    theirs = people["theirs"]
    url = reverse("bippop_beneficiaries:edit", args=[theirs.pk])
    response = client.post(url, {"first_name": "Pirate", "last_name": "X"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.first_name == "Huguette"


def test_listing_and_search_show_only_own_people(client, coordinator, people):
    client.force_login(coordinator)
    listing = client.get(reverse("bippop_beneficiaries:index")).content.decode()
    assert "Odette" in listing and "Huguette" not in listing
    search = client.get(reverse("bippop_beneficiaries:index"), {"q": "Huguette"})
    assert list(search.context["object_list"]) == []
    found = client.get(reverse("bippop_beneficiaries:index"), {"q": "Odette"})
    assert list(found.context["object_list"]) == [people["mine"]]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_export_contains_only_own_people(client, coordinator, people, export):
    client.force_login(coordinator)
    response = client.get(reverse("bippop_beneficiaries:index"), {"export": export})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if export == "csv":
        text = body.decode("utf-8")
        assert "Ici" in text and "Ailleurs" not in text
    else:
        import io

        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        values = {cell.value for row in sheet.iter_rows() for cell in row}
        assert "Ici" in values and "Ailleurs" not in values


def test_volunteer_export_lists_services_by_name(client, coordinator, make_volunteer, service):
    volunteer = make_volunteer(last_name="Servi")
    volunteer.services.set([service])
    volunteer.save()  # parental relations are written on save
    client.force_login(coordinator)
    response = client.get(reverse("bippop_volunteers:index"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode()
    assert service.name in text


def test_chooser_lists_and_chooses_only_own_people(client, coordinator, people):
    client.force_login(coordinator)
    listing = client.get(reverse("bippop_beneficiary_chooser:choose")).content.decode()
    assert "Odette" in listing and "Huguette" not in listing
    chosen = reverse("bippop_beneficiary_chooser:chosen", args=[people["theirs"].pk])
    assert client.get(chosen).status_code == 404
    chosen = reverse("bippop_beneficiary_chooser:chosen", args=[people["mine"].pk])
    assert client.get(chosen).status_code == 200


def test_form_choices_are_limited_to_own_territory(client, coordinator, people, other_territory):
    client.force_login(coordinator)
    response = client.get(reverse("bippop_volunteers:add"))
    form = response.context["form"]
    assert list(form.fields["territory"].queryset) == [people["mine"].territory]
    assert form.initial["territory"] == people["mine"].territory_id


def test_creating_in_another_territory_is_refused(client, coordinator, other_territory):
    client.force_login(coordinator)
    response = client.post(
        reverse("bippop_areas:add"), {"territory": other_territory.pk, "name": "Intrus"}
    )
    assert response.status_code == 200  # the form is shown again with an error
    assert not other_territory.areas.filter(name="Intrus").exists()


def test_read_only_role_sees_no_person(client, make_staff, territory, people):
    elected = make_staff("elu", territories=[territory], group=READ_ONLY_GROUP)
    client.force_login(elected)
    assert client.get(reverse("bippop_beneficiaries:index")).status_code in (302, 403)
    url = reverse("bippop_beneficiaries:inspect", args=[people["mine"].pk])
    assert client.get(url).status_code in (302, 403, 404)
    refused = client.get(reverse("bippop_intake:index"))
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    assert not scope_queryset(Beneficiary.objects.all(), elected).exists()


def test_superuser_sees_every_territory(superuser, people):
    assert scope_queryset(Volunteer.objects.all(), superuser).count() == 2


def test_request_list_puts_oldest_open_request_first(client, coordinator, make_request):
    import datetime

    from django.utils import timezone

    now = timezone.now()
    closed_old = make_request(created_at=now - datetime.timedelta(days=30), status="closed")
    recent = make_request(created_at=now - datetime.timedelta(days=1))
    oldest_open = make_request(created_at=now - datetime.timedelta(days=10))
    client.force_login(coordinator)
    response = client.get(reverse("bippop_requests:index"))
    listed = [row.pk for row in response.context["object_list"]]
    assert listed == [oldest_open.pk, recent.pk, closed_old.pk]


def test_request_list_query_count_does_not_grow(
    client, coordinator, make_request, service, django_assert_max_num_queries
):
    for _ in range(3):
        make_request(services=[service])
    client.force_login(coordinator)
    client.get(reverse("bippop_requests:index"))  # warm caches (site, permissions)
    with django_assert_max_num_queries(60) as small:
        client.get(reverse("bippop_requests:index"))
    for _ in range(15):
        make_request(services=[service])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("bippop_requests:index"))


def test_filter_choices_list_only_own_territorys_areas(client, coordinator, area, other_territory):
    from wagtail_bippop.models import Area

    foreign = Area.objects.create(territory=other_territory, name="Quartier voisin")
    client.force_login(coordinator)
    response = client.get(reverse("bippop_volunteers:index"))
    choices = list(response.context["filters"].form.fields["area"].queryset)
    assert area in choices and foreign not in choices

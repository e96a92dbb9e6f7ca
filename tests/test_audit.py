"""The audit trail: every log listing shows a user only the territories they work for."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry, PageLogEntry

from tests.conftest import audit_log
from wagtail_bippop.coordinator.log_actions import ACTIONS
from wagtail_bippop.models import (
    Beneficiary,
    BippopLogEntry,
    ContactLog,
    HelpRequest,
    SolidarityIndexPage,
    SolidaritySettings,
    Visit,
)
from wagtail_bippop.models.audit import territory_id_for
from wagtail_bippop.roles import COORDINATOR_GROUP, READ_ONLY_GROUP

pytestmark = pytest.mark.django_db

SITE_HISTORY = "wagtailadmin_reports:site_history"


@pytest.fixture
def coordinator(make_staff, territory):
    return make_staff("claire", territories=[territory], group=COORDINATOR_GROUP)


@pytest.fixture
def elected(make_staff, territory):
    return make_staff("maire", territories=[territory], group=READ_ONLY_GROUP)


@pytest.fixture
def logged(make_beneficiary, make_volunteer, make_mission, make_request, other_territory):
    """Actions on people of both territories, as the coordinator section logs them."""
    ours = make_beneficiary(first_name="Odette", last_name="Dufresne")
    theirs = make_beneficiary(
        first_name="Huguette", last_name="Lavallée", territory=other_territory
    )
    their_volunteer = make_volunteer(
        first_name="Pierre", last_name="Montagnac", territory=other_territory
    )
    their_mission = make_mission(
        request=make_request(beneficiary=theirs, territory=other_territory),
        volunteer=their_volunteer,
    )
    log(ours, "wagtail_bippop.contact.log")
    log(theirs, "wagtail_bippop.contact.log")
    log(their_volunteer, "wagtail_bippop.vetting.suspend")
    log(their_mission, "wagtail_bippop.mission_created")
    return {"ours": ours, "theirs": theirs, "their_volunteer": their_volunteer}


def test_the_network_s_models_log_to_the_territory_log():
    assert log_registry.get_log_model_for_model(Beneficiary) is BippopLogEntry
    assert log_registry.get_log_model_for_model(Visit) is BippopLogEntry
    assert log_registry.get_log_model_for_model(ContactLog) is BippopLogEntry
    # Pages keep Wagtail's page log, settings (no one named in them) the generic one.
    assert log_registry.get_log_model_for_model(SolidarityIndexPage) is PageLogEntry
    assert log_registry.get_log_model_for_model(SolidaritySettings) is ModelLogEntry


def test_each_entry_remembers_the_territory_of_its_record(
    make_visit, territory, other_territory, make_request, make_mission, make_beneficiary
):
    theirs = make_beneficiary(territory=other_territory)
    mission = make_mission(request=make_request(beneficiary=theirs, territory=other_territory))
    visit = make_visit(mission=mission)
    entry = log(visit, "wagtail_bippop.visit.done")
    assert isinstance(entry, BippopLogEntry)
    # Visit → mission → request → territory.
    assert entry.territory_id == other_territory.pk == territory_id_for(visit)
    assert log(territory, "wagtail.edit").territory_id == territory.pk
    assert not ModelLogEntry.objects.filter(action="wagtail_bippop.visit.done").exists()


def test_coordinator_sees_only_their_territory_in_site_history(client, coordinator, logged):
    client.force_login(coordinator)
    response = client.get(reverse(SITE_HISTORY))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Odette Dufresne" in page
    for name in ("Huguette Lavallée", "Pierre Montagnac"):
        assert name not in page
    # The filters offer only what the user may see.
    assert set(
        BippopLogEntry.objects.viewable_by_user(coordinator).values_list("label", flat=True)
    ) == {"Odette Dufresne"}


def test_results_fragment_and_label_search_are_scoped_too(client, coordinator, logged):
    client.force_login(coordinator)
    url = reverse("wagtailadmin_reports:site_history_results")
    page = client.get(url, {"label": "Lavallée"}).content.decode()
    assert "Huguette" not in page
    page = client.get(url, {"label": "Dufresne"}).content.decode()
    assert "Odette Dufresne" in page


def test_elected_read_only_role_sees_no_personal_label(client, elected, logged):
    client.force_login(elected)
    response = client.get(reverse(SITE_HISTORY))
    page = response.content.decode()
    for name in ("Odette", "Huguette", "Pierre", "Dufresne", "Lavallée", "Montagnac"):
        assert name not in page
    assert not BippopLogEntry.objects.viewable_by_user(elected).exists()


def test_staff_without_a_territory_sees_nothing(client, make_staff, logged):
    user = make_staff("stagiaire", group=COORDINATOR_GROUP)
    assert not BippopLogEntry.objects.viewable_by_user(user).exists()


def test_superuser_sees_every_territory(client, superuser, logged):
    client.force_login(superuser)
    page = client.get(reverse(SITE_HISTORY)).content.decode()
    for name in ("Odette Dufresne", "Huguette Lavallée", "Pierre Montagnac"):
        assert name in page


def test_coordinator_of_both_territories_sees_both(
    client, make_staff, territory, other_territory, logged
):
    user = make_staff("regis", territories=[territory, other_territory], group=COORDINATOR_GROUP)
    client.force_login(user)
    page = client.get(reverse(SITE_HISTORY)).content.decode()
    assert "Odette Dufresne" in page and "Huguette Lavallée" in page


def test_record_history_in_the_coordinator_section_still_lists_its_actions(
    client, coordinator, logged
):
    client.force_login(coordinator)
    ours = logged["ours"]
    url = reverse("bippop_beneficiaries:history", args=[ours.pk])
    response = client.get(url)
    assert response.status_code == 200
    with translation.override("fr"):
        message = str(ACTIONS["wagtail_bippop.contact.log"][1])
    assert message in response.content.decode()
    assert list(log_registry.get_logs_for_instance(ours).values_list("action", flat=True)) == [
        "wagtail_bippop.contact.log"
    ]


def test_phone_intake_is_logged_with_the_territory(client, coordinator, territory, service):
    from tests.test_coordinator_workflows import _intake_data

    client.force_login(coordinator)
    response = client.post(reverse("bippop_intake:index"), _intake_data(territory, service))
    assert response.status_code == 302
    entry = audit_log().get(action="wagtail_bippop.intake")
    assert (entry.territory_id, entry.user) == (territory.pk, coordinator)
    assert entry.content_type.model_class() is HelpRequest


def test_site_history_query_count_does_not_grow_with_entries(
    client, coordinator, make_beneficiary, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse(SITE_HISTORY)
    for i in range(3):
        log(make_beneficiary(last_name=f"Personne{i}"), "wagtail_bippop.contact.log")
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for i in range(15):
        log(make_beneficiary(last_name=f"Autre{i}"), "wagtail_bippop.contact.log")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_what_a_coordinator_sees_does_not_depend_on_which_log_is_read_first(coordinator, logged):
    # Wagtail caches the content types a user may see on the user, from the first log model
    # asked; the site history asks its log models in no fixed order.
    assert not ModelLogEntry.objects.viewable_by_user(coordinator).exists()
    assert set(
        BippopLogEntry.objects.viewable_by_user(coordinator).values_list("label", flat=True)
    ) == {"Odette Dufresne"}

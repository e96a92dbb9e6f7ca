"""Phone intake, vetting, visit reports, mission end, timeline and contact visibility."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import audit_log
from wagtail_bippop.coordinator import vetting
from wagtail_bippop.coordinator.log_actions import ACTIONS
from wagtail_bippop.coordinator.timeline import build_timeline
from wagtail_bippop.coordinator.visibility import (
    beneficiaries_with_visible_contact,
    can_volunteer_see_contact,
)
from wagtail_bippop.models import (
    Beneficiary,
    ConsentMethod,
    ContactKind,
    ContactLog,
    HelpRequest,
    MissionStatus,
    TrainingSession,
    VettingStage,
    VisitStatus,
)
from wagtail_bippop.roles import COORDINATOR_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_staff, territory):
    return make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)


def _intake_data(territory, service, **extra):
    data = {
        "territory": territory.pk,
        "first_name": "Jeanne",
        "last_name": "Martin",
        "birth_year": "1938",
        "phone": "06 11 22 33 44",
        "preferred_channel": "phone",
        "services": [service.pk],
        "recurrence": "one_off",
        "channel": "phone",
        "requester_kind": "self",
        "consent": "on",
    }
    data.update(extra)
    return data


# --- Phone intake ------------------------------------------------------------------------


def test_phone_intake_creates_person_request_and_oral_consent(
    client, coordinator, territory, service
):
    client.force_login(coordinator)
    response = client.post(reverse("bippop_intake:index"), _intake_data(territory, service))
    request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("bippop_requests:inspect", args=[request.pk])
    assert request.channel == "phone" and request.created_by == coordinator
    assert list(request.services.all()) == [service]
    person = request.beneficiary
    assert person.phone == "+33611223344" and person.birth_year == 1938
    consent = person.consents.get()
    assert consent.method == ConsentMethod.ORAL and consent.recorded_by == coordinator
    assert consent.recorded_at is not None
    assert audit_log().filter(action="wagtail_bippop.intake", user=coordinator).exists()


def test_intake_without_consent_records_nothing(client, coordinator, territory, service):
    client.force_login(coordinator)
    data = _intake_data(territory, service)
    del data["consent"]
    response = client.post(reverse("bippop_intake:index"), data)
    assert response.status_code == 200 and "consent" in response.context["form"].errors
    assert not Beneficiary.objects.exists()


@pytest.mark.parametrize(
    "known",
    [
        {"first_name": "Paulette", "last_name": "Durand", "phone": "0611223344"},
        {
            "first_name": "Jeanne",
            "last_name": "MARTIN",
            "birth_year": 1938,
            "phone": "",
            "preferred_channel": "letter",
        },
    ],
    ids=["same phone", "same name and birth year"],
)
def test_duplicate_is_shown_before_anything_is_created(
    client, coordinator, territory, service, make_beneficiary, known
):
    existing = make_beneficiary(**known)
    client.force_login(coordinator)
    response = client.post(reverse("bippop_intake:index"), _intake_data(territory, service))
    assert response.status_code == 200
    assert list(response.context["duplicates"]) == [existing]
    assert Beneficiary.objects.count() == 1 and not HelpRequest.objects.exists()
    assert b'value="create_anyway"' in response.content

    # "Use this person": the request goes to the existing person.
    data = _intake_data(territory, service, beneficiary=existing.pk)
    client.post(reverse("bippop_intake:index"), data)
    assert HelpRequest.objects.get().beneficiary == existing
    assert Beneficiary.objects.count() == 1


def test_create_anyway_creates_a_second_person(
    client, coordinator, territory, service, make_beneficiary
):
    make_beneficiary(first_name="Paulette", last_name="Durand", phone="0611223344")
    client.force_login(coordinator)
    data = _intake_data(territory, service, decision="create_anyway")
    client.post(reverse("bippop_intake:index"), data)
    assert Beneficiary.objects.count() == 2
    assert HelpRequest.objects.get().beneficiary.first_name == "Jeanne"


def test_intake_search_finds_by_name_or_phone_in_own_territory_only(
    client, coordinator, make_beneficiary, other_territory
):
    mine = make_beneficiary(first_name="Éliane", last_name="Lefèvre", phone="0611223355")
    make_beneficiary(first_name="Éliane", last_name="Lefèvre", territory=other_territory)
    client.force_login(coordinator)
    by_name = client.get(reverse("bippop_intake:index"), {"q": "lefevre"})
    assert list(by_name.context["found"]) == [mine]
    by_phone = client.get(reverse("bippop_intake:index"), {"q": "06 11 22 33 55"})
    assert list(by_phone.context["found"]) == [mine]


def test_using_another_territorys_person_in_intake_is_refused(
    client, coordinator, territory, service, make_beneficiary, other_territory
):
    theirs = make_beneficiary(territory=other_territory)
    client.force_login(coordinator)
    data = _intake_data(territory, service, beneficiary=theirs.pk)
    response = client.post(reverse("bippop_intake:index"), data)
    assert response.status_code == 200 and not HelpRequest.objects.exists()


# --- Vetting -----------------------------------------------------------------------------


def test_vetting_pipeline_from_sign_up_to_co_optation(coordinator, make_volunteer, territory):
    volunteer = make_volunteer(stage=VettingStage.TO_VET)
    session = TrainingSession.objects.create(
        territory=territory, title="Accueil", date=datetime.date(2026, 3, 2)
    )
    steps = [
        ("interview", {"interviewed_at": datetime.date(2026, 2, 1)}, VettingStage.INTERVIEWED),
        ("charter", {"confirm": True}, VettingStage.CHARTER_SIGNED),
        (
            "honourability",
            {"checked_on": datetime.date(2026, 2, 10), "compatible": True},
            VettingStage.CHECKED,
        ),
        ("training", {"session": session}, VettingStage.TRAINED),
        ("activate", {}, VettingStage.ACTIVE),
    ]
    for name, data, stage in steps:
        volunteer = vetting.apply_action(volunteer, name, data, user=coordinator)
        assert volunteer.stage == stage
    assert volunteer.honourability_checked_by == coordinator
    assert volunteer.trainings.get().session == session
    assert volunteer.trained_at == session.date
    logged = set(audit_log().filter(object_id=str(volunteer.pk)).values_list("action", flat=True))
    assert {f"wagtail_bippop.vetting.{name}" for name, _, _ in steps} <= logged


def test_a_step_cannot_be_skipped(coordinator, make_volunteer):
    volunteer = make_volunteer(stage=VettingStage.TO_VET)
    with pytest.raises(ValidationError):
        vetting.apply_action(volunteer, "activate", {}, user=coordinator)
    volunteer.refresh_from_db()
    assert volunteer.stage == VettingStage.TO_VET


def test_incompatible_check_ends_the_vetting(coordinator, make_volunteer):
    volunteer = make_volunteer(stage=VettingStage.CHARTER_SIGNED)
    data = {"checked_on": datetime.date(2026, 2, 10), "compatible": False}
    volunteer = vetting.apply_action(volunteer, "honourability", data, user=coordinator)
    assert volunteer.stage == VettingStage.LEFT and volunteer.honourability_compatible is False
    assert volunteer.left_reason


def test_suspend_then_reinstate_and_leave(coordinator, make_volunteer):
    volunteer = make_volunteer(activated_at=timezone.now())
    volunteer = vetting.apply_action(volunteer, "suspend", {"reason": "Absent"}, user=coordinator)
    assert volunteer.stage == VettingStage.SUSPENDED
    volunteer = vetting.apply_action(volunteer, "reinstate", {}, user=coordinator)
    assert volunteer.stage == VettingStage.ACTIVE
    volunteer = vetting.apply_action(volunteer, "leave", {"reason": "Moved"}, user=coordinator)
    assert volunteer.stage == VettingStage.LEFT and volunteer.left_reason == "Moved"


def test_vetting_needs_the_change_permission(make_staff, territory, make_volunteer):
    nobody = make_staff("nobody", territories=[territory])
    volunteer = make_volunteer(stage=VettingStage.TO_VET)
    with pytest.raises(PermissionDenied):
        vetting.apply_action(volunteer, "charter", {}, user=nobody)


def test_vetting_page_shows_one_button_per_possible_step_and_applies_it(
    client, coordinator, make_volunteer, other_territory
):
    volunteer = make_volunteer(stage=VettingStage.INTERVIEWED)
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:vetting", args=[volunteer.pk])
    page = client.get(url)
    names = [action.name for action, _ in page.context["actions"]]
    assert names == ["charter", "leave"]
    client.post(url, {"action": "charter", "charter-confirm": "on"})
    volunteer.refresh_from_db()
    assert volunteer.stage == VettingStage.CHARTER_SIGNED
    theirs = make_volunteer(territory=other_territory)
    other_url = reverse("wagtail_bippop_coordinator:vetting", args=[theirs.pk])
    assert client.get(other_url).status_code == 404


def test_volunteer_list_filters_by_stage(client, coordinator, make_volunteer):
    make_volunteer(last_name="Actif")
    waiting = make_volunteer(last_name="Attente", stage=VettingStage.TO_VET)
    client.force_login(coordinator)
    response = client.get(reverse("bippop_volunteers:index"), {"stage": "to_vet"})
    assert list(response.context["object_list"]) == [waiting]


# --- Visits and missions -----------------------------------------------------------------


def test_reporting_a_visit_done_with_duration(client, coordinator, make_visit):
    visit = make_visit()
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:visit_report", args=[visit.pk])
    missing = client.post(url, {"status": "done"})
    assert "duration_minutes" in missing.context["form"].errors
    client.post(url, {"status": "done", "duration_minutes": "75", "report": "Bon moment"})
    visit.refresh_from_db()
    assert (visit.status, visit.duration_minutes, visit.reported_by) == (
        VisitStatus.DONE,
        75,
        coordinator,
    )
    assert audit_log().filter(action="wagtail_bippop.visit.done").exists()
    again = client.post(url, {"status": "missed"})
    assert again.status_code == 200
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE


def test_cancelled_visit_keeps_no_duration(client, coordinator, make_visit):
    visit = make_visit()
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:visit_report", args=[visit.pk])
    client.post(url, {"status": "cancelled", "duration_minutes": "30"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED and visit.duration_minutes is None


def test_ending_a_mission_cancels_future_visits(client, coordinator, make_mission, make_visit):
    mission = make_mission()
    future = make_visit(mission=mission, starts_at=timezone.now() + datetime.timedelta(days=3))
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:end_mission", args=[mission.pk])
    client.post(url, {"reason": "Entrée en EHPAD"})
    mission.refresh_from_db()
    future.refresh_from_db()
    assert mission.status == MissionStatus.ENDED and mission.end_reason == "Entrée en EHPAD"
    assert future.status == VisitStatus.CANCELLED


# --- Timeline ----------------------------------------------------------------------------


def test_timeline_says_who_saw_the_person_last(
    client, coordinator, make_mission, make_visit, django_assert_max_num_queries
):
    mission = make_mission()
    person = mission.request.beneficiary
    now = timezone.now()
    make_visit(
        mission=mission,
        starts_at=now - datetime.timedelta(days=9),
        status=VisitStatus.DONE,
        duration_minutes=60,
    )
    make_visit(
        mission=mission,
        starts_at=now - datetime.timedelta(days=2),
        status=VisitStatus.DONE,
        duration_minutes=45,
        report="Elle va bien",
    )
    make_visit(mission=mission, starts_at=now - datetime.timedelta(days=1), status="missed")
    ContactLog.objects.create(beneficiary=person, kind=ContactKind.CALL_OUT, summary="Appel")
    # Requests, missions, visits, calls, worries and messages: a fixed number of queries.
    with django_assert_max_num_queries(7):
        timeline = build_timeline(person)
    assert timeline.last_seen.who == mission.volunteer.full_name
    assert timeline.last_seen.detail == "Elle va bien"
    kinds = [entry.kind for entry in timeline.entries]
    assert kinds[0] == "contact" and "request" in kinds and "mission" in kinds
    assert [e.when for e in timeline.entries] == sorted(
        (e.when for e in timeline.entries), reverse=True
    )

    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:timeline", args=[person.pk])
    assert "Elle va bien" in client.get(url).content.decode()
    client.post(
        url,
        {
            "kind": "call_out",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "reached": "on",
            "summary": "Rappel",
        },
    )
    assert person.contacts.filter(summary="Rappel", author=coordinator).exists()
    assert audit_log().filter(action="wagtail_bippop.contact.log").exists()


def test_timeline_of_another_territorys_person_is_404(
    client, coordinator, make_beneficiary, other_territory
):
    theirs = make_beneficiary(territory=other_territory)
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:timeline", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "note"}).status_code == 404
    assert not theirs.contacts.exists()


# --- Visibility and audit labels ---------------------------------------------------------


def test_volunteer_sees_contact_only_through_an_active_mission(
    make_mission, make_volunteer, make_beneficiary
):
    mission = make_mission()
    person = mission.request.beneficiary
    assert can_volunteer_see_contact(mission.volunteer, person)
    assert list(beneficiaries_with_visible_contact(mission.volunteer)) == [person]
    assert not can_volunteer_see_contact(make_volunteer(), person)
    assert not can_volunteer_see_contact(mission.volunteer, make_beneficiary())
    mission.volunteer.stage = VettingStage.SUSPENDED
    mission.volunteer.save()
    assert not can_volunteer_see_contact(mission.volunteer, person)
    mission.volunteer.stage = VettingStage.ACTIVE
    mission.volunteer.save()
    mission.status = MissionStatus.ENDED
    mission.save()
    assert not can_volunteer_see_contact(mission.volunteer, person)


def test_mission_past_its_last_day_no_longer_shows_contact(make_mission):
    today = timezone.localdate()
    mission = make_mission(
        start_date=today - datetime.timedelta(days=30), end_date=today - datetime.timedelta(days=1)
    )
    assert not can_volunteer_see_contact(mission.volunteer, mission.request.beneficiary)


def test_every_coordinator_action_has_a_readable_label():
    from wagtail.log_actions import registry

    for action, (label, _message) in ACTIONS.items():
        assert registry.action_exists(action)
        assert str(registry.get_formatter(type("E", (), {"action": action})()).label) == str(label)


def test_request_status_moves_only_along_its_lifecycle(client, coordinator, make_request):
    request = make_request()
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:request_status", args=[request.pk])
    targets = [status.value for status in client.get(url).context["targets"]]
    assert targets == ["contacted", "searching", "cancelled"]
    client.post(url, {"status": "contacted"})
    request.refresh_from_db()
    assert request.status == "contacted" and request.first_contact_at is not None
    refused = client.post(url, {"status": "matched"})
    assert refused.status_code == 200
    request.refresh_from_db()
    assert request.status == "contacted"
    client.post(url, {"status": "cancelled", "reason": "Plus besoin"})
    request.refresh_from_db()
    assert (request.status, request.close_reason) == ("cancelled", "Plus besoin")
    assert audit_log().filter(action="wagtail_bippop.request.status").count() == 2

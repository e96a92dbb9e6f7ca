"""Retention, anonymisation and the subject-access export of people's data."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from tests.conftest import audit_log
from wagtail_bippop.models import (
    Beneficiary,
    BeneficiaryStatus,
    ContactKind,
    ContactLog,
    HelpRequest,
    MissionStatus,
    RequestStatus,
    VettingStage,
    VisitStatus,
)
from wagtail_bippop.privacy import (
    anonymise_beneficiary,
    anonymise_volunteer,
    beneficiaries_due,
    subject_access,
    volunteers_due,
)

pytestmark = pytest.mark.django_db

LATER = timezone.now() + datetime.timedelta(days=30 * 26)  # past the 24-month retention


def closed_request(make_request, **fields):
    request = make_request(**fields)
    HelpRequest.objects.filter(pk=request.pk).update(status=RequestStatus.CLOSED)
    return request


def test_only_people_without_recent_activity_are_due(make_beneficiary, make_request, make_mission):
    quiet = make_beneficiary(first_name="Quiet")
    closed_request(make_request, beneficiary=quiet)
    waiting = make_beneficiary(first_name="Waiting")
    make_request(beneficiary=waiting)  # still open
    followed = make_beneficiary(first_name="Followed")
    make_mission(request=closed_request(make_request, beneficiary=followed))
    called = make_beneficiary(first_name="Called")
    closed_request(make_request, beneficiary=called)
    ContactLog.objects.create(
        beneficiary=called,
        kind=ContactKind.CALL_OUT,
        occurred_at=LATER - datetime.timedelta(days=30),
    )
    assert list(beneficiaries_due(now=LATER)) == [quiet]
    # Nobody is due today: every record is recent.
    assert list(beneficiaries_due()) == []


def test_an_ended_mission_and_old_visits_no_longer_keep_a_person(make_mission, make_visit):
    mission = make_mission(status=MissionStatus.ENDED)
    HelpRequest.objects.filter(pk=mission.request_id).update(status=RequestStatus.CLOSED)
    make_visit(mission=mission, status=VisitStatus.DONE, duration_minutes=60)
    person = mission.request.beneficiary
    assert list(beneficiaries_due(now=LATER)) == [person]
    make_visit(mission=mission, starts_at=LATER - datetime.timedelta(days=10))
    assert list(beneficiaries_due(now=LATER)) == []


def test_anonymising_removes_identity_and_free_text_but_keeps_the_figures(make_mission, make_visit):
    mission = make_mission()
    person = mission.request.beneficiary
    person.address = "12 rue des Lilas"
    person.birth_year = 1940
    person.restricted_notes = "diabète"
    person.save()
    HelpRequest.objects.filter(pk=mission.request_id).update(
        description="Mme Martin aimerait…", requester_name="Paul Martin"
    )
    visit = make_visit(mission=mission, status=VisitStatus.DONE, duration_minutes=45)
    visit.report = "Jeanne Martin allait bien"
    visit.save()
    ContactLog.objects.create(
        beneficiary=person, kind=ContactKind.CALL_OUT, summary="Parlé à Jeanne"
    )
    log(person, "wagtail_bippop.contact.log")
    anonymise_beneficiary(person)

    person = Beneficiary.objects.get(pk=person.pk)
    assert person.status == BeneficiaryStatus.ANONYMISED
    assert person.anonymised_at is not None
    assert (person.phone, person.address, person.birth_year, person.restricted_notes) == (
        "",
        "",
        None,
        "",
    )
    assert "Martin" not in person.full_name and "Jeanne" not in person.full_name
    request = HelpRequest.objects.get(pk=mission.request_id)
    assert (request.description, request.requester_name) == ("", "")
    visit.refresh_from_db()
    assert visit.report == "" and visit.duration_minutes == 45  # hours still count
    assert ContactLog.objects.get(beneficiary=person).summary == ""
    labels = list(audit_log().filter(object_id=str(person.pk)).values_list("label", flat=True))
    assert labels and not any("Jeanne Martin" in label for label in labels)
    assert audit_log().filter(action="wagtail_bippop.anonymised").count() == 1
    # An anonymised person is never due again.
    assert person not in beneficiaries_due(now=LATER)


def test_volunteers_who_left_long_ago_are_anonymised_and_signed_out(
    make_volunteer, django_user_model
):
    account = django_user_model.objects.create_user("anne", "anne@example.org")
    gone = make_volunteer(
        stage=VettingStage.LEFT, left_reason="Déménagement", user=account, email="anne@example.org"
    )
    make_volunteer(stage=VettingStage.ACTIVE)
    assert list(volunteers_due(now=LATER)) == [gone]
    anonymise_volunteer(gone)
    gone.refresh_from_db()
    account.refresh_from_db()
    assert gone.email == "" and gone.phone == "" and "Bénévole" not in gone.full_name
    assert not account.is_active and account.email == ""
    assert list(volunteers_due(now=LATER)) == []


def test_subject_access_holds_every_record_of_the_person(make_mission, make_visit):
    mission = make_mission()
    person = mission.request.beneficiary
    make_visit(mission=mission, status=VisitStatus.DONE, duration_minutes=30)
    ContactLog.objects.create(beneficiary=person, kind=ContactKind.CALL_OUT, summary="Bonne humeur")
    data = subject_access(person)
    assert data["person"]["last_name"] == "Martin"
    assert [r["reference"] for r in data["requests"]] == [mission.request.reference]
    assert data["visits"][0]["duration_minutes"] == 30
    assert data["contacts"][0]["summary"] == "Bonne humeur"
    # The volunteer appears by public name only.
    assert data["missions"][0]["volunteer"] == mission.volunteer.public_name
    json.dumps(data)  # plain data, ready to hand over


def test_retention_command_lists_first_then_applies(make_beneficiary, make_request, settings):
    settings.BIPPOP_RETENTION_MONTHS = 0
    person = make_beneficiary()
    closed_request(make_request, beneficiary=person)
    Beneficiary.objects.filter(pk=person.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=1)
    )
    HelpRequest.objects.filter(beneficiary=person).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    out = io.StringIO()
    call_command("bippop_retention", stdout=out)
    assert "1 beneficiaries" in out.getvalue()
    assert Beneficiary.objects.get(pk=person.pk).status == BeneficiaryStatus.ACTIVE
    call_command("bippop_retention", "--apply", stdout=io.StringIO())
    assert Beneficiary.objects.get(pk=person.pk).status == BeneficiaryStatus.ANONYMISED


def test_subject_access_command_writes_json_and_is_logged(make_request, tmp_path):
    request = make_request()
    target = tmp_path / "export.json"
    call_command(
        "bippop_subject_access",
        str(request.beneficiary_id),
        "--output",
        str(target),
        stdout=io.StringIO(),
    )
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["requests"][0]["reference"] == request.reference
    assert audit_log().filter(action="wagtail_bippop.subject_access_exported").count() == 1


def test_coordinator_downloads_the_data_of_their_own_people_only(
    client, coordinator, make_staff, territory, other_territory, make_beneficiary, make_request
):
    from wagtail_bippop.roles import READ_ONLY_GROUP

    mine = make_request().beneficiary
    theirs = make_beneficiary(territory=other_territory)
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:subject_access", args=[mine.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["person"]["last_name"] == mine.last_name
    assert audit_log().filter(action="wagtail_bippop.subject_access_exported").count() == 1
    other = reverse("wagtail_bippop_coordinator:subject_access", args=[theirs.pk])
    assert client.get(other).status_code == 404
    client.force_login(make_staff("elu", territories=[territory], group=READ_ONLY_GROUP))
    # The read-only role reaches no person at all, as everywhere in the section.
    assert client.get(url).status_code == 404


def test_anonymising_from_the_admin_waits_until_nothing_is_in_progress(
    client, coordinator, make_request
):
    request = make_request()
    person = request.beneficiary
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:anonymise", args=[person.pk])
    response = client.post(url)
    assert response.status_code == 200
    assert len(response.context["blockers"]) == 1
    assert Beneficiary.objects.get(pk=person.pk).status == BeneficiaryStatus.ACTIVE
    HelpRequest.objects.filter(pk=request.pk).update(status=RequestStatus.CLOSED)
    response = client.post(url)
    assert response.status_code == 302
    assert Beneficiary.objects.get(pk=person.pk).status == BeneficiaryStatus.ANONYMISED
    entry = audit_log().get(action="wagtail_bippop.anonymised")
    assert entry.user.username == "coord"


def test_anonymising_touches_only_this_person_s_history_and_drops_free_text(
    make_request, make_beneficiary, make_volunteer
):
    request = make_request(beneficiary=make_beneficiary(first_name="Jean", last_name="Martin"))
    person = request.beneficiary
    person.is_online = True
    person.save()
    namesake = make_volunteer(first_name="Jean", last_name="Martin")
    cousin = make_beneficiary(first_name="Jean", last_name="Martinez")
    log(person, "wagtail_bippop.contact.log")
    log(namesake, "wagtail_bippop.vetting.suspend")
    log(cousin, "wagtail_bippop.contact.log")
    log(request, "wagtail_bippop.request.status", data={"reason": "Partie chez sa fille à Lyon"})
    HelpRequest.objects.filter(pk=request.pk).update(status=RequestStatus.CLOSED)
    anonymise_beneficiary(person)

    assert audit_log().get(action="wagtail_bippop.vetting.suspend").label == "Jean Martin"
    contacts = audit_log().filter(action="wagtail_bippop.contact.log")
    assert contacts.get(object_id=str(cousin.pk)).label == "Jean Martinez"
    assert "Martin" not in contacts.get(object_id=str(person.pk)).label
    status_entry = audit_log().get(action="wagtail_bippop.request.status")
    assert "reason" not in status_entry.data
    # Not identifying, and the past figures (online or not) must not move.
    assert Beneficiary.objects.get(pk=person.pk).is_online is True


def test_a_volunteer_s_reasons_and_notes_go_too(make_volunteer):
    from wagtail_bippop.models import Absence, Volunteer

    gone = make_volunteer(stage=VettingStage.LEFT, left_reason="Déménage chez sa sœur à Nice")
    Absence.objects.create(
        volunteer=gone,
        start_date=datetime.date(2026, 7, 1),
        end_date=datetime.date(2026, 7, 15),
        note="Opération du genou",
    )
    anonymise_volunteer(gone)
    gone = Volunteer.objects.get(pk=gone.pk)
    assert "Nice" not in gone.left_reason
    assert list(gone.absences.values_list("note", flat=True)) == [""]

"""Anonymisation leaves no trace; withdrawn register entries are erased; the subject-access
export is complete and private."""

import datetime
import io
import json
import os
import stat

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.log_actions import log

from wagtail_bippop.models import (
    ContactLog,
    HelpRequest,
    Mission,
    Visit,
    VisitStatus,
)
from wagtail_bippop.privacy import anonymise_beneficiary, anonymise_volunteer

PERSON = {
    "first_name": "Gisèle",
    "last_name": "Vandermeulen",
    "phone": "+33611223344",
    "email": "gisele.vdm@example.org",
    "address": "12 impasse des Coquelicots",
}
FREE_TEXTS = [
    "Mme très confuse, chute récente",
    "Parlé de son fils Hector au téléphone",
    "Besoin de compagnie le jeudi",
    "Appel de la voisine Solange Brindavoine",
    "Notes réservées : suivi tutelle",
    "Henriette Vandermeulen",  # the daughter who asked for her
    "henriette@example.org",
]


def dump_everything():
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def identifying_strings(volunteer=None):
    strings = [*PERSON.values(), "0611223344", "06 11 22 33 44", *FREE_TEXTS]
    if volunteer is not None:
        strings += ["Bérangère", "Quillivic", "berangere.q@example.org", "+33799887766"]
    return strings


def leaks(text, strings):
    # JSON escapes non-ASCII: read the dump back as text to compare.
    lowered = json.dumps(json.loads(text), ensure_ascii=False).lower()
    return [s for s in strings if s.lower() in lowered]


@pytest.fixture
def rich_history(
    territory, make_beneficiary, make_volunteer, coordinator, django_capture_on_commit_callbacks
):
    from wagtail_bippop.volunteer_space import services

    person = make_beneficiary(
        restricted_notes="Notes réservées : suivi tutelle",
        **{**PERSON, "phone": "06 11 22 33 44"},
    )
    volunteer = make_volunteer(
        first_name="Bérangère",
        last_name="Quillivic",
        email="berangere.q@example.org",
        phone="+33799887766",
    )
    request = HelpRequest.objects.create(
        territory=territory,
        beneficiary=person,
        channel="phone",
        description="Besoin de compagnie le jeudi",
        requester_name="Henriette Vandermeulen",
        requester_email="henriette@example.org",
    )
    log(request, "wagtail.create", user=coordinator)
    mission = Mission.objects.create(request=request, volunteer=volunteer)
    log(mission, "wagtail_bippop.mission_created", user=coordinator)
    starts_at = timezone.now() - datetime.timedelta(days=3)
    visit = Visit.objects.create(
        mission=mission, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.report_visit(
            visit,
            status=VisitStatus.DONE,
            duration_minutes=60,
            report="Parlé de son fils Hector au téléphone",
            worry=True,
            user=None,
        )
        worry = person.worries.get()
        worry.text = "Mme très confuse, chute récente"
        worry.save()
        services.alert_worry(worry)
        services.raise_worry(volunteer, person, "Mme très confuse, chute récente")
    contact = ContactLog.objects.create(
        beneficiary=person,
        kind=ContactLog._meta.get_field("kind").choices[0][0],
        summary="Appel de la voisine Solange Brindavoine",
    )
    log(contact, "wagtail.create", user=coordinator)
    log(person, "wagtail.edit", user=coordinator)
    return person, volunteer


def test_after_anonymising_a_full_dump_holds_nothing_about_the_person(rich_history):
    person, volunteer = rich_history
    strings = identifying_strings()
    assert leaks(dump_everything(), strings), "the history should name the person first"
    anonymise_beneficiary(person)
    assert leaks(dump_everything(), strings) == []


def test_after_anonymising_a_volunteer_no_label_names_them(rich_history):
    person, volunteer = rich_history
    anonymise_beneficiary(person)
    volunteer.stage = "left"
    volunteer.left_reason = "Déménagement"
    volunteer.save()
    anonymise_volunteer(volunteer)
    assert leaks(dump_everything(), identifying_strings(volunteer)) == []


def test_the_retention_command_anonymises_without_leaving_traces(rich_history, settings):
    person, volunteer = rich_history
    old = timezone.now() - datetime.timedelta(days=3 * 365)
    from wagtail_bippop.models import Beneficiary

    HelpRequest.objects.filter(beneficiary=person).update(created_at=old, status="closed")
    Mission.objects.filter(request__beneficiary=person).update(status="ended")
    Visit.objects.filter(mission__request__beneficiary=person).update(
        starts_at=old, ends_at=old + datetime.timedelta(hours=1)
    )
    ContactLog.objects.filter(beneficiary=person).update(occurred_at=old)
    Beneficiary.objects.filter(pk=person.pk).update(updated_at=old)
    call_command("bippop_retention", "--apply", stdout=io.StringIO())
    assert leaks(dump_everything(), identifying_strings()) == []


# --- #13 withdrawn register entries are erased ---------------------------------------------

REGISTERED = {
    "first_name": "Odette",
    "last_name": "Lagrenouillère",
    "address": "7 chemin des Saules",
    "phone": "+33344987654",
    "emergency_contact": "Marcel Lagrenouillère",
    "emergency_phone": "+33611998877",
    "home_services": "Portage de repas Amapa",
    "requester_name": "Yvette Pommeraie",
    "requester_phone": "+33655443322",
}


def register_entry(territory, **fields):
    from wagtail_bippop.models import RegisterEntry

    return RegisterEntry.objects.create(
        territory=territory,
        category="aged_65",
        requested_by="third_party",
        requester_relation="voisine",
        channel="phone",
        birth_date=datetime.date(1938, 4, 2),
        **{**REGISTERED, **fields},
    )


def test_withdrawn_register_entries_are_erased_after_the_delay(territory, coordinator, settings):
    from wagtail_bippop.models import RegisterEntry

    settings.BIPPOP_REGISTER_WITHDRAWN_ERASE_DAYS = 30
    now = timezone.now()
    kept = register_entry(territory, last_name="Toujoursla", withdrawn_at=None)
    recent = register_entry(territory, withdrawn_at=now - datetime.timedelta(days=10))
    due = register_entry(territory, withdrawn_at=now - datetime.timedelta(days=31))
    log(due, "wagtail.edit", user=coordinator)

    call_command("bippop_retention", stdout=io.StringIO())  # dry run: nothing changes
    due.refresh_from_db()
    assert due.erased_at is None and due.last_name == "Lagrenouillère"

    out = io.StringIO()
    call_command("bippop_retention", "--apply", stdout=out)
    assert "register" in out.getvalue()
    due.refresh_from_db()
    assert due.erased_at is not None
    assert due.birth_date is None
    for field in REGISTERED:
        assert getattr(due, field) != REGISTERED[field], field
    recent.refresh_from_db()
    assert recent.erased_at is None and recent.last_name == "Lagrenouillère"
    kept.refresh_from_db()
    assert kept.erased_at is None and kept.phone == REGISTERED["phone"]
    # Nothing about the erased entry is left anywhere, log labels included.
    dump = json.dumps(json.loads(dump_everything()), ensure_ascii=False)
    assert RegisterEntry.objects.filter(last_name="Lagrenouillère").count() == 1  # recent
    recent.delete()
    kept.delete()
    dump = json.dumps(json.loads(dump_everything()), ensure_ascii=False)
    for value in REGISTERED.values():
        assert value not in dump, value


def test_register_retention_is_documented_and_configurable():
    from pathlib import Path

    from wagtail_bippop.conf import DEFAULTS

    assert DEFAULTS["REGISTER_WITHDRAWN_ERASE_DAYS"] == 30
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "L121-6-1" in readme
    assert "BIPPOP_REGISTER_WITHDRAWN_ERASE_DAYS" in readme


# --- #15 the subject-access export is complete and private ---------------------------------


def test_subject_access_export_is_complete_and_private(rich_history, coordinator, tmp_path):
    from wagtail_bippop.models import (
        LonelinessAssessment,
        OfferParticipation,
        WantedSlot,
    )
    from wagtail_bippop.privacy import subject_access

    person, volunteer = rich_history
    request = HelpRequest.objects.get(beneficiary=person)
    request.requester_phone = "+33622334455"
    request.save(update_fields=["requester_phone"])
    WantedSlot.objects.create(request=request, weekday=3, period="afternoon")
    LonelinessAssessment.objects.create(
        beneficiary=person,
        lacks_companionship=3,
        feels_left_out=2,
        feels_isolated=1,
        score=6,
        satisfaction=4,
    )
    from tests.offers_support import make_offer

    OfferParticipation.objects.create(
        offer=make_offer(person.territory, volunteer=volunteer), request=request
    )
    # Someone opened the person's file.
    log(person, "wagtail_bippop.viewed", user=coordinator)

    data = subject_access(person)
    text = json.dumps(data, ensure_ascii=False)
    (req,) = data["requests"]
    assert (
        req["wanted_times"]
        and "afternoon" in json.dumps(req["wanted_times"]).lower()
        or ("après-midi" in json.dumps(req["wanted_times"], ensure_ascii=False).lower())
    )
    assert req["requester_email"] == "henriette@example.org"
    assert req["requester_phone"] == "+33622334455"
    assert data["participations"] and data["participations"][0]["offer"]
    (measure,) = data["loneliness"]
    assert (
        measure["lacks_companionship"],
        measure["feels_left_out"],
        measure["feels_isolated"],
    ) == (3, 2, 1)
    assert data["worries"] and "Mme très confuse, chute récente" in text
    # Alerts to coordinators that quote the person are part of their data.
    assert any("Gisèle Vandermeulen" in message["subject"] for message in data["messages_about"])
    accesses = data["accesses"]
    assert any(entry["user"] == coordinator.get_username() for entry in accesses)

    output = tmp_path / "export.json"
    call_command(
        "bippop_subject_access", str(person.pk), "--output", str(output), stdout=io.StringIO()
    )
    assert stat.S_IMODE(os.stat(output).st_mode) == 0o600
    assert "Gisèle" in output.read_text(encoding="utf-8")

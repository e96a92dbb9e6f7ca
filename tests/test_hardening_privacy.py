"""Anonymisation leaves no trace; withdrawn register entries are erased; the subject-access
export is complete and private."""

import datetime
import io
import json

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

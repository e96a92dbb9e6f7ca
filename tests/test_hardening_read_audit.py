"""Reads of personal data leave a trace: who, when, what; for superusers; kept a set time."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.test_register import make_entry
from wagtail_bippop.models import BippopLogEntry

pytestmark = pytest.mark.django_db

VIEWED, LISTED, EXPORTED = (
    "wagtail_bippop.viewed",
    "wagtail_bippop.listed",
    "wagtail_bippop.exported",
)
READ_ACTIONS = (VIEWED, LISTED, EXPORTED)


def reads(**filters):
    return BippopLogEntry.objects.filter(action__in=READ_ACTIONS, **filters).order_by("pk")


def test_listing_people_records_who_the_list_and_its_filters(
    client, coordinator, territory, make_beneficiary
):
    make_beneficiary(first_name="Odette", last_name="Dufresne")
    make_beneficiary(first_name="Lucien", last_name="Marais")
    client.force_login(coordinator)

    response = client.get(reverse("bippop_beneficiaries:index"), {"q": "Odette"})

    assert response.status_code == 200
    entry = reads().get()
    assert entry.action == LISTED
    assert entry.user == coordinator
    assert entry.content_type.model == "beneficiary"
    assert entry.territory_id == territory.pk
    assert entry.data["filters"] == {"q": "Odette"}
    assert entry.data["rows"] == 1
    assert timezone.now() - entry.timestamp < datetime.timedelta(minutes=1)
    # The trail itself names no one.
    assert "Odette" not in entry.label and "Dufresne" not in entry.label


def test_inspecting_and_editing_a_record_are_recorded_with_its_territory(
    client, coordinator, territory, make_visit
):
    visit = make_visit()
    person = visit.mission.request.beneficiary
    client.force_login(coordinator)

    assert client.get(reverse("bippop_beneficiaries:inspect", args=[person.pk])).status_code == 200
    assert client.get(reverse("bippop_beneficiaries:edit", args=[person.pk])).status_code == 200
    assert client.get(reverse("bippop_visits:inspect", args=[visit.pk])).status_code == 200

    entries = list(reads())
    assert [(e.action, e.content_type.model, e.object_id, e.data["screen"]) for e in entries] == [
        (VIEWED, "beneficiary", str(person.pk), "inspect"),
        (VIEWED, "beneficiary", str(person.pk), "edit"),
        (VIEWED, "visit", str(visit.pk), "inspect"),
    ]
    assert {e.territory_id for e in entries} == {territory.pk}
    assert {e.user_id for e in entries} == {coordinator.pk}


def test_exports_are_recorded_with_their_format_and_row_count(
    client, coordinator, make_request, make_volunteer
):
    make_request()
    make_request()
    make_volunteer()
    client.force_login(coordinator)

    csv = client.get(reverse("bippop_requests:index"), {"export": "csv"})
    xlsx = client.get(reverse("bippop_volunteers:index"), {"export": "xlsx"})

    assert csv.status_code == 200 and xlsx.status_code == 200
    b"".join(csv.streaming_content) if csv.streaming else csv.content
    exported = [(e.content_type.model, e.data["format"], e.data["rows"]) for e in reads()]
    assert exported == [("helprequest", "csv", 2), ("volunteer", "xlsx", 1)]
    assert {e.action for e in reads()} == {EXPORTED}


def test_timeline_is_recorded(client, coordinator, make_beneficiary):
    person = make_beneficiary()
    client.force_login(coordinator)

    url = reverse("wagtail_bippop_coordinator:timeline", args=[person.pk])
    assert client.get(url).status_code == 200

    entry = reads().get()
    assert (entry.action, entry.object_id, entry.data["screen"]) == (
        VIEWED,
        str(person.pk),
        "timeline",
    )


def test_register_list_and_export_are_recorded(client, coordinator, territory):
    make_entry(territory)
    client.force_login(coordinator)

    assert client.get(reverse("bippop_register:index")).status_code == 200
    export = client.get(reverse("bippop_register:index"), {"export": "csv"})
    assert export.status_code == 200

    assert [(e.action, e.content_type.model, e.data["rows"]) for e in reads()] == [
        (LISTED, "registerentry", 1),
        (EXPORTED, "registerentry", 1),
    ]


def test_lists_without_personal_data_and_refused_reads_are_not_recorded(
    client, coordinator, other_territory, make_beneficiary
):
    theirs = make_beneficiary(territory=other_territory)
    client.force_login(coordinator)

    assert client.get(reverse("bippop_areas:index")).status_code == 200
    refused = client.get(reverse("bippop_beneficiaries:inspect", args=[theirs.pk]))
    assert refused.status_code == 404
    assert not reads().exists()


def test_only_superusers_see_who_read_what(client, coordinator, superuser, make_beneficiary):
    person = make_beneficiary()
    client.force_login(coordinator)
    client.get(reverse("bippop_beneficiaries:inspect", args=[person.pk]))
    assert reads().count() == 1

    # Not in the coordinator's history listings.
    assert (
        not BippopLogEntry.objects.viewable_by_user(coordinator)
        .filter(action__in=READ_ACTIONS)
        .exists()
    )
    # The superuser finds it in the site history, filtered by the action.
    client.force_login(superuser)
    response = client.get(reverse("wagtailadmin_reports:site_history"), {"action": VIEWED})
    assert response.status_code == 200
    assert [e.action for e in response.context["object_list"]] == [VIEWED]
    assert f"#{person.pk}" in response.content.decode()
    client.get(reverse("bippop_beneficiaries:index"))
    listed = client.get(reverse("wagtailadmin_reports:site_history"), {"action": LISTED})
    assert listed.status_code == 200
    assert [e.user_id for e in listed.context["object_list"]] == [superuser.pk]


def test_read_entries_are_purged_after_the_configured_period(
    settings, coordinator, make_beneficiary
):
    from wagtail.log_actions import log

    person = make_beneficiary()
    now = timezone.now()
    old = BippopLogEntry.objects.create(
        content_type_id=_ct(person),
        object_id=str(person.pk),
        label="old",
        action=VIEWED,
        user=coordinator,
        timestamp=now - datetime.timedelta(days=40),
    )
    recent = BippopLogEntry.objects.create(
        content_type_id=_ct(person),
        object_id=str(person.pk),
        label="recent",
        action=LISTED,
        user=coordinator,
        timestamp=now - datetime.timedelta(days=10),
    )
    state_change = log(person, "wagtail_bippop.contact.log")
    BippopLogEntry.objects.filter(pk=state_change.pk).update(
        timestamp=now - datetime.timedelta(days=400)
    )

    call_command("bippop_purge_read_audit", stdout=io.StringIO())
    assert set(BippopLogEntry.objects.values_list("pk", flat=True)) >= {
        old.pk,
        recent.pk,
        state_change.pk,
    }  # default: 365 days

    settings.BIPPOP_READ_AUDIT_DAYS = 30
    call_command("bippop_purge_read_audit", stdout=io.StringIO())
    remaining = set(BippopLogEntry.objects.values_list("pk", flat=True))
    assert old.pk not in remaining
    assert {recent.pk, state_change.pk} <= remaining


def _ct(instance):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(instance).pk


def test_worries_list_is_recorded(client, coordinator, territory, make_visit):
    from wagtail_bippop.models import Worry

    visit = make_visit()
    Worry.objects.create(
        beneficiary=visit.mission.request.beneficiary, visit=visit, text="Chute récente"
    )
    client.force_login(coordinator)

    assert client.get(reverse("bippop_worries")).status_code == 200

    entry = reads().get()
    assert (entry.action, entry.content_type.model, entry.data["rows"], entry.territory_id) == (
        LISTED,
        "worry",
        1,
        territory.pk,
    )

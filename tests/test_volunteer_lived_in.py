"""The volunteer's side as lived: finding the space, vetting to the end, absences that
touch planned visits, reports only once a visit has begun, worries raised and handled."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.utils import timezone

from wagtail_bippop.models import Worry

from .test_notifications_fixtures import *  # noqa: F403
from .test_notifications_fixtures import route

pytestmark = pytest.mark.django_db

worries_migration = importlib.import_module("wagtail_bippop.migrations.0015_worries")


@pytest.fixture
def jeanne(make_beneficiary):
    return make_beneficiary(
        first_name="Jeanne", address="3 rue des Lilas", postcode="60000", city="Bellerive"
    )


@pytest.fixture
def mission_of_paul(make_mission, make_request, volunteer, jeanne):
    return make_mission(request=make_request(beneficiary=jeanne), volunteer=volunteer)


def in_days(days, hour=14):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def visit_of_paul(make_visit, mission_of_paul):
    """A visit of Paul's to Jeanne, planned in two days."""
    return make_visit(mission=mission_of_paul, starts_at=in_days(2))


# --- worries: the data migration -------------------------------------------------------


def test_migration_copies_worried_visits_into_open_worries(make_visit, make_mission):
    mission = make_mission()
    reported = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)
    worried = make_visit(
        mission=mission,
        starts_at=reported - datetime.timedelta(hours=2),
        status="done",
        duration_minutes=60,
        report="Elle ne mange plus.",
        worry=True,
        reported_at=reported,
    )
    make_visit(mission=mission, starts_at=reported - datetime.timedelta(days=7))

    worries_migration.copy_worried_visits(apps, None)
    worries_migration.copy_worried_visits(apps, None)  # running twice copies nothing more

    worry = Worry.objects.get()
    assert worry.visit == worried
    assert worry.beneficiary == mission.request.beneficiary
    assert worry.mission == mission
    assert worry.raised_by == mission.volunteer
    assert worry.text == "Elle ne mange plus."
    assert worry.raised_at == reported
    assert worry.is_open


# --- forms: help and errors tied to their field ---------------------------------------


def described_ids(html, field_id):
    """The ids the input ``field_id`` points to, and whether the page has each of them."""
    tag = re.search(rf"<(?:input|textarea|select)[^>]*\bid=\"{field_id}\"[^>]*>", html).group(0)
    described = re.search(r'aria-describedby="([^"]*)"', tag)
    ids = described.group(1).split() if described else []
    return tag, {ident: f'id="{ident}"' in html for ident in ids}


def test_signin_field_points_to_its_help_and_error(client, space_page):
    html = client.get(route(space_page, "signin")).content.decode()
    tag, ids = described_ids(html, "id_identifier")
    assert ids and all(ids.values()), ids
    assert "aria-invalid" not in tag

    html = client.post(route(space_page, "signin"), {"identifier": ""}).content.decode()
    tag, ids = described_ids(html, "id_identifier")
    assert len(ids) == 2 and all(ids.values()), ids
    assert 'aria-invalid="true"' in tag


def test_report_form_errors_are_tied_to_their_field(signed_in, space_page, visit_of_paul):
    visit_of_paul.starts_at = timezone.now() - datetime.timedelta(hours=2)
    visit_of_paul.ends_at = visit_of_paul.starts_at + datetime.timedelta(hours=1)
    visit_of_paul.save()
    response = signed_in.post(route(space_page, "visit", visit_of_paul.pk), {"status": "done"})
    html = response.content.decode()
    tag, ids = described_ids(html, "id_duration_minutes")
    assert ids and all(ids.values()), ids
    assert 'aria-invalid="true"' in tag

    html = signed_in.post(
        route(space_page, "visit", visit_of_paul.pk), {"report": ""}
    ).content.decode()
    group = re.search(r'<fieldset[^>]*aria-describedby="([^"]*)"', html)
    assert group and all(f'id="{ident}"' in html for ident in group.group(1).split())
    assert "id_status_error" in group.group(1)

"""The volunteer's side as lived: finding the space, vetting to the end, absences that
touch planned visits, reports only once a visit has begun, worries raised and handled."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from wagtail_bippop.models import Worry

from .test_notifications_fixtures import *  # noqa: F403
from .test_notifications_fixtures import route  # noqa: F401

pytestmark = pytest.mark.django_db

worries_migration = importlib.import_module("wagtail_bippop.migrations.0015_worries")


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

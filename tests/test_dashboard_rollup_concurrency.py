"""Visits of the same person reported at the same instant keep the roll-up exact (PostgreSQL)."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from tests.browser.section import ensure_default_site
from wagtail_bippop.dashboard import rollup
from wagtail_bippop.models import (
    Beneficiary,
    HelpRequest,
    Mission,
    Territory,
    Visit,
    VisitStatus,
    Volunteer,
)
from wagtail_bippop.models.rollup import VisitRollup
from wagtail_bippop.volunteer_space.services import report_visit

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises all writes")


def rows():
    return sorted(
        VisitRollup.objects.values_list(
            "territory", "dimension", "key", "day", "previous_day", "people", "visits", "minutes"
        )
    )


def test_two_reports_at_once_for_the_same_person(transactional_db):
    territory = Territory.objects.create(
        name="Bellerive", slug="bellerive", site=ensure_default_site()
    )
    person = Beneficiary.objects.create(territory=territory, first_name="Jeanne", last_name="M")
    visits = []
    for n in range(2):  # two requests of the same person, each with its volunteer
        request = HelpRequest.objects.create(
            territory=territory, beneficiary=person, channel="phone"
        )
        volunteer = Volunteer.objects.create(territory=territory, first_name=f"V{n}", last_name="B")
        mission = Mission.objects.create(request=request, volunteer=volunteer)
        start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=n + 1)
        visits.append(
            Visit.objects.create(
                mission=mission, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
            )
        )
    barrier = threading.Barrier(2)
    errors = []

    def worker(visit):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            report_visit(visit, status=VisitStatus.DONE, duration_minutes=45)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(v,)) for v in visits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    kept = rows()
    rollup.rebuild()
    assert kept == rows()
    assert sum(r[6] for r in kept if r[1] == "all") == 2

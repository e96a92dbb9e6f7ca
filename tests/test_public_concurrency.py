"""Two copies of the same form POST at the same instant still store one record (PostgreSQL)."""

import threading
import uuid

import pytest
from django.db import connection

from tests.browser.section import ensure_default_site
from tests.test_public_forms import help_data, signup_data
from wagtail_bippop.models import (
    Beneficiary,
    HelpRequest,
    SolidaritySettings,
    Territory,
    Volunteer,
)
from wagtail_bippop.public.forms import HelpRequestForm, VolunteerSignupForm
from wagtail_bippop.public.submissions import submit_help_request, submit_volunteer_signup

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises all writes")


def submit_twice_at_once(form_class, submit, data, territory):
    settings = SolidaritySettings.for_site(territory.site)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        from django.db import connections

        try:
            form = form_class(data, territory=territory)
            assert form.is_valid(), form.errors
            barrier.wait(timeout=10)
            results.append(submit(form, territory=territory, solidarity_settings=settings))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.fixture
def territory(transactional_db):
    # Transactional tests flush the database: the site is rebuilt rather than assumed.
    return Territory.objects.create(name="Bellerive", slug="bellerive", site=ensure_default_site())


def test_simultaneous_help_requests_store_one(territory):
    data = help_data(territory, submission_key=str(uuid.uuid4()))
    results = submit_twice_at_once(HelpRequestForm, submit_help_request, data, territory)
    assert len(results) == 2
    assert results[0]["reference"] == results[1]["reference"]
    assert HelpRequest.objects.count() == 1
    assert Beneficiary.objects.count() == 1


def test_simultaneous_volunteer_signups_store_one(territory):
    data = signup_data(territory, submission_key=str(uuid.uuid4()))
    results = submit_twice_at_once(VolunteerSignupForm, submit_volunteer_signup, data, territory)
    assert len(results) == 2
    assert Volunteer.objects.count() == 1

"""Shared fixtures: a site, a territory with its catalogue, people and staff."""

import datetime
import itertools
import os
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page

from wagtail_bippop.models import (
    Area,
    Beneficiary,
    HelpRequest,
    IntakeChannel,
    Mission,
    Territory,
    TerritoryAccess,
    VettingStage,
    Visit,
    Volunteer,
)

_counter = itertools.count(1)

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the test
# itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# One Chromium for the whole run, shared by the browser tests and the end-to-end journeys
# (two Playwright instances in one thread refuse to start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _chromium_or_skip():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable:
        return executable
    reason = "Chromium is not installed: browser tests cannot run"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_or_skip()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("Playwright is not installed: browser tests cannot run")
        pytest.skip("Playwright is not installed: browser tests cannot run")
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


def audit_log():
    """The audit log entries of this app's models (people, requests, missions...)."""
    from wagtail_bippop.models import BippopLogEntry

    return BippopLogEntry.objects.all()


@pytest.fixture
def site(db):
    # Transactional tests flush the database, Site made by migrations included: rebuild it.
    from tests.browser.section import ensure_default_site

    return ensure_default_site()


@pytest.fixture
def territory(site):
    return Territory.objects.create(name="Bellerive-sur-Aronde", slug="bellerive", site=site)


@pytest.fixture
def other_territory(site):
    return Territory.objects.create(name="Montval", slug="montval", site=site)


@pytest.fixture
def area(territory):
    return Area.objects.create(territory=territory, name="Centre-bourg")


@pytest.fixture
def service(territory):
    return territory.services.get(slug="visite-de-convivialite")


def _phone():
    return f"+3361234{next(_counter):04d}"


@pytest.fixture
def make_beneficiary(territory):
    def make(**fields):
        fields.setdefault("territory", territory)
        fields.setdefault("first_name", "Jeanne")
        fields.setdefault("last_name", "Martin")
        fields.setdefault("phone", _phone())
        beneficiary = Beneficiary(**fields)
        beneficiary.full_clean()
        beneficiary.save()
        return beneficiary

    return make


@pytest.fixture
def make_volunteer(territory):
    def make(*, services=(), **fields):
        fields.setdefault("territory", territory)
        fields.setdefault("first_name", "Anne")
        fields.setdefault("last_name", f"Bénévole{next(_counter)}")
        fields.setdefault("phone", _phone())
        fields.setdefault("stage", VettingStage.ACTIVE)
        if fields["stage"] == VettingStage.ACTIVE:
            fields.setdefault("honourability_checked_on", datetime.date(2026, 1, 5))
            fields.setdefault("honourability_compatible", True)
        volunteer = Volunteer(**fields)
        volunteer.full_clean()
        volunteer.services.set(services)
        # Parental many-to-many values reach the database on save.
        volunteer.save()
        return volunteer

    return make


@pytest.fixture
def make_request(territory, make_beneficiary):
    def make(*, beneficiary=None, services=(), **fields):
        fields.setdefault("territory", territory)
        fields.setdefault("channel", IntakeChannel.PHONE)
        request = HelpRequest(beneficiary=beneficiary or make_beneficiary(), **fields)
        request.services.set(services)
        request.save()
        return request

    return make


@pytest.fixture
def make_mission(make_request, make_volunteer):
    def make(*, request=None, volunteer=None, **fields):
        return Mission.objects.create(
            request=request or make_request(),
            volunteer=volunteer or make_volunteer(),
            **fields,
        )

    return make


@pytest.fixture
def make_visit(make_mission):
    def make(*, mission=None, starts_at=None, minutes=60, **fields):
        starts_at = starts_at or timezone.now().replace(microsecond=0)
        return Visit.objects.create(
            mission=mission or make_mission(),
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=minutes),
            **fields,
        )

    return make


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw")


@pytest.fixture
def make_staff(db):
    """A staff user in ``group`` (by name) with access to ``territories``."""
    from django.contrib.auth.models import Group, Permission

    def make(username, *, territories=(), group=None):
        user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        if group:
            user.groups.add(Group.objects.get(name=group))
        for territory in territories:
            TerritoryAccess.objects.create(user=user, territory=territory)
        return user

    return make


@pytest.fixture
def home_page(site):
    return site.root_page.specific


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()


@pytest.fixture
def site_language(db, settings):
    """Switches the site's language: the section speaks its pages' language, not the browser's.

    ``site_language("en")`` makes the site English (its pages' locale and LANGUAGE_CODE), so
    that assertions can read the source strings.
    """
    from wagtail.models import Locale

    def switch(language):
        current = Locale.objects.exclude(language_code=language).first()
        if current and not Locale.objects.filter(language_code=language).exists():
            current.language_code = language
            current.save(update_fields=["language_code"])
        settings.LANGUAGE_CODE = language

    return switch


@pytest.fixture
def english_site(site_language):
    site_language("en")


@pytest.fixture
def english_fresh_cache(english_site):
    """English pages and an empty cache (rate limits), before and after the test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coordinator(make_staff, territory):
    from wagtail_bippop.roles import COORDINATOR_GROUP

    return make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)


@pytest.fixture
def other_coordinator(make_staff, other_territory):
    from wagtail_bippop.roles import COORDINATOR_GROUP

    return make_staff("othercoord", territories=[other_territory], group=COORDINATOR_GROUP)


@pytest.fixture
def section(home_page, territory):
    """The solidarity section of ``territory`` with its forms and directory pages."""
    from tests.browser.section import build_section

    return build_section(home_page, territory)


def _add_page(parent, page):
    parent.add_child(instance=page)
    return page


@pytest.fixture
def agenda(section):
    from wagtail_bippop.models import EventIndexPage

    return _add_page(section.index, EventIndexPage(title="Agenda des sorties", slug="agenda"))


@pytest.fixture
def join_page(section):
    from wagtail_bippop.models import PartnerJoinPage

    return _add_page(section.index, PartnerJoinPage(title="Rejoindre le réseau", slug="rejoindre"))


@pytest.fixture
def volunteer_space_page(section):
    from wagtail_bippop.models import VolunteerSpacePage

    page = VolunteerSpacePage(title="Espace bénévole", slug="espace-benevole")
    return _add_page(section.index, page)

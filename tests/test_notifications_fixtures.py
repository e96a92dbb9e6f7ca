"""Fixtures of the volunteer space, messages and reminders tests (no test here)."""

import pytest
from django.core import mail

from wagtail_bippop.models import SolidarityIndexPage, SolidaritySettings, VolunteerSpacePage
from wagtail_bippop.notifications.sms import LocmemBackend
from wagtail_bippop.roles import COORDINATOR_GROUP
from wagtail_bippop.volunteer_space.services import user_for


@pytest.fixture(autouse=True)
def clean_outboxes():
    LocmemBackend.outbox = []
    mail.outbox = []
    yield
    LocmemBackend.outbox = []


@pytest.fixture
def index_page(home_page, territory):
    index = SolidarityIndexPage(title="Bellerive Solidaire", slug="solidaire", territory=territory)
    home_page.add_child(instance=index)
    return index


@pytest.fixture
def space_page(index_page):
    space = VolunteerSpacePage(title="Espace bénévole", slug="espace-benevole")
    index_page.add_child(instance=space)
    return space


@pytest.fixture
def site_settings(site):
    settings = SolidaritySettings.for_site(site)
    settings.platform_name = "Bellerive Solidaire"
    settings.coordinator_phone = "01 23 45 67 89"
    settings.coordinator_email = "ccas@bellerive.example"
    settings.save()
    return settings


@pytest.fixture
def coordinator(make_staff, territory):
    return make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)


@pytest.fixture
def other_coordinator(make_staff, other_territory):
    return make_staff("othercoord", territories=[other_territory], group=COORDINATOR_GROUP)


@pytest.fixture
def volunteer(make_volunteer):
    return make_volunteer(first_name="Paul", email="paul@example.org")


@pytest.fixture
def signed_in(client, volunteer, space_page):
    client.force_login(user_for(volunteer))
    return client


def route(page, name, *args):
    return page.url + page.reverse_subpage(name, args=args)

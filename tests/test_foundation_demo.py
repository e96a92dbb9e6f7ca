"""The demo data: realistic, consistent with every invariant, and deterministic."""

import pytest
from django.core.management import call_command

from wagtail_bippop.demo.generator import DemoGenerator
from wagtail_bippop.models import (
    Beneficiary,
    HelpRequest,
    Mission,
    MissionStatus,
    Territory,
    Visit,
    VisitStatus,
    Volunteer,
)


def snapshot(territory):
    return {
        "people": list(
            Beneficiary.objects.filter(territory=territory)
            .order_by("pk")
            .values_list("first_name", "last_name", "phone", "birth_year")
        ),
        "requests": list(
            HelpRequest.objects.filter(territory=territory)
            .order_by("pk")
            .values_list("reference", "status", "channel")
        ),
        "visits": Visit.objects.filter(mission__request__territory=territory).count(),
    }


@pytest.mark.django_db
def test_same_seed_same_data(site):
    import datetime

    today = datetime.date(2026, 11, 27)
    first = Territory.objects.create(name="Un", slug="un", site=site)
    second = Territory.objects.create(name="Deux", slug="deux", site=site)
    DemoGenerator(first, size=1000, seed=7, today=today).run()
    DemoGenerator(second, size=1000, seed=7, today=today).run()
    a, b = snapshot(first), snapshot(second)
    assert a["people"] == b["people"]
    assert [r[1:] for r in a["requests"]] == [r[1:] for r in b["requests"]]
    assert a["visits"] == b["visits"] > 0


@pytest.mark.django_db
def test_demo_command_builds_a_plausible_commune(site):
    call_command("bippop_demo", territory="Bellerive-sur-Aronde", size=2000, seed=1)
    territory = Territory.objects.get(slug="bellerive-sur-aronde")
    people = Beneficiary.objects.filter(territory=territory)
    assert people.count() == 24  # 1.2 % of 2,000 inhabitants
    assert Volunteer.objects.filter(territory=territory).count() == 12
    assert HelpRequest.objects.filter(territory=territory).count() >= people.count()
    visits = Visit.objects.filter(mission__request__territory=territory)
    assert visits.filter(status=VisitStatus.DONE).exists()
    assert visits.filter(status=VisitStatus.PLANNED).exists()
    # Every stored row honours the model's own validation too.
    for person in people[:10]:
        person.full_clean()
    for mission in Mission.objects.filter(status=MissionStatus.ACTIVE)[:10]:
        mission.full_clean()
    # A second run does not duplicate the data.
    call_command("bippop_demo", territory="Bellerive-sur-Aronde", size=2000, seed=1)
    assert Beneficiary.objects.filter(territory=territory).count() == 24


@pytest.mark.django_db
def test_demo_built_just_after_midnight_has_no_request_from_the_future(site):
    """Today's requests used to be stamped later today: built at dawn, they broke the
    "called back after received" constraint (the example site's default size and seed)."""
    import datetime
    from unittest import mock

    from django.utils import timezone

    territory = Territory.objects.create(name="Aube", slug="aube", site=site)
    today = timezone.localdate()
    dawn = datetime.datetime.combine(
        today, datetime.time(0, 10), tzinfo=timezone.get_current_timezone()
    )
    with mock.patch("django.utils.timezone.now", return_value=dawn):
        DemoGenerator(territory, size=10_000, seed=42, today=today).run()
    requests = HelpRequest.objects.filter(territory=territory)
    # The seed puts requests on the day the demo is built.
    assert requests.filter(created_at__gt=dawn - datetime.timedelta(hours=1)).exists()
    assert not requests.filter(created_at__gt=dawn).exists()


@pytest.fixture
def site_paths_forgotten(site):
    """Wagtail caches the sites' root paths; the test's rollback does not clear that cache."""
    from django.core.cache import cache

    yield site
    cache.clear()


def test_example_site_links_open_the_served_site_and_every_role_has_an_account(
    site_paths_forgotten,
):
    site = site_paths_forgotten
    """Links in messages are built from the Site: the demo's must be the address it serves."""
    from io import StringIO

    from django.contrib.auth import get_user_model

    from wagtail_bippop.models import VolunteerSpacePage
    from wagtail_bippop.roles import COORDINATOR_GROUP, READ_ONLY_GROUP

    out = StringIO()
    call_command(
        "setup_example_site", size=1500, seed=3, base_url="http://127.0.0.1:8123", stdout=out
    )
    site.refresh_from_db()
    assert (site.hostname, site.port) == ("127.0.0.1", 8123)
    space = VolunteerSpacePage.objects.live().get()
    assert space.get_full_url().startswith("http://127.0.0.1:8123/")
    users = get_user_model().objects
    assert users.get(username="coordinatrice").groups.filter(name=COORDINATOR_GROUP).exists()
    assert users.get(username="elu").groups.filter(name=READ_ONLY_GROUP).exists()
    assert users.get(username="elu").bippop_territory_access.filter(territory__site=site).exists()
    printed = out.getvalue()
    assert "coordinatrice" in printed and "elu" in printed
    assert "volunteer" in printed and "partner" in printed
    assert "SMS       written as files in example_site/sent_sms" in printed

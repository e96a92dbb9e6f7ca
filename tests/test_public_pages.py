"""The section's public pages: home, directory, theme; what they show and what they cost."""

import datetime
import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.browser.section import build_section
from wagtail_bippop.models import (
    Beneficiary,
    HelpRequest,
    IntakeChannel,
    Mission,
    Organisation,
    OrganisationStatus,
    VettingStage,
    Visit,
    VisitStatus,
    Volunteer,
)

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _english(english_site):
    """Assertions read the source strings: the site speaks English."""
    cache.clear()


@pytest.fixture
def section(home_page, territory):
    return build_section(home_page, territory)


def populate(territory, area, service, count):
    """``count`` more beneficiaries, requests, active listed volunteers, partners, missions."""
    first = next(_serial)
    for _ in range(count - 1):
        next(_serial)
    numbers = range(first, first + count)
    people = Beneficiary.objects.bulk_create(
        [
            Beneficiary(territory=territory, first_name="P", last_name=f"N{i}", name_key=f"n{i}")
            for i in numbers
        ]
    )
    requests = HelpRequest.objects.bulk_create(
        [
            HelpRequest(
                territory=territory,
                beneficiary=person,
                channel=IntakeChannel.PHONE,
                reference=f"T-{i}",
            )
            for i, person in zip(numbers, people, strict=True)
        ]
    )
    volunteers = Volunteer.objects.bulk_create(
        [
            Volunteer(
                territory=territory,
                first_name="Vol",
                last_name=f"Unteer{i}",
                phone=f"+3361{i:07d}",
                email=f"v{i}@example.org",
                area=area,
                stage=VettingStage.ACTIVE,
                honourability_checked_on=datetime.date(2026, 1, 5),
                honourability_compatible=True,
                directory_opt_in=True,
            )
            for i in numbers
        ]
    )
    Volunteer.services.through.objects.bulk_create(
        [Volunteer.services.through(volunteer=v, servicetype=service) for v in volunteers]
    )
    Organisation.objects.bulk_create(
        [Organisation(territory=territory, name=f"Club {i}", kind="club") for i in numbers]
    )
    missions = Mission.objects.bulk_create(
        [
            Mission(request=request, volunteer=volunteer)
            for request, volunteer in zip(requests, volunteers, strict=True)
        ]
    )
    start = timezone.now().replace(month=1, day=10, hour=10, minute=0, second=0, microsecond=0)
    Visit.objects.bulk_create(
        [
            Visit(
                mission=mission,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=1),
                status=VisitStatus.DONE,
                duration_minutes=90,
            )
            for mission in missions
        ]
    )


def test_index_shows_calls_to_action_catalogue_counters_and_partners(
    client, section, territory, area, service, make_staff
):
    populate(territory, area, service, 3)
    Organisation.objects.create(
        territory=territory, name="Refused club", kind="club", status=OrganisationStatus.REJECTED
    )
    territory.services.filter(slug="balade").update(is_active=False)
    html = client.get(section.index.url).content.decode()
    assert section.help_request.url in html and "I need help" in html
    assert section.volunteer_signup.url in html and "I want to help" in html
    assert 'class="bippop-call__phone"><a href="tel:+33344000010">03 44 00 00 10</a>' in html
    assert "Friendly visit" in html or "Visite de convivialité" in html
    assert ">Walk<" not in html and ">Balade<" not in html
    assert "Je ne suis plus seule le mardi." in html
    assert "Club " in html and "Refused club" not in html
    # 3 people helped, 3 active volunteers, 3 × 1.5 h rounded.
    values = [part.split("<")[0] for part in html.split('class="bippop-counters__value">')[1:]]
    assert values == ["3", "3", "4"]
    assert "+3361" not in html  # no volunteer phone anywhere


def test_theme_route_serves_the_site_colours(client, section):
    section.settings.primary_colour = "#123456"
    section.settings.save()
    response = client.get(section.index.url + "theme/")
    assert response["Content-Type"].startswith("text/css")
    assert "--bippop-primary: #123456;" in response.content.decode()
    html = client.get(section.help_request.url).content.decode()
    assert f'href="{section.index.url}theme/"' in html


def test_directory_lists_only_opted_in_active_volunteers_without_contacts(
    client, section, territory, area, service, make_volunteer
):
    listed = make_volunteer(first_name="Odile", last_name="Vasseur", directory_opt_in=True)
    listed.area = area
    listed.save()
    Volunteer.services.through.objects.create(volunteer=listed, servicetype=service)
    make_volunteer(first_name="Hidden", last_name="Person", directory_opt_in=False)
    make_volunteer(
        first_name="Tovet", last_name="Later", directory_opt_in=True, stage=VettingStage.TO_VET
    )
    html = client.get(section.directory.url).content.decode()
    assert "Odile V." in html and "Vasseur" not in html
    assert area.name in html and service.name in html
    assert "Hidden" not in html and "Tovet" not in html
    assert listed.phone not in html and "@" not in html.split('id="bippop-volunteers-title"')[1]


def test_directory_filters_by_service_and_area(
    client, section, territory, area, service, make_volunteer
):
    other_service = territory.services.exclude(pk=service.pk).first()
    a = make_volunteer(first_name="Alice", directory_opt_in=True)
    Volunteer.services.through.objects.create(volunteer=a, servicetype=service)
    b = make_volunteer(first_name="Bruno", directory_opt_in=True, area=area)
    Volunteer.services.through.objects.create(volunteer=b, servicetype=other_service)
    by_service = client.get(section.directory.url, {"service": service.pk}).content.decode()
    assert "Alice" in by_service and "Bruno" not in by_service
    by_area = client.get(section.directory.url, {"area": area.pk}).content.decode()
    assert "Bruno" in by_area and "Alice" not in by_area


@pytest.mark.parametrize(
    "query",
    [
        {"service": "abc"},
        {"area": "99999999"},
        {"page": "-3"},
        {"page": "x" * 300},
        {"organisations_page": "999"},
        {"service": "<script>"},
    ],
)
def test_directory_survives_hostile_query_strings(client, section, query):
    response = client.get(section.directory.url, query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_directory_paginates_both_lists(client, section, territory, area, service):
    populate(territory, area, service, 25)
    html = client.get(section.directory.url, {"service": service.pk, "page": 2}).content.decode()
    assert "Page 2 of 3" in html
    assert f"?service={service.pk}&amp;page=3" in html
    assert "?service=" in html and "organisations_page=2" in html


PAGES = ["index", "help_request", "volunteer_signup", "directory"]
QUERY_BUDGET = {"index": 16, "help_request": 17, "volunteer_signup": 18, "directory": 23}


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_data(
    client, section, territory, area, service, django_assert_max_num_queries
):
    urls = {name: getattr(section, name).url for name in PAGES}
    urls["directory"] += f"?service={service.pk}"
    populate(territory, area, service, 10)
    for url in urls.values():
        client.get(url)  # warm Wagtail's site and settings caches
    small = {name: _count_queries(client, url) for name, url in urls.items()}
    populate(territory, area, service, 990)
    large = {name: _count_queries(client, url) for name, url in urls.items()}
    assert large == small, f"10 of each: {small}; 1,000 of each: {large}"
    # Wagtail's routing and the town's menu take about ten; the section's own part is small.
    for name, url in urls.items():
        with django_assert_max_num_queries(QUERY_BUDGET[name]):
            client.get(url)

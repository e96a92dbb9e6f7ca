"""Isolation watch: who has had no visit and no call, longest first; a call in one click."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from tests.conftest import audit_log
from wagtail_bippop.dashboard.metrics import isolated_people
from wagtail_bippop.models import Beneficiary, ContactKind, ContactLog, SolidaritySettings
from wagtail_bippop.roles import COORDINATOR_GROUP, READ_ONLY_GROUP

NOW = timezone.now().replace(microsecond=0)


def ago(days):
    return NOW - datetime.timedelta(days=days)


@pytest.fixture
def people(make_beneficiary, make_mission, make_visit, superuser):
    """Registered 200 days ago: Anne visited 5 days ago, Bernard called 40 days ago by root,
    Claire visited 30 days ago, Daniel never contacted."""
    anne, bernard, claire, daniel = (
        make_beneficiary(first_name=name) for name in ("Anne", "Bernard", "Claire", "Daniel")
    )
    Beneficiary.objects.update(created_at=ago(200))
    for person, days in ((anne, 5), (claire, 30)):
        mission = make_mission(request=None)
        mission.request.beneficiary = person
        mission.request.save()
        make_visit(mission=mission, starts_at=ago(days), status="done", duration_minutes=60)
    ContactLog.objects.create(
        beneficiary=bernard, kind=ContactKind.CALL_OUT, occurred_at=ago(40), author=superuser
    )
    return anne, bernard, claire, daniel


def test_longest_without_contact_first(people, territory):
    found = list(isolated_people([territory.pk], 21, now=NOW))
    assert [p.first_name for p in found] == ["Daniel", "Bernard", "Claire"]
    daniel, bernard, claire = found
    assert daniel.last_visit_at is None and daniel.last_call_at is None
    assert bernard.last_call_at == ago(40) and bernard.last_call_by_username == "root"
    assert claire.last_visit_at == ago(30)


def test_a_planned_or_cancelled_visit_is_not_a_contact(people, territory, make_visit):
    anne = people[0]
    mission = anne.help_requests.get().missions.get()
    make_visit(mission=mission, starts_at=ago(1), status="cancelled")
    assert anne in isolated_people([territory.pk], 3, now=NOW)  # last done visit 5 days ago
    assert anne not in isolated_people([territory.pk], 6, now=NOW)


def test_days_follow_the_site_setting(client, superuser, people, site):
    settings_obj = SolidaritySettings.for_site(site)
    settings_obj.isolation_days = 35
    settings_obj.save()
    client.force_login(superuser)
    response = client.get(reverse("wagtail_bippop_steering:isolation"))
    assert response.status_code == 200
    assert response.context["days"] == 35
    assert [p.first_name for p in response.context["people"]] == ["Daniel", "Bernard"]
    assert response.context["total"] == 2


def test_log_a_call_in_one_click(client, make_staff, people, territory):
    Group.objects.get_or_create(name=COORDINATOR_GROUP)
    user = make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)
    client.force_login(user)
    daniel = people[3]
    response = client.post(
        reverse("wagtail_bippop_steering:log_call", args=[daniel.pk]),
        {"reached": "on", "summary": "Va bien"},
    )
    assert response.status_code == 302
    call = daniel.contacts.get()
    assert (call.author, call.kind, call.reached, call.summary) == (
        user,
        "call_out",
        True,
        "Va bien",
    )
    assert audit_log().filter(action="wagtail_bippop.log_call").count() == 1
    listed = client.get(reverse("wagtail_bippop_steering:isolation")).context["people"]
    assert daniel.pk not in [p.pk for p in listed]


def test_other_territories_people_are_404(client, make_staff, territory, other_territory):
    Group.objects.get_or_create(name=COORDINATOR_GROUP)
    stranger = Beneficiary.objects.create(territory=other_territory, first_name="Z", last_name="Z")
    client.force_login(make_staff("coord", territories=[territory], group=COORDINATOR_GROUP))
    url = reverse("wagtail_bippop_steering:log_call", args=[stranger.pk])
    assert client.post(url, {"reached": "on"}).status_code == 404
    assert not ContactLog.objects.exists()


def test_read_only_role_never_sees_the_list(client, make_staff, people, territory):
    Group.objects.get_or_create(name=READ_ONLY_GROUP)
    client.force_login(make_staff("elu", territories=[territory], group=READ_ONLY_GROUP))
    response = client.get(reverse("wagtail_bippop_steering:isolation"))
    assert response.status_code == 302  # refused, back to the admin home
    assert b"Daniel" not in response.content
    response = client.post(reverse("wagtail_bippop_steering:log_call", args=[people[3].pk]))
    assert response.status_code == 302 and not ContactLog.objects.filter(beneficiary=people[3])

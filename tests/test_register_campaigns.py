"""Heatwave / cold call campaigns over the register: split, status, retries, export, closing."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.conftest import audit_log
from wagtail_bippop.dashboard import campaigns
from wagtail_bippop.models import CallStatus, Campaign, RegisterEntry
from wagtail_bippop.roles import COORDINATOR_GROUP


def entry(territory, last_name, **fields):
    return RegisterEntry.objects.create(
        territory=territory,
        first_name="Odette",
        last_name=last_name,
        category="aged_65",
        address=f"{last_name} street",
        phone="+33344123456",
        requested_by="self",
        channel="phone",
        **fields,
    )


@pytest.fixture
def coordinator(make_staff, territory):
    Group.objects.get_or_create(name=COORDINATOR_GROUP)
    user = make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)
    user.user_permissions.add(Permission.objects.get(codename="view_registerentry"))
    return user


@pytest.fixture
def register(territory, other_territory):
    from django.utils import timezone

    for name in ("Arnaud", "Blanc", "Colin", "Dupont"):
        entry(territory, name)
    entry(territory, "Parti", withdrawn_at=timezone.now())
    entry(other_territory, "Ailleurs")


def test_start_splits_the_list_between_staff_and_volunteers(
    client, coordinator, register, territory, make_volunteer, django_user_model
):
    volunteer_user = django_user_model.objects.create_user("vol", password="pw")
    make_volunteer(user=volunteer_user)
    client.force_login(coordinator)
    response = client.post(
        reverse("wagtail_bippop_steering:campaigns"),
        {"territory": territory.pk, "kind": "heatwave", "title": "Canicule juillet"},
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    calls = campaign.calls.all()
    # Withdrawn and other territories' people are not called.
    assert sorted(c.entry.last_name for c in calls) == ["Arnaud", "Blanc", "Colin", "Dupont"]
    assert sorted(c.caller.username for c in calls) == ["coord", "coord", "vol", "vol"]
    assert audit_log().filter(action="wagtail_bippop.campaign_start").exists()


def test_statuses_retries_progress_and_close(client, coordinator, register, territory, settings):
    settings.BIPPOP_CAMPAIGN_MAX_ATTEMPTS = 2
    campaign = campaigns.start_campaign(
        territory=territory,
        kind="cold",
        title="Grand froid",
        callers=[coordinator],
        user=coordinator,
    )
    client.force_login(coordinator)
    calls = {c.entry.last_name: c for c in campaign.calls.select_related("entry")}

    def record(name, status, note=""):
        url = reverse("wagtail_bippop_steering:campaign_call", args=[calls[name].pk])
        return client.post(url, {"status": status, "note": note})

    assert record("Arnaud", CallStatus.FINE).status_code == 302
    record("Blanc", CallStatus.NEEDS_HELP, "courses")
    record("Colin", CallStatus.NOT_REACHED)
    record("Colin", CallStatus.NOT_REACHED)
    progress = campaigns.progress(campaign)
    assert (progress["total"], progress["done"], progress["percent"]) == (4, 2, 50)
    assert progress["unreachable"] == 1 and progress["to_retry"] == 0
    # Still to call: Dupont never tried first, then Colin.
    assert [c.entry.last_name for c in campaigns.calls_to_make(campaign)] == ["Dupont", "Colin"]
    page = client.get(reverse("wagtail_bippop_steering:campaign", args=[campaign.pk]))
    html = page.content.decode()
    # The page updates itself only when asked: a reload would wipe a note being typed.
    assert 'http-equiv="refresh"' not in html and 'width="50"' in html
    followed = client.get(
        reverse("wagtail_bippop_steering:campaign", args=[campaign.pk]), {"follow": "1"}
    )
    assert 'http-equiv="refresh"' in followed.content.decode()
    export = client.get(reverse("wagtail_bippop_steering:campaign_export", args=[campaign.pk]))
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["Arnaud", "Blanc", "Colin", "Dupont"]
    assert rows[3][9] == "2"  # Colin: two attempts
    url = reverse("wagtail_bippop_steering:campaign_close", args=[campaign.pk])
    client.post(url, {"note": ""})
    campaign.refresh_from_db()
    assert campaign.is_open  # a closing report is required
    client.post(url, {"note": "Tout le monde joint sauf M. Colin, signalé aux pompiers."})
    campaign.refresh_from_db()
    assert not campaign.is_open
    record("Dupont", CallStatus.FINE)
    assert campaign.calls.get(entry__last_name="Dupont").status == CallStatus.TO_CALL
    page = client.get(reverse("wagtail_bippop_steering:campaign", args=[campaign.pk]))
    assert 'http-equiv="refresh"' not in page.content.decode()
    assert audit_log().filter(action="wagtail_bippop.campaign_call").count() == 4


def test_other_territories_campaigns_are_404(client, coordinator, other_territory, register):
    campaign = campaigns.start_campaign(
        territory=other_territory, kind="heatwave", title="Ailleurs", callers=[], user=None
    )
    client.force_login(coordinator)
    assert (
        client.get(reverse("wagtail_bippop_steering:campaign", args=[campaign.pk])).status_code
        == 404
    )
    call = campaign.calls.get()
    url = reverse("wagtail_bippop_steering:campaign_call", args=[call.pk])
    assert client.post(url, {"status": "fine"}).status_code == 404
    call.refresh_from_db()
    assert call.status == CallStatus.TO_CALL


def test_register_permission_is_required(client, make_staff, territory, register):
    Group.objects.get_or_create(name=COORDINATOR_GROUP)
    # Staff of the territory outside the coordinators' group: no register permission.
    user = make_staff("staff2", territories=[territory])
    client.force_login(user)
    response = client.get(reverse("wagtail_bippop_steering:campaigns"))
    # Without the register's own permission: refused, back to the admin home.
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")

"""On demo data, the dashboard shows the year's figures, the isolation watch lists people,
and a heatwave campaign can be started, worked through and exported."""

import pytest
from django.urls import reverse
from django.utils import timezone

from wagtail_bippop.dashboard import campaigns, metrics
from wagtail_bippop.dashboard.views import default_period
from wagtail_bippop.demo.generator import DemoGenerator
from wagtail_bippop.models import (
    CallStatus,
    Campaign,
    LonelinessAssessment,
    RegisterEntry,
    SolidaritySettings,
    Territory,
    Visit,
)


@pytest.fixture
def demo(site):
    territory = Territory.objects.create(name="Bellerive", slug="demo", site=site)
    DemoGenerator(territory, size=3000, seed=3, today=timezone.localdate()).run()
    return territory


def test_demo_feeds_every_part_of_the_steering(client, superuser, demo, site):
    client.force_login(superuser)
    response = client.get(reverse("wagtail_bippop_steering:dashboard"), {"territory": demo.pk})
    key = {row["cells"][0]: row["cells"][1] for row in response.context["tables"][0]["rows"]}
    people_helped = next(iter(key.values()))
    assert people_helped not in ("0", "—")
    impact = response.context["tables"][-1]["rows"]
    assert impact[0]["cells"][1] not in ("0", "—")  # people measured twice
    assert LonelinessAssessment.objects.filter(beneficiary__territory=demo).exists()
    # The demo's bulk-inserted visits reach the roll-up the dashboard reads.
    start, end = default_period()
    period = metrics.Period((demo.pk,), start, end)
    done = Visit.objects.filter(
        status="done",
        mission__request__territory=demo,
        starts_at__gte=period.start_at,
        starts_at__lt=period.end_at,
    )
    assert metrics.visit_totals(period)["visits"] == done.count() > 0
    assert metrics.visit_totals(period)["people"] == (
        done.values("mission__request__beneficiary").distinct().count()
    )

    days = SolidaritySettings.for_site(site).isolation_days
    assert metrics.isolation_count([demo.pk], days) > 0
    isolation = client.get(reverse("wagtail_bippop_steering:isolation"))
    assert len(isolation.context["people"]) > 0

    assert RegisterEntry.objects.filter(territory=demo).count() >= 8
    assert Campaign.objects.filter(territory=demo, closed_at__isnull=False).exists()
    campaign = campaigns.start_campaign(
        territory=demo, kind="heatwave", title="Canicule", callers=[superuser], user=superuser
    )
    for call in campaign.calls.all():
        campaigns.record_call(call, status=CallStatus.FINE, note="", user=superuser)
    assert campaigns.progress(campaign)["percent"] == 100
    export = client.get(
        reverse("wagtail_bippop_steering:campaign_export", args=[campaign.pk]), {"format": "xlsx"}
    )
    assert export.status_code == 200 and export.content[:2] == b"PK"

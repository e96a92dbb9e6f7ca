"""The steering pages in a real Chromium: the dashboard passes axe, and a heatwave campaign
can be worked through with JavaScript turned off."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from wagtail_bippop.dashboard import campaigns
from wagtail_bippop.models import (
    Beneficiary,
    CallStatus,
    HelpRequest,
    Mission,
    RegisterEntry,
    Visit,
    Volunteer,
)

pytestmark = pytest.mark.browser


def log_in(tab, base_url):
    get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    tab.goto(base_url + "/admin/login/")
    tab.fill("#id_username", "root")
    tab.fill("#id_password", "pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(base_url + "/admin/")


def some_activity(territory):
    person = Beneficiary.objects.create(territory=territory, first_name="Jeanne", last_name="M")
    request = HelpRequest.objects.create(territory=territory, beneficiary=person, channel="phone")
    request.services.set([territory.services.first()])
    request.save()
    volunteer = Volunteer.objects.create(
        territory=territory,
        first_name="Anne",
        last_name="B",
        stage="active",
        honourability_checked_on=datetime.date(2026, 1, 5),
        honourability_compatible=True,
    )
    mission = Mission.objects.create(request=request, volunteer=volunteer)
    now = timezone.now().replace(microsecond=0)
    for days in (3, 10, 40):
        start = now - datetime.timedelta(days=days)
        Visit.objects.create(
            mission=mission,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            status="done",
            duration_minutes=60,
        )


def test_dashboard_passes_axe(page, live_site, live_territory, axe_check):
    some_activity(live_territory)
    log_in(page, live_site.base_url)
    page.goto(live_site.base_url + f"/admin/steering/?territory={live_territory.pk}")
    # Seven tables, each with its chart but the key figures.
    assert page.locator(".bippop-dash__block table").count() == 7
    axe_check(page)


def test_campaign_works_without_javascript(browser, live_site, live_territory):
    RegisterEntry.objects.create(
        territory=live_territory,
        first_name="Odette",
        last_name="Martin",
        category="aged_65",
        address="3 rue des Lilas",
        phone="+33344123456",
        requested_by="self",
        channel="phone",
    )
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    log_in(tab, live_site.base_url)
    user = get_user_model().objects.get(username="root")
    campaign = campaigns.start_campaign(
        territory=live_territory, kind="heatwave", title="Canicule", callers=[user], user=user
    )
    tab.goto(live_site.base_url + f"/admin/steering/campaigns/{campaign.pk}/")
    tab.select_option("select[name=status]", CallStatus.NEEDS_HELP)
    tab.fill("input[name=note]", "Besoin d'eau")
    tab.click("form[action*='/calls/'] button[type=submit]")
    tab.wait_for_load_state()
    call = campaign.calls.get()
    assert (call.status, call.note, call.attempts) == (CallStatus.NEEDS_HELP, "Besoin d'eau", 1)
    assert tab.locator("#progress-text").inner_text().startswith("1")
    context.close()

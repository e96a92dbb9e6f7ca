"""The volunteer's emergency-plan calls and loneliness questions in a real Chromium: axe-core
at desktop and phone widths, errors shown, and a call recorded with the keyboard alone."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests.browser.conftest import DESKTOP, NARROW
from wagtail_bippop.dashboard import campaigns
from wagtail_bippop.models import (
    Beneficiary,
    CallStatus,
    HelpRequest,
    LonelinessAssessment,
    Mission,
    RegisterEntry,
    VettingStage,
    Visit,
    Volunteer,
    VolunteerSpacePage,
)
from wagtail_bippop.volunteer_space.services import user_for

pytestmark = pytest.mark.browser


@pytest.fixture
def space(section_tree, live_territory, live_site, page):
    space = section_tree.index.add_child(
        instance=VolunteerSpacePage(title="Espace bénévole", slug="espace-benevole")
    )
    volunteer = Volunteer.objects.create(
        territory=live_territory,
        first_name="Hélène",
        last_name="Vasseur",
        phone="+33612345670",
        stage=VettingStage.ACTIVE,
        honourability_checked_on=datetime.date(2026, 1, 5),
        honourability_compatible=True,
    )
    user = user_for(volunteer)
    RegisterEntry.objects.create(
        territory=live_territory,
        first_name="Odette",
        last_name="Arnaud",
        category="aged_65",
        address="3 rue des Lilas",
        phone="+33344000001",
        lives_alone=True,
        requested_by="self",
        channel="phone",
    )
    campaign = campaigns.start_campaign(
        territory=live_territory, kind="heatwave", title="Canicule", callers=[user], user=user
    )
    jeanne = Beneficiary.objects.create(
        territory=live_territory, first_name="Jeanne", last_name="Martin"
    )
    request = HelpRequest.objects.create(
        territory=live_territory, beneficiary=jeanne, channel="phone"
    )
    mission = Mission.objects.create(request=request, volunteer=volunteer)
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)
    visit = Visit.objects.create(
        mission=mission, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_site.base_url,
            }
        ]
    )
    return live_site.base_url + space.url, campaign.calls.get(), jeanne, visit


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320px"])
def test_calls_and_loneliness_pages_have_no_axe_violation(page, space, axe_check, viewport):
    base, call, jeanne, visit = space
    page.set_viewport_size(viewport)
    for path in ("", "calls/", f"calls/{call.pk}/", f"visits/{visit.pk}/"):
        page.goto(base + path)
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], path
    page.goto(base + f"people/{jeanne.pk}/loneliness/")
    axe_check(page)
    with page.expect_navigation():
        page.click("form.bippop-form button[type=submit]")
    assert page.locator(".bippop-field__error").count() >= 3
    axe_check(page)
    for name in ("lacks_companionship", "feels_left_out", "feels_isolated"):
        page.check(f'input[name="{name}"][value="2"]')
    with page.expect_navigation():
        page.click("form.bippop-form button[type=submit]")
    assert LonelinessAssessment.objects.get().score == 6


def test_a_call_recorded_with_the_keyboard_alone(page, space, tab_to):
    base, call, _jeanne, _visit = space
    page.goto(base + "calls/")
    tab_to(page, f'a[href$="calls/{call.pk}/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "03 44 00 00 01" in page.content()
    tab_to(page, "#id_status_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_note").type("Va bien, a de l'eau")
    tab_to(page, "form.bippop-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    call.refresh_from_db()
    assert (call.status, call.note, call.attempts) == (CallStatus.FINE, "Va bien, a de l'eau", 1)
    assert "03 44 00 00 01" not in page.content()

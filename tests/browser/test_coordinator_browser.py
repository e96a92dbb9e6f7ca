"""A coordinator's phone call, in a real browser: find the person, record, read the timeline."""

import pytest
from django.contrib.auth import get_user_model

from wagtail_bippop.models import Beneficiary, ContactLog, HelpRequest

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_user(live_site):
    return get_user_model().objects.create_superuser("claire", "claire@example.org", "pw")


def _log_in(page, base_url):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", "claire")
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/admin/")


def test_phone_call_with_a_known_person_then_timeline(
    page,  # noqa: F811
    live_site,  # noqa: F811
    live_territory,  # noqa: F811
    admin_user,
):
    known = Beneficiary.objects.create(
        territory=live_territory,
        first_name="Jeanne",
        last_name="Martin",
        birth_year=1938,
        phone="+33611223344",
    )
    base = live_site.base_url
    _log_in(page, base)
    page.goto(base + "/admin/bippop_intake/")
    # The coordinator types the person as heard on the phone, without searching first.
    page.fill("#id_first_name", "Jeanne")
    page.fill("#id_last_name", "Martin")
    page.fill("#id_phone", "06 11 22 33 44")
    page.get_by_label("Visite de convivialité").check()  # services are data, in French
    page.check("#id_consent")
    page.click("#intake-submit")

    # Nothing is created yet: the possible duplicate is shown with an explicit choice.
    warning = page.locator("[role=alert]")
    assert "Jeanne Martin" in warning.inner_text()
    assert not HelpRequest.objects.exists()
    warning.locator(f"button[name=beneficiary][value='{known.pk}']").click()

    page.wait_for_url("**/bippop_requests/inspect/**")
    request = HelpRequest.objects.get()
    assert request.beneficiary == known and Beneficiary.objects.count() == 1
    assert request.reference in page.content()

    page.locator("a[href*='/timeline/']").first.click()
    page.wait_for_url(f"**/solidarite/people/{known.pk}/timeline/")
    assert request.reference in page.inner_text("main")
    page.fill("#id_summary", "Rappelée pour confirmer la visite")
    page.click("#log-call-submit")
    page.wait_for_url(f"**/solidarite/people/{known.pk}/timeline/")
    assert "Rappelée pour confirmer la visite" in page.inner_text("main")
    assert ContactLog.objects.get().author == admin_user

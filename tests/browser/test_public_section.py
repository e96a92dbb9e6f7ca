"""The public section in a real Chromium: axe-core at two widths, and keyboard-only use."""

import pytest
from django.test import override_settings

from tests.browser.conftest import DESKTOP, NARROW
from wagtail_bippop.models import HelpRequest, Organisation, VettingStage, Volunteer

pytestmark = pytest.mark.browser


def fill_help_request(page):
    page.fill("#id_first_name", "Jeanne")
    page.fill("#id_last_name", "Martin")
    page.fill("#id_phone", "06 12 34 56 78")
    page.fill("#id_address", "3 rue des Lilas")
    page.check("#id_services_0")
    page.check("#id_consent")


def fill_volunteer_signup(page):
    page.fill("#id_first_name", "Paul")
    page.fill("#id_last_name", "Durand")
    page.fill("#id_phone", "07 81 22 33 44")
    page.fill("#id_email", "paul@example.org")
    page.check("#id_services_0")
    page.check("#id_charter")
    page.check("#id_consent")


def submit(page):
    with page.expect_navigation():
        page.click("form button[type=submit]")


def public_pages(page, live_site, section):
    """Visit every public page and state of the section; yields a name at each stop."""
    page.goto(live_site.url(section.index))
    yield "home"
    page.goto(live_site.url(section.directory))
    yield "directory"
    for form_page, fill in (
        (section.help_request, fill_help_request),
        (section.volunteer_signup, fill_volunteer_signup),
    ):
        page.goto(live_site.url(form_page))
        yield f"{form_page.slug} form"
        submit(page)
        assert page.locator(".bippop-error-summary").count() == 1
        yield f"{form_page.slug} errors"
        fill(page)
        submit(page)
        assert page.url.endswith("/merci/")
        yield f"{form_page.slug} sent"


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320px"])
def test_every_public_page_has_no_axe_violation(
    page, live_site, section_tree, live_territory, axe_check, viewport
):
    Organisation.objects.create(territory=live_territory, name="Club des Aînés", kind="club")
    volunteer = Volunteer(
        territory=live_territory,
        first_name="Odile",
        last_name="Vasseur",
        phone="+33612345670",
        stage=VettingStage.ACTIVE,
        honourability_checked_on="2026-01-05",
        honourability_compatible=True,
        directory_opt_in=True,
    )
    volunteer.save()
    Volunteer.services.through.objects.create(
        volunteer=volunteer, servicetype=live_territory.services.first()
    )
    page.set_viewport_size(viewport)
    visited = []
    for name in public_pages(page, live_site, section_tree):
        axe_check(page)
        visited.append(name)
    assert len(visited) == 8
    assert HelpRequest.objects.count() == 1
    # The page must not scroll sideways at 320 px (WCAG 1.4.10 reflow).
    page.goto(live_site.url(section_tree.help_request))
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_rate_limited_page_has_no_axe_violation(page, live_site, section_tree, axe_check):
    with override_settings(BIPPOP_FORM_RATE_LIMIT=0):
        page.goto(live_site.url(section_tree.help_request))
        with page.expect_navigation() as navigation:
            page.click("form.bippop-form button[type=submit]")
    assert navigation.value.status == 429
    assert page.locator(".bippop-call__phone").count() == 1  # the way to call instead
    axe_check(page)
    page.set_viewport_size(NARROW)
    axe_check(page)


def test_help_request_by_keyboard_alone(page, live_site, section_tree, tab_to):
    page.goto(live_site.url(section_tree.index))
    tab_to(page, f'a[href="{section_tree.help_request.url}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Sending the empty form: the error summary takes the focus and links to the fields.
    tab_to(page, "form.bippop-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.className")
    assert "bippop-error-summary" in focused
    tab_to(page, '.bippop-error-summary a[href="#id_first_name"]')
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_first_name"

    page.keyboard.type("Jeanne")
    tab_to(page, "#id_last_name").type("Martin")
    tab_to(page, "#id_phone").type("06 12 34 56 78")
    tab_to(page, "#id_address").type("3 rue des Lilas")
    tab_to(page, "#id_services_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_recurrence_0")
    page.keyboard.press("ArrowDown")  # "Regularly"
    tab_to(page, "#id_wanted_slots_3")
    page.keyboard.press("Space")
    tab_to(page, "#id_description").type("Une visite le mardi, merci.")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    tab_to(page, "form.bippop-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith("/merci/")
    request = HelpRequest.objects.get()
    assert request.reference in page.locator(".bippop-reference").inner_text()
    assert request.recurrence == "recurring"
    assert list(request.wanted_slots.values_list("weekday", "period")) == [(1, "morning")]
    assert request.beneficiary.phone == "+33612345678"


def test_volunteer_signup_by_keyboard_alone(page, live_site, section_tree, tab_to):
    page.goto(live_site.url(section_tree.index))
    tab_to(page, f'a[href="{section_tree.volunteer_signup.url}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")

    tab_to(page, "#id_first_name").type("Paul")
    tab_to(page, "#id_last_name").type("Durand")
    tab_to(page, "#id_phone").type("07 81 22 33 44")
    tab_to(page, "#id_email").type("paul@example.org")
    tab_to(page, "#id_services_1")
    page.keyboard.press("Space")
    tab_to(page, "#id_availability_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_has_car")
    page.keyboard.press("Space")
    radius = tab_to(page, "#id_mobility_radius_km")
    page.keyboard.press("Control+A")
    radius.type("5")
    tab_to(page, "#id_directory_opt_in")
    page.keyboard.press("Space")
    tab_to(page, "#id_charter")
    page.keyboard.press("Space")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    tab_to(page, "form.bippop-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith("/merci/"), page.locator(".bippop-error-summary").all_inner_texts()
    volunteer = Volunteer.objects.get()
    assert volunteer.stage == VettingStage.TO_VET
    assert (volunteer.has_car, volunteer.mobility_radius_km, volunteer.directory_opt_in) == (
        True,
        5,
        True,
    )
    assert list(volunteer.availability.values_list("weekday", "period")) == [(0, "morning")]


STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'"
)


def test_pages_pass_a_strict_csp_and_contact_no_other_host(page, live_site, section_tree):
    requested, refused = [], []

    def with_strict_csp(route):
        response = route.fetch()
        route.fulfill(
            response=response,
            headers={**response.headers, "content-security-policy": STRICT_CSP},
        )

    page.route(f"{live_site.base_url}/**", with_strict_csp)
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    for target in (section_tree.index, section_tree.help_request, section_tree.directory):
        page.goto(live_site.url(target))
        assert page.locator("script, style, [style]").count() == 0
    submit(page)  # the directory's filter form, then the error state of a form
    page.goto(live_site.url(section_tree.volunteer_signup))
    submit(page)
    assert page.locator(".bippop-error-summary").count() == 1
    # The stylesheets did load under the policy: the honeypot is hidden by CSS.
    assert page.locator(".bippop-hp").is_hidden()
    assert not refused, refused
    assert requested
    assert all(url.startswith(live_site.base_url) for url in requested), requested

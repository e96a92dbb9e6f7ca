"""The public register form in a real Chromium: accessible (axe, WCAG 2.1 AA), usable with
the keyboard alone, at desktop and phone widths."""

import pytest

from tests.browser.conftest import NARROW
from wagtail_bippop.models import RegisterEntry
from wagtail_bippop.register_pages import RegisterPage

pytestmark = pytest.mark.browser


@pytest.fixture
def register_url(live_site, section_tree):
    index = live_site.home_page.get_children().get(slug="solidarite").specific
    register = index.add_child(instance=RegisterPage(title="Registre canicule", slug="registre"))
    return live_site.url(register)


def test_register_form_is_accessible_and_works_with_the_keyboard(
    page, register_url, axe_check, tab_to, live_territory
):
    page.goto(register_url)
    axe_check(page)
    tab_to(page, "#id_requested_by_0").press("Space")
    for selector, value in [
        ("#id_first_name", "Odette"),
        ("#id_last_name", "Martin"),
        ("#id_address", "3 rue des Lilas"),
        ("#id_phone", "03 44 12 34 56"),
    ]:
        page.fill(selector, value)
    tab_to(page, "#id_category_0").press("Space")
    tab_to(page, "#id_agreement").press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".bippop-confirmation, .bippop-errors")
    assert page.locator(".bippop-errors").count() == 0, page.locator(".bippop-errors").inner_text()
    axe_check(page)
    entry = RegisterEntry.objects.get()
    assert (entry.territory, entry.requested_by, entry.channel) == (live_territory, "self", "web")


def test_register_form_errors_are_accessible_on_a_phone(page, register_url, axe_check):
    page.set_viewport_size(NARROW)
    page.goto(register_url)
    axe_check(page)
    page.click("button[type=submit]")
    page.wait_for_selector(".bippop-errors")
    axe_check(page)
    assert not RegisterEntry.objects.exists()

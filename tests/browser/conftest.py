"""Fixtures for tests that drive a real Chromium through Playwright.

Reuse them in any browser test under ``tests/browser/``:

* ``browser`` (in ``tests/conftest.py``, shared with ``tests/e2e/``): one Chromium for the
  session (Debian's ``chromium``; Playwright's own download
  is never used). Missing browser: the test is skipped with the reason, or fails when
  ``CI=true``.
* ``page``: a fresh browser tab at desktop size (1280 × 900); call ``page.set_viewport_size``
  for other widths (``NARROW`` is 320 px wide).
* ``live_site``: the live server's address, with a default Wagtail ``Site`` and a home page
  (rebuilt when a previous transactional test flushed the database). Use
  ``live_site.url(page)`` to get a page's absolute address.
* ``live_territory``: a territory of that site (its default service catalogue included).
* ``section_tree``: a SolidarityIndexPage and its three children (help request, volunteer
  sign-up, directory) under the home page, with the section's site settings filled in.
* ``axe_check(page)``: runs axe-core with the WCAG 2.1 A/AA tags and fails with a readable
  list of violations.
* ``tab_to(page, selector)``: presses Tab until ``selector`` has the focus (keyboard-only tests).

Mark tests ``@pytest.mark.browser``. They use ``live_server``, so the database is
transactional and flushed after each test (migration data included): create the data each
test needs inside the test, and prefer ``live_territory`` to the shared ``territory`` fixture,
whose ``site`` fixture expects the default Site made by migrations.
"""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from wagtail.models import Page, Site

from tests.browser.section import build_section, ensure_default_site

DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 720}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@dataclass
class LiveSite:
    base_url: str
    site: Site
    home_page: Page

    def url(self, page):
        return self.base_url + page.url


@pytest.fixture
def live_site(live_server, transactional_db):
    cache.clear()  # rate limits and Wagtail's site cache from earlier tests
    site = ensure_default_site()
    return LiveSite(live_server.url, site, site.root_page.specific)


@pytest.fixture
def live_territory(live_site):
    from wagtail_bippop.models import Territory

    return Territory.objects.create(
        name="Bellerive-sur-Aronde", slug="bellerive", site=live_site.site
    )


@pytest.fixture
def section_tree(live_site, live_territory):
    return build_section(live_site.home_page, live_territory)


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


def assert_no_axe_violation(axe, page, tags=AXE_TAGS):
    """Runs axe-core on ``page`` with ``tags`` and fails with a readable list of violations."""
    results = axe.run(
        page, options={"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]}
    )
    violations = results.response["violations"]
    width = page.viewport_size["width"]
    assert not violations, (
        f"axe found {len(violations)} violation(s) on {page.url} at {width} px:\n"
        + format_violations(violations)
    )


@pytest.fixture
def axe_check():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        assert_no_axe_violation(axe, page)

    return check


@pytest.fixture
def tab_to():
    def move(page, selector, *, max_presses=150):
        target = page.locator(selector)
        for _ in range(max_presses):
            page.keyboard.press("Tab")
            if target.evaluate("element => element === document.activeElement"):
                return target
        raise AssertionError(f"{selector} cannot be reached with the Tab key")

    return move

"""Journey 1: a resident asks for help online; the coordinator receives it and opens it."""

import re

import pytest

from wagtail_bippop.models import HelpRequest


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "360px"])
def test_resident_asks_for_help_and_the_coordinator_opens_it(
    e2e_site, coordinator, mailbox, person_page, visit, width
):
    resident = person_page(width=width)
    visit(resident, e2e_site.base_url + e2e_site.section["index"].url)
    with resident.expect_navigation():
        resident.get_by_role("link", name="J'ai besoin d'aide").first.click()
    visit(resident)

    # An empty form: errors listed, nothing stored.
    with resident.expect_navigation():
        resident.click("form.bippop-form button[type=submit]")
    visit(resident)
    assert resident.locator(".bippop-error-summary").count() == 1
    assert HelpRequest.objects.count() == 0

    resident.fill("#id_first_name", "Germaine")
    resident.fill("#id_last_name", "Roux")
    resident.fill("#id_phone", "06 12 34 56 78")
    resident.fill("#id_address", "3 rue des Lilas")
    resident.fill("#id_email", "germaine.roux@example.org")
    resident.check("#id_services_0")
    resident.check("#id_consent")
    with resident.expect_navigation():
        resident.click("form.bippop-form button[type=submit]")
    visit(resident)
    request = HelpRequest.objects.get()
    assert request.reference in resident.inner_text("main")

    # The resident is acknowledged with the reference and the promised call-back.
    acknowledgement = mailbox.wait_for(to="germaine.roux@example.org")
    assert request.reference in acknowledgement.subject + acknowledgement.body
    assert "jours ouvrés" in acknowledgement.body

    # The coordinator is told, and the link in the e-mail opens the request after signing in.
    notice = mailbox.wait_for(to=coordinator.email, contains=request.reference)
    links = [link for link in notice.links if "/admin/" in link]
    assert links, f"no link to the request in the coordinator's e-mail:\n{notice.body}"
    staff = person_page()
    visit(staff, links[0])
    assert "/admin/login/" in staff.url
    staff.fill("#id_username", "sophie")
    staff.fill("#id_password", "mot-de-passe-solide")
    with staff.expect_navigation():
        staff.get_by_role("button", name=re.compile("S.identifier|Se connecter", re.I)).click()
    visit(staff)
    content = staff.inner_text("main")
    assert request.reference in content
    assert "Roux" in content

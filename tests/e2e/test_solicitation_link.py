"""A volunteer answers a solicitation in the browser, from the link in the e-mail they received."""

import pytest
from django.contrib.auth import get_user_model

from wagtail_bippop.models import (
    Beneficiary,
    HelpRequest,
    IntakeChannel,
    Mission,
    Solicitation,
    VettingStage,
    Volunteer,
)
from wagtail_bippop.solicitations import solicit


def _volunteer(territory, service, first_name, email):
    volunteer = Volunteer.objects.create(
        territory=territory,
        first_name=first_name,
        last_name="Lefèvre",
        email=email,
        phone="+33611223344" if first_name == "Paul" else "+33611223355",
        stage=VettingStage.ACTIVE,
        honourability_checked_on="2026-01-05",
        honourability_compatible=True,
    )
    volunteer.services.add(service)
    volunteer.save()
    return volunteer


@pytest.fixture
def asked(e2e_site):
    territory = e2e_site.territory
    service = territory.services.get(slug="visite-de-convivialite")
    person = Beneficiary.objects.create(
        territory=territory, first_name="Germaine", last_name="Roux", phone="+33322456789"
    )
    request = HelpRequest(territory=territory, beneficiary=person, channel=IntakeChannel.PHONE)
    request.save()
    request.services.add(service)
    staff = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    first = _volunteer(territory, service, "Paul", "paul@example.org")
    second = _volunteer(territory, service, "Lina", "lina@example.org")
    solicit(request, [first, second], user=staff)
    return request, first, second


def test_yes_from_the_mailed_link_takes_the_mission(asked, mailbox, person_page, visit):
    request, first, second = asked
    mail = mailbox.wait_for(to="paul@example.org")
    links = [link for link in mail.links if "/solicitation/" in link]
    assert links, f"no answer link in the e-mail: {mail.body}"
    page = person_page()
    visit(page, links[0])
    page.get_by_role("button", name="Oui, je peux aider").click()
    visit(page)
    assert "La vérification CSRF a échoué" not in page.content()
    assert Mission.objects.filter(request=request, volunteer=first).exists()
    assert Solicitation.objects.get(request=request, volunteer=first).status == "accepted"
    # The other volunteer's link now says the request is taken.
    other = mailbox.wait_for(to="lina@example.org", contains="/solicitation/")
    phone = person_page(width=360)
    visit(phone, next(link for link in other.links if "/solicitation/" in link))
    text = phone.inner_text("main")
    assert "déjà été prise" in text, text


def test_no_from_the_mailed_link_is_recorded(asked, mailbox, person_page, visit):
    request, first, _ = asked
    mail = mailbox.wait_for(to="paul@example.org")
    page = person_page(width=360)
    visit(page, next(link for link in mail.links if "/solicitation/" in link))
    page.get_by_role("button", name="Non, pas cette fois").click()
    visit(page)
    assert Solicitation.objects.get(request=request, volunteer=first).status == "declined"

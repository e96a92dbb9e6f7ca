"""Journey: a request taken by phone, matched, agreed with the person, visited, followed up.

A coordinator (not a superuser: the Coordinateur group, one territory) takes a phone call in
the admin with the wanted days → reads the ranked suggestions and their reasons in words →
asks two volunteers → the first answers « Oui » from the link in her e-mail → the second
one's SMS link says the request is taken, and she got the « déjà prise » SMS → the
coordinator follows the link of the « a dit oui » e-mail and records the first visit agreed
with the person → the person gets that date by SMS, the volunteer by e-mail → the volunteer
reports the visit with a worry from her space → the coordinator follows the worry alert,
marks it handled → the person's timeline tells it all. axe runs on every page.
"""

import datetime
import re

import pytest
from django.utils import timezone

from tests.french import MONTHS, day_in_words
from wagtail_bippop.models import (
    Area,
    AvailabilitySlot,
    Beneficiary,
    HelpRequest,
    Mission,
    Solicitation,
    VettingStage,
    Visit,
    VisitStatus,
    Volunteer,
    Worry,
)

pytestmark = pytest.mark.browser

PERSON_MOBILE = "+33612345678"
ALICE = "alice.moreau@example.org"
BEATRICE_MOBILE = "+33698765432"
MONTH_NAMES = "|".join(MONTHS)
DATE_IN_WORDS = re.compile(rf"\b\d{{1,2}} ({MONTH_NAMES})\b|\d{{1,2}}\s?h\b|\d{{1,2}}:\d{{2}}")


def in_words(day):
    return day_in_words(day)


def link_to(message, part):
    found = [link for link in message.links if part in link]
    assert found, f"no link containing {part!r} in:\n{message.body}"
    return found[0]


def click_and_visit(page, visit, locator):
    with page.expect_navigation():
        locator.click()
    return visit(page)


@pytest.fixture
def volunteers(e2e_site):
    """Alice is free on Tuesday afternoons and lives nearby; Béatrice answers by SMS."""
    territory = e2e_site.territory
    service = territory.services.get(slug="visite-de-convivialite")
    centre = Area.objects.create(territory=territory, name="Centre-bourg")
    made = []
    for first_name, last_name, email, phone, area in [
        ("Alice", "Moreau", ALICE, "+33611223344", centre),
        ("Béatrice", "Lemoine", "", BEATRICE_MOBILE, None),
    ]:
        volunteer = Volunteer(
            territory=territory,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            area=area,
            stage=VettingStage.ACTIVE,
            honourability_checked_on=datetime.date(2026, 1, 5),
            honourability_compatible=True,
        )
        volunteer.services.set([service])
        volunteer.save()
        made.append(volunteer)
    AvailabilitySlot.objects.create(volunteer=made[0], weekday=1, period="afternoon")
    return made


def test_a_phone_request_is_matched_agreed_visited_and_followed_up(
    e2e_site, coordinator, volunteers, mailbox, smsbox, person_page, visit, admin_login
):
    alice, beatrice = volunteers
    base = e2e_site.base_url

    # --- the call: the coordinator takes the request in the admin --------------------------
    staff = person_page()
    admin_login(staff, "sophie", "mot-de-passe-solide")
    visit(staff, base + "/admin/bippop_requests/")
    click_and_visit(staff, visit, staff.get_by_role("link", name="Demande par téléphone"))
    staff.fill("#id_first_name", "Germaine")
    staff.fill("#id_last_name", "Roux")
    staff.fill("#id_birth_year", "1941")
    staff.fill("#id_phone", "06 12 34 56 78")
    staff.select_option("#id_area", label="Centre-bourg")
    staff.select_option("#id_preferred_channel", value="sms")
    staff.get_by_label("Visite de convivialité").check()
    staff.select_option("#id_recurrence", value="recurring")
    staff.check("input[name=wanted_slots][value='1-afternoon']")
    staff.check("input[name=wanted_slots][value='3-morning']")
    staff.check("#id_consent")
    click_and_visit(staff, visit, staff.locator("#intake-submit"))
    request = HelpRequest.objects.get()
    person = request.beneficiary
    assert (person.phone, person.preferred_channel) == (PERSON_MOBILE, "sms")
    assert sorted(request.wanted_slots.values_list("weekday", "period")) == [
        (1, "afternoon"),
        (3, "morning"),
    ]
    assert request.reference in staff.inner_text("main")

    # The new request heads the list, its call-back due day shown; the full name finds it.
    visit(staff, base + "/admin/bippop_requests/")
    first_row = staff.locator("table.listing tbody tr").first
    assert request.reference in first_row.inner_text()
    assert "au plus tard le" in first_row.inner_text()
    staff.fill("input[name=q]", "germaine roux")
    with staff.expect_navigation():
        staff.keyboard.press("Enter")
    visit(staff)
    assert request.reference in staff.locator("table.listing").inner_text()
    # The row's main action is readable whole at 1280 and at 1024 px.
    for width in (1280, 1024):
        staff.set_viewport_size({"width": width, "height": 900})
        visit(staff)
        action = staff.locator("td.title .actions a.button").first
        assert action.inner_text().strip() == "Trouver un·e bénévole"
        clipped = action.evaluate(
            "b => b.scrollHeight > b.clientHeight + 1 || b.scrollWidth > b.clientWidth + 1"
        )
        assert not clipped, f"the button is clipped at {width} px"
    staff.set_viewport_size({"width": 1280, "height": 900})

    # --- suggestions, with their reasons in words; both volunteers are asked ---------------
    click_and_visit(staff, visit, staff.locator("td.title .actions a.button").first)
    suggestions = staff.locator("table.listing").last.inner_text()
    assert "Score" not in staff.inner_text("main")
    rows = staff.locator("table.listing").last.locator("tbody tr")
    assert "Alice Moreau" in rows.nth(0).inner_text()
    assert "Très adapté" in rows.nth(0).inner_text()
    assert "Disponible à un moment souhaité" in suggestions.replace("\u00a0", " ")
    assert "Habite le même quartier (Centre-bourg)" in suggestions
    staff.check(f"#bippop-volunteer-{alice.pk}")
    staff.check(f"#bippop-volunteer-{beatrice.pk}")
    click_and_visit(staff, visit, staff.get_by_role("button", name="Solliciter les bénévoles"))
    assert Solicitation.objects.filter(request=request).count() == 2

    # --- Alice says yes from the link in her e-mail ----------------------------------------
    asked = mailbox.wait_for(to=ALICE, contains="/solicitation/")
    alice_page = person_page(width=360)
    visit(alice_page, link_to(asked, "/solicitation/"))
    click_and_visit(alice_page, visit, alice_page.get_by_role("button", name="Oui, je peux aider"))
    assert "La mission est pour vous" in alice_page.inner_text("main")
    mission = Mission.objects.get(request=request)
    assert mission.volunteer == alice and not mission.is_scheduled
    assert not mission.visits.exists()

    # --- Béatrice: her SMS link now says the request is taken, and she was told ------------
    her_question = smsbox.wait_for(to=BEATRICE_MOBILE, contains="/solicitation/")
    taken = smsbox.wait_for(to=BEATRICE_MOBILE, contains="déjà été prise")
    assert request.reference in taken.body
    beatrice_page = person_page(width=360)
    visit(beatrice_page, link_to(her_question, "/solicitation/"))
    text = beatrice_page.inner_text("main")
    assert "déjà été prise" in text and "Oui, je peux aider" not in text

    # Nobody has told Germaine a date: none was agreed yet.
    for message in smsbox.all(to=PERSON_MOBILE):
        assert not DATE_IN_WORDS.search(message.body), message.body

    # --- the coordinator agrees the first visit, from the link in the « oui » e-mail -------
    said_yes = mailbox.wait_for(to=coordinator.email, contains="a dit oui")
    visit(staff, link_to(said_yes, "/schedule/"))
    assert "Fixer la première visite" in staff.inner_text("main") + staff.title()
    first_day = timezone.localdate() + datetime.timedelta(days=6)
    staff.fill("#id_start_date", first_day.isoformat())
    staff.keyboard.press("Escape")
    staff.fill("#id_usual_time", "14:30")
    staff.check("input[name=recurrence][value=weekly]")
    click_and_visit(
        staff, visit, staff.get_by_role("button", name="Enregistrer la première visite")
    )
    mission.refresh_from_db()
    assert mission.is_scheduled
    planned = list(mission.visits.order_by("starts_at"))
    assert len(planned) >= 2
    assert timezone.localtime(planned[0].starts_at).date() == first_day

    # Germaine gets exactly that day and time by SMS; Alice by e-mail.
    told = smsbox.wait_for(to=PERSON_MOBILE, contains=in_words(first_day))
    assert "14\u00a0h\u00a030" in told.body and "Alice" in told.body
    alice_told = mailbox.wait_for(to=ALICE, contains=in_words(first_day))

    # --- Alice reports the visit (moved into the past) with a worry, from her space ---------
    first_visit = planned[0]
    started = timezone.now() - datetime.timedelta(hours=3)
    Visit.objects.filter(pk=first_visit.pk).update(
        starts_at=started, ends_at=started + datetime.timedelta(hours=1)
    )
    space = person_page(width=360)
    visit(space, link_to(alice_told, "/signin/"))
    space.fill("#id_identifier", ALICE)
    click_and_visit(space, visit, space.locator("form.bippop-form button[type=submit]"))
    signin = mailbox.wait_for(to=ALICE, contains="/signin/open/")
    visit(space, link_to(signin, "/signin/open/"))
    click_and_visit(space, visit, space.locator("form button[type=submit]"))
    report_section = space.locator("section[aria-labelledby=bippop-report]")
    click_and_visit(space, visit, report_section.locator("a").first)
    space.check("input[name=status][value=done]")
    space.fill("input[name=duration_minutes]", "75")
    space.fill("textarea[name=report]", "Elle a peu mangé et semble très fatiguée.")
    space.check("input[name=worry]")
    click_and_visit(space, visit, space.locator("form.bippop-form button[type=submit]"))
    first_visit.refresh_from_db()
    assert first_visit.status == VisitStatus.DONE and first_visit.worry
    worry = Worry.objects.get(beneficiary=person)
    assert worry.is_open

    # --- the coordinator follows the worry alert and marks it handled ----------------------
    alert = mailbox.wait_for(to=coordinator.email, contains="Germaine Roux")
    visit(staff, link_to(alert, "/worries/"))
    row = staff.locator("table.listing tbody tr", has_text="Germaine Roux")
    assert "très fatiguée" in row.inner_text()
    row.locator("input[name=note]").fill("Appelée, médecin prévenu")
    click_and_visit(staff, visit, row.get_by_role("button", name="Marquer comme traitée"))
    worry.refresh_from_db()
    assert worry.handled_by == coordinator

    # --- her timeline tells it all ---------------------------------------------------------
    handled_row = staff.locator("table.listing tbody tr", has_text="Germaine Roux")
    assert "traitée" in handled_row.inner_text().lower()
    click_and_visit(staff, visit, handled_row.get_by_role("link", name="Germaine Roux"))
    story = staff.inner_text("main").replace("\u00a0", " ")
    for expected in [
        request.reference,
        "Mission commencée avec Alice Moreau",
        "Première visite fixée",
        in_words(first_day),
        "Votre première visite est fixée",
        "Elle a peu mangé",
        "Inquiétude signalée",
        "Appelée, médecin prévenu",
        "75 minutes",
    ]:
        assert expected in story, f"{expected!r} missing from the timeline:\n{story}"
    assert Beneficiary.objects.count() == 1

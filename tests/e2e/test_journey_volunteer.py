"""Journey: a person offers to volunteer, is vetted and co-opted, then lives in their space.

Sign-up on the public page → a coordinator vets them step by step in the admin (training
session created from the vetting page) → the welcome message received leads to the space →
availability, an absence that cancels a planned visit (the coordination is told by e-mail),
the calendar feed, and a worry raised between visits that the coordinator marks handled.
"""

import datetime
import re

from django.utils import timezone

from wagtail_bippop.models import (
    Beneficiary,
    HelpRequest,
    IntakeChannel,
    Mission,
    TrainingSession,
    VettingStage,
    Visit,
    VisitStatus,
    Volunteer,
    Worry,
)

EMAIL = "lucie.fontaine@example.org"


def submit(page, visit, selector="form.bippop-form button[type=submit]"):
    with page.expect_navigation():
        page.click(selector)
    return visit(page)


def shown(page):
    """The admin's messages fade in: axe judges their colours once they are fully shown."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        """() => {
            const messages = document.querySelector('.messages');
            if (!messages) return true;
            const opaque = (li) => {
                for (let e = li; e; e = e.parentElement) {
                    if (getComputedStyle(e).opacity !== '1') return false;
                }
                return true;
            };
            const moving = document.getAnimations().filter(
                (a) => a.playState === 'running' && a.effect && a.effect.target
                    && (a.effect.target.contains(messages) || messages.contains(a.effect.target))
            );
            return [...messages.querySelectorAll('li')].every(opaque) && !moving.length;
        }"""
    )
    return page


def vetting_step(staff, visit, action):
    """Submit the form of one vetting step; the page comes back with the next steps."""
    with staff.expect_navigation():
        staff.click(f"form:has(input[name=action][value={action}]) button[type=submit]")
    visit(shown(staff))
    assert staff.locator(".messages .success, .messages [class*=success]").count() >= 1, (
        f"step {action} not recorded:\n{staff.inner_text('main')[:600]}"
    )


def link_to(message, part):
    found = [link for link in message.links if part in link]
    assert found, f"no link containing {part!r} in:\n{message.body}"
    return found[0]


def in_days(days, hour=14):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def plan_a_visit_with(volunteer, territory):
    """What the coordinator's matching would have done: a mission and two planned visits."""
    jeanne = Beneficiary.objects.create(
        territory=territory,
        first_name="Jeanne",
        last_name="Martin",
        phone="+33612345678",
        address="3 rue des Lilas",
    )
    request = HelpRequest.objects.create(
        territory=territory, beneficiary=jeanne, channel=IntakeChannel.PHONE
    )
    mission = Mission.objects.create(request=request, volunteer=volunteer)
    visits = []
    for days in (5, 20):
        starts = in_days(days)
        visits.append(
            Visit.objects.create(
                mission=mission, starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)
            )
        )
    return visits


def test_a_volunteer_signs_up_is_vetted_and_uses_their_space(
    e2e_site, coordinator, mailbox, person_page, visit, admin_login
):
    section = e2e_site.section

    # --- the sign-up form, on a phone and on a computer ----------------------------------
    phone = person_page(width=360)
    visit(phone, e2e_site.base_url + section["volunteer_signup"].url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    lucie = person_page()
    visit(lucie, e2e_site.base_url + section["index"].url)
    with lucie.expect_navigation():
        lucie.get_by_role("link", name="J'ai envie d'aider").first.click()
    visit(lucie)
    # Someone already volunteering finds the way to the space from here.
    assert lucie.get_by_role("link", name="Se connecter à l'espace bénévole").count() == 1

    lucie.fill("#id_first_name", "Lucie")
    lucie.fill("#id_last_name", "Fontaine")
    lucie.fill("#id_phone", "06 98 76 54 32")
    lucie.fill("#id_email", EMAIL)
    lucie.fill("#id_mobility_radius_km", "3")
    lucie.check("#id_services_0")
    lucie.check("#id_charter")
    lucie.check("#id_consent")
    submit(lucie, visit)
    volunteer = Volunteer.objects.get(email=EMAIL)
    assert volunteer.stage == VettingStage.TO_VET
    confirmation = lucie.inner_text("main")
    assert "espace bénévole" in confirmation
    assert lucie.get_by_role("link", name="Se connecter à l'espace bénévole").count() == 1

    thanks = mailbox.wait_for(to=EMAIL)
    signin_page = section["volunteer_space"].full_url + "signin/"
    assert signin_page in thanks.links

    # --- the coordinator vets her, from the link in the notice -----------------------------
    notice = mailbox.wait_for(to=coordinator.email, contains="Lucie")
    vetting_url = link_to(notice, "/vetting/")
    staff = person_page()
    admin_login(staff, "sophie", "mot-de-passe-solide")
    visit(staff, vetting_url)
    vetting_step(staff, visit, "interview")
    staff.check("input[name=charter-confirm]")
    vetting_step(staff, visit, "charter")
    staff.check("input[name=honourability-compatible][value=yes]")
    vetting_step(staff, visit, "honourability")

    # No training session yet: the page says so and offers to create one.
    assert "Aucune session de formation" in staff.inner_text("main")
    with staff.expect_navigation():
        staff.get_by_role("link", name="Créer une session de formation").click()
    visit(staff)
    session_day = timezone.localdate() - datetime.timedelta(days=2)
    if staff.locator("select#id_territory").count():
        staff.select_option("select#id_territory", label=e2e_site.territory.name)
    staff.fill("#id_title", "Formation d'accueil")
    staff.fill("#id_date", session_day.isoformat())
    staff.keyboard.press("Escape")
    staff.fill("#id_place", "Mairie, salle du conseil")
    with staff.expect_navigation():
        staff.locator("button.button-longrunning[type=submit]").first.click()
    visit(shown(staff))
    session = TrainingSession.objects.get()
    assert (session.territory, session.date) == (e2e_site.territory, session_day)

    visit(staff, vetting_url)
    staff.select_option("select[name=training-session]", value=str(session.pk))
    vetting_step(staff, visit, "training")
    vetting_step(staff, visit, "activate")
    volunteer.refresh_from_db()
    assert volunteer.stage == VettingStage.ACTIVE
    assert volunteer.trainings.get().session == session

    # Matching is another journey: a visit is planned with her in five days, another later.
    inside, after = plan_a_visit_with(volunteer, e2e_site.territory)

    # --- the welcome she really receives leads to her space -------------------------------
    welcome = mailbox.wait_for(to=EMAIL, contains="espace bénévole est ouvert")
    space = person_page(width=360)
    visit(space, link_to(welcome, "/signin/"))
    space.fill("#id_identifier", EMAIL)
    submit(space, visit)
    signin = mailbox.wait_for(to=EMAIL, contains="/signin/open/")
    visit(space, link_to(signin, "/signin/open/"))
    submit(space, visit, "form button[type=submit]")
    assert "Lucie" in space.inner_text("h1")
    assert "Jeanne M." in space.inner_text("main")

    # The menu is a bar: nothing overflows on a phone; on a computer the items sit in a row.
    assert space.evaluate("document.documentElement.scrollWidth") <= 360
    signout = space.locator(".bippop-space__signout-button")
    assert signout.evaluate("b => getComputedStyle(b).borderTopWidth") == "2px"
    space.set_viewport_size({"width": 1280, "height": 900})
    visit(space)
    links = space.locator(".bippop-space__link")
    first, second = links.nth(0).bounding_box(), links.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"]
    assert abs(signout.bounding_box()["y"] - first["y"]) < 8, "sign-out sits in the bar's row"
    space.set_viewport_size({"width": 360, "height": 800})

    # --- availability ------------------------------------------------------------------------
    with space.expect_navigation():
        space.get_by_role("link", name="Mes disponibilités et mes congés").click()
    visit(space)
    space.check("input[name=slots][value='1:afternoon']")
    space.check("input[name=slots][value='3:morning']")
    submit(space, visit, "form.bippop-form:has(input[name=slots]) button[type=submit]")
    assert set(volunteer.availability.values_list("weekday", "period")) == {
        (1, "afternoon"),
        (3, "morning"),
    }

    # --- an absence over the planned visit ---------------------------------------------------
    space.fill("#id_start_date", (inside.starts_at - datetime.timedelta(days=1)).date().isoformat())
    space.fill("#id_end_date", (inside.starts_at + datetime.timedelta(days=3)).date().isoformat())
    space.fill("#id_note", "Chez ma fille")
    submit(space, visit, "form.bippop-form:has(#id_start_date) button[type=submit]")
    told = space.inner_text(".bippop-messages")
    assert "Jeanne M." in told and "coordination" in told
    inside.refresh_from_db()
    after.refresh_from_db()
    assert (inside.status, after.status) == (VisitStatus.CANCELLED, VisitStatus.PLANNED)
    alert = mailbox.wait_for(to=coordinator.email, contains="Jeanne Martin")
    assert "Lucie Fontaine" in alert.subject + alert.body
    assert re.search(r"annulées", alert.body)
    assert not mailbox.all(to="jeanne"), "nothing is sent to the person helped"

    # --- the calendar feed -----------------------------------------------------------------
    with space.expect_navigation():
        space.get_by_role("link", name="Mon agenda").click()
    visit(space)
    feed = space.input_value("#bippop-feed")
    answer = space.request.get(feed)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    ical = answer.text()
    assert "BEGIN:VCALENDAR" in ical and ical.count("BEGIN:VEVENT") == 2
    assert "STATUS:CANCELLED" in ical and "STATUS:CONFIRMED" in ical

    # --- a worry between visits, handled by the coordination --------------------------------
    with space.expect_navigation():
        space.get_by_role("link", name="Mes visites").click()
    visit(space)
    with space.expect_navigation():
        space.get_by_role("link", name="Détails").first.click()
    visit(space)
    assert "Vous pourrez raconter" in space.inner_text("main")  # not reportable yet
    with space.expect_navigation():
        space.get_by_role("link", name="Signaler une inquiétude").click()
    visit(space)
    space.fill("#id_text", "Elle semblait très fatiguée au téléphone.")
    submit(space, visit, "form.bippop-form:has(#id_text) button[type=submit]")
    assert "coordination" in space.inner_text(".bippop-messages")

    alert = mailbox.wait_for(to=coordinator.email, contains="très fatiguée")
    visit(staff, link_to(alert, "/worries/"))
    row = staff.locator("tr", has_text="très fatiguée")
    row.get_by_label("Ce qui a été fait (facultatif)").fill("Appelée, RDV chez son médecin.")
    with staff.expect_navigation():
        row.get_by_role("button", name="Marquer comme traitée").click()
    visit(shown(staff))
    worry = Worry.objects.get()
    assert worry.handled_by == coordinator and worry.handled_note.startswith("Appelée")
    assert "Appelée, RDV chez son médecin." in staff.inner_text("main")

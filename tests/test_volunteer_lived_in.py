"""The volunteer's side as lived: finding the space, vetting to the end, absences that
touch planned visits, reports only once a visit has begun, worries raised and handled."""

import datetime
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

from wagtail_bippop.models import Worry

from .test_notifications_fixtures import *  # noqa: F403
from .test_notifications_fixtures import route

pytestmark = pytest.mark.django_db

worries_migration = importlib.import_module("wagtail_bippop.migrations.0015_worries")


@pytest.fixture
def jeanne(make_beneficiary):
    return make_beneficiary(
        first_name="Jeanne", address="3 rue des Lilas", postcode="60000", city="Bellerive"
    )


@pytest.fixture
def mission_of_paul(make_mission, make_request, volunteer, jeanne):
    return make_mission(request=make_request(beneficiary=jeanne), volunteer=volunteer)


def in_days(days, hour=14):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def visit_of_paul(make_visit, mission_of_paul):
    """A visit of Paul's to Jeanne, planned in two days."""
    return make_visit(mission=mission_of_paul, starts_at=in_days(2))


# --- worries: the data migration -------------------------------------------------------


def test_migration_copies_worried_visits_into_open_worries(make_visit, make_mission):
    mission = make_mission()
    reported = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)
    worried = make_visit(
        mission=mission,
        starts_at=reported - datetime.timedelta(hours=2),
        status="done",
        duration_minutes=60,
        report="Elle ne mange plus.",
        worry=True,
        reported_at=reported,
    )
    make_visit(mission=mission, starts_at=reported - datetime.timedelta(days=7))
    Worry.objects.all().delete()  # as before the migration: saving the visit opened one

    worries_migration.copy_worried_visits(apps, None)
    worries_migration.copy_worried_visits(apps, None)  # running twice copies nothing more

    worry = Worry.objects.get()
    assert worry.visit == worried
    assert worry.beneficiary == mission.request.beneficiary
    assert worry.mission == mission
    assert worry.raised_by == mission.volunteer
    assert worry.text == "Elle ne mange plus."
    assert worry.raised_at == reported
    assert worry.is_open


# --- forms: help and errors tied to their field ---------------------------------------


def described_ids(html, field_id):
    """The ids the input ``field_id`` points to, and whether the page has each of them."""
    tag = re.search(rf"<(?:input|textarea|select)[^>]*\bid=\"{field_id}\"[^>]*>", html).group(0)
    described = re.search(r'aria-describedby="([^"]*)"', tag)
    ids = described.group(1).split() if described else []
    return tag, {ident: f'id="{ident}"' in html for ident in ids}


def test_signin_field_points_to_its_help_and_error(client, space_page):
    html = client.get(route(space_page, "signin")).content.decode()
    tag, ids = described_ids(html, "id_identifier")
    assert ids and all(ids.values()), ids
    assert "aria-invalid" not in tag

    html = client.post(route(space_page, "signin"), {"identifier": ""}).content.decode()
    tag, ids = described_ids(html, "id_identifier")
    assert len(ids) == 2 and all(ids.values()), ids
    assert 'aria-invalid="true"' in tag


def test_report_form_errors_are_tied_to_their_field(signed_in, space_page, visit_of_paul):
    visit_of_paul.starts_at = timezone.now() - datetime.timedelta(hours=2)
    visit_of_paul.ends_at = visit_of_paul.starts_at + datetime.timedelta(hours=1)
    visit_of_paul.save()
    response = signed_in.post(route(space_page, "visit", visit_of_paul.pk), {"status": "done"})
    html = response.content.decode()
    tag, ids = described_ids(html, "id_duration_minutes")
    assert ids and all(ids.values()), ids
    assert 'aria-invalid="true"' in tag

    html = signed_in.post(
        route(space_page, "visit", visit_of_paul.pk), {"report": ""}
    ).content.decode()
    group = re.search(r'<fieldset[^>]*aria-describedby="([^"]*)"', html)
    assert group and all(f'id="{ident}"' in html for ident in group.group(1).split())
    assert "id_status_error" in group.group(1)


# --- finding the space: sign-up, confirmation, co-optation ------------------------------


def signin_full_url(page):
    return page.full_url + page.reverse_subpage("signin")


def test_signup_page_confirmation_and_email_lead_to_the_space_signin(
    client, section, volunteer_space_page, territory, django_capture_on_commit_callbacks
):
    from django.core import mail

    from tests.test_public_forms import signup_data

    signin = signin_full_url(volunteer_space_page)
    signin_path = volunteer_space_page.url + volunteer_space_page.reverse_subpage("signin")
    # Someone already volunteering finds the way in from the public sign-up page.
    assert signin_path in client.get(section.volunteer_signup.url).content.decode()

    # Messages are written with the volunteer and leave once it has committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            section.volunteer_signup.url, signup_data(territory, email="lucie@example.org")
        )
    assert response.status_code == 302
    confirmation = client.get(response["Location"]).content.decode()
    assert signin_path in confirmation
    assert "espace bénévole" in confirmation

    welcome = [message for message in mail.outbox if message.to == ["lucie@example.org"]]
    assert len(welcome) == 1
    assert signin in welcome[0].body
    assert "espace bénévole" in welcome[0].body
    # The coordination's notice opens the vetting steps of the new volunteer.
    from django.urls import reverse

    from wagtail_bippop.models import Volunteer

    lucie = Volunteer.objects.get(email="lucie@example.org")
    notice = [message for message in mail.outbox if message.to == ["ccas@bellerive.example"]]
    vetting = reverse("wagtail_bippop_coordinator:vetting", args=[lucie.pk])
    assert len(notice) == 1 and vetting in notice[0].body


def test_co_opting_welcomes_the_volunteer_with_the_space_signin_link(
    client, coordinator, make_volunteer, space_page, site_settings
):
    from django.core import mail
    from django.urls import reverse

    from wagtail_bippop.models import OutboxMessage, VettingStage

    volunteer = make_volunteer(
        first_name="Lucie",
        email="lucie@example.org",
        stage=VettingStage.TRAINED,
        honourability_checked_on=datetime.date(2026, 1, 5),
        honourability_compatible=True,
    )
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:vetting", args=[volunteer.pk])
    assert client.post(url, {"action": "activate"}).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.stage == VettingStage.ACTIVE

    sent = OutboxMessage.objects.get(volunteer=volunteer)
    assert sent.kind == "volunteer_coopted"
    assert sent.recipient == "lucie@example.org"
    assert [message.to for message in mail.outbox] == [["lucie@example.org"]]
    body = mail.outbox[0].body
    assert signin_full_url(space_page) in body
    assert "Lucie" in body and "espace bénévole" in body


def test_co_opting_by_sms_sends_the_link_by_sms(coordinator, make_volunteer, space_page):
    from wagtail_bippop.coordinator import vetting
    from wagtail_bippop.models import VettingStage
    from wagtail_bippop.notifications.sms import LocmemBackend

    volunteer = make_volunteer(
        stage=VettingStage.TRAINED,
        honourability_checked_on=datetime.date(2026, 1, 5),
        honourability_compatible=True,
    )
    vetting.apply_action(volunteer, "activate", {}, user=coordinator)
    assert [sms.to for sms in LocmemBackend.outbox] == [volunteer.phone]
    assert signin_full_url(space_page) in LocmemBackend.outbox[0].body


# --- vetting: the training step -----------------------------------------------------------


def test_training_step_without_session_explains_and_records_an_ad_hoc_training(
    client, coordinator, make_volunteer, territory, other_territory
):
    from django.urls import reverse

    from wagtail_bippop.models import TrainingSession, VettingStage

    TrainingSession.objects.create(
        territory=other_territory, title="Ailleurs", date=datetime.date(2026, 1, 10)
    )
    volunteer = make_volunteer(stage=VettingStage.CHECKED)
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:vetting", args=[volunteer.pk])
    html = client.get(url).content.decode()
    assert "Aucune session de formation" in html
    assert reverse("bippop_trainings:add") in html
    assert "Ailleurs" not in html

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    refused = client.post(url, {"action": "training", "training-trained_on": tomorrow})
    assert refused.status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.stage == VettingStage.CHECKED

    day = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(
        url,
        {"action": "training", "training-trained_on": day, "training-title": "Entretien"},
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.stage == VettingStage.TRAINED and volunteer.trained_at == day
    attended = volunteer.trainings.get().session
    assert (attended.territory, attended.title, attended.date) == (territory, "Entretien", day)


def test_training_step_lists_the_sessions_held_in_the_territory(
    client, coordinator, make_volunteer, territory
):
    from django.urls import reverse

    from wagtail_bippop.models import TrainingSession, VettingStage

    held = TrainingSession.objects.create(
        territory=territory, title="Accueil", date=timezone.localdate()
    )
    volunteer = make_volunteer(stage=VettingStage.CHECKED)
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:vetting", args=[volunteer.pk])
    assert "Aucune session de formation" not in client.get(url).content.decode()
    both = client.post(
        url,
        {
            "action": "training",
            "training-session": held.pk,
            "training-trained_on": timezone.localdate(),
        },
    )
    assert both.status_code == 200  # one or the other, not both
    client.post(url, {"action": "training", "training-session": held.pk})
    volunteer.refresh_from_db()
    assert volunteer.stage == VettingStage.TRAINED
    assert volunteer.trainings.get().session == held


def test_demo_has_past_training_sessions_attended_by_its_trained_volunteers(territory):
    from wagtail_bippop.demo.generator import DemoGenerator
    from wagtail_bippop.models import TrainingAttendance, TrainingSession

    today = datetime.date(2026, 11, 20)
    DemoGenerator(territory, size=1000, seed=7, today=today).run()
    sessions = TrainingSession.objects.filter(territory=territory)
    assert sessions.exists()
    assert all(session.date < today for session in sessions)
    trained = territory.volunteers.filter(trained_at__isnull=False)
    assert trained.exists()
    for volunteer in trained:
        attended = TrainingAttendance.objects.get(volunteer=volunteer, attended=True).session
        assert attended.territory == territory and attended.date == volunteer.trained_at
        assert volunteer.interviewed_at <= attended.date
        if volunteer.activated_at:
            assert timezone.localdate(volunteer.activated_at) >= attended.date
    assert not TrainingAttendance.objects.filter(volunteer__trained_at__isnull=True).exists()
    # Its worried visits have their worries, the older ones handled.
    from wagtail_bippop.models import Visit

    worried = Visit.objects.filter(worry=True, mission__request__territory=territory)
    assert Worry.objects.filter(visit__in=worried).count() == worried.count() > 0
    assert Worry.objects.filter(handled_at__isnull=False).exists()


def test_a_visit_saved_with_the_worry_flag_from_any_screen_has_its_worry(make_visit):
    visit = make_visit(status="done", duration_minutes=30, report="Chute.", worry=True)
    worry = Worry.objects.get(visit=visit)
    assert worry.text == "Chute." and worry.is_open
    visit.report = "Chute dans l'escalier."
    visit.save()
    assert Worry.objects.get().text == "Chute dans l'escalier."


# --- absences: the visits planned inside one ----------------------------------------------


def test_an_absence_cancels_the_visits_planned_inside_it_and_tells_the_coordination(
    signed_in,
    space_page,
    volunteer,
    mission_of_paul,
    make_visit,
    jeanne,
    coordinator,
    other_coordinator,
    site_settings,
):
    from django.core import mail

    from tests.conftest import audit_log
    from wagtail_bippop.models import ContactLog, OutboxMessage, VisitStatus

    before = make_visit(mission=mission_of_paul, starts_at=in_days(2))
    inside = make_visit(mission=mission_of_paul, starts_at=in_days(5))
    last_day = make_visit(mission=mission_of_paul, starts_at=in_days(9, hour=18))
    after = make_visit(mission=mission_of_paul, starts_at=in_days(12))
    someone_elses = make_visit(starts_at=in_days(5))

    response = signed_in.post(
        route(space_page, "absence_add"),
        {"start_date": in_days(4).date(), "end_date": in_days(9).date(), "note": "Vacances"},
        follow=True,
    )
    assert response.status_code == 200
    statuses = {
        visit.pk: visit.status
        for visit in type(inside).objects.filter(
            pk__in=[before.pk, inside.pk, last_day.pk, after.pk, someone_elses.pk]
        )
    }
    assert statuses == {
        before.pk: VisitStatus.PLANNED,
        inside.pk: VisitStatus.CANCELLED,
        last_day.pk: VisitStatus.CANCELLED,
        after.pk: VisitStatus.PLANNED,
        someone_elses.pk: VisitStatus.PLANNED,
    }
    # The volunteer sees which visits are concerned...
    page = response.content.decode()
    assert page.count("Jeanne M.") >= 2
    assert "coordination" in page
    # ...the coordination of the territory is told, with the person's name and the dates...
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["ccas@bellerive.example", "coord@example.org"]
    assert "Jeanne Martin" in mail.outbox[0].body and "Paul" in mail.outbox[0].subject
    # ...each visit keeps the reason (the person's timeline shows it), no contact is made up
    # (the isolation watch must not count one), and nobody writes to the person.
    inside.refresh_from_db()
    assert "absence de la personne bénévole" in inside.report
    assert not ContactLog.objects.filter(beneficiary=jeanne).exists()
    assert not OutboxMessage.objects.filter(beneficiary=jeanne).exists()
    cancelled = audit_log().filter(action="wagtail_bippop.visit_cancelled_for_absence")
    assert sorted(int(entry.object_id) for entry in cancelled) == [inside.pk, last_day.pk]


def test_an_absence_without_planned_visits_alerts_nobody(
    signed_in, space_page, volunteer, mission_of_paul, make_visit, coordinator, site_settings
):
    from django.core import mail

    make_visit(mission=mission_of_paul, starts_at=in_days(30))
    signed_in.post(
        route(space_page, "absence_add"),
        {"start_date": in_days(4).date(), "end_date": in_days(9).date()},
    )
    assert volunteer.absences.count() == 1
    assert mail.outbox == []


# --- reports once a visit has begun; worries at any time ----------------------------------


def test_a_future_visit_offers_no_report_form_but_says_when_it_can_be_reported(
    signed_in, space_page, visit_of_paul
):
    from django.utils.formats import date_format

    url = route(space_page, "visit", visit_of_paul.pk)
    html = signed_in.get(url).content.decode()
    assert 'name="duration_minutes"' not in html and 'name="worry"' not in html
    assert date_format(timezone.localtime(visit_of_paul.starts_at), "l j F Y") in html
    # A visit cannot be said missed before it starts either.
    assert signed_in.post(url, {"status": "missed"}).status_code == 200
    visit_of_paul.refresh_from_db()
    assert visit_of_paul.status == "planned"

    visit_of_paul.starts_at = timezone.now() - datetime.timedelta(minutes=30)
    visit_of_paul.ends_at = visit_of_paul.starts_at + datetime.timedelta(hours=1)
    visit_of_paul.save()
    html = signed_in.get(url).content.decode()
    assert 'name="duration_minutes"' in html and 'name="worry"' in html


def test_a_report_with_the_worry_flag_opens_a_worry(
    signed_in, space_page, visit_of_paul, coordinator, site_settings
):
    visit_of_paul.starts_at = timezone.now() - datetime.timedelta(hours=2)
    visit_of_paul.ends_at = visit_of_paul.starts_at + datetime.timedelta(hours=1)
    visit_of_paul.save()
    signed_in.post(
        route(space_page, "visit", visit_of_paul.pk),
        {"status": "done", "duration_minutes": "45", "report": "Elle tousse.", "worry": "on"},
    )
    worry = Worry.objects.get()
    assert (worry.visit, worry.mission, worry.beneficiary) == (
        visit_of_paul,
        visit_of_paul.mission,
        visit_of_paul.mission.request.beneficiary,
    )
    assert worry.raised_by == visit_of_paul.mission.volunteer
    assert worry.text == "Elle tousse." and worry.is_open


def test_a_worry_can_be_raised_between_visits_from_the_persons_page(
    signed_in,
    space_page,
    volunteer,
    visit_of_paul,
    jeanne,
    make_beneficiary,
    make_mission,
    coordinator,
    other_coordinator,
    site_settings,
):
    from django.core import mail

    from tests.conftest import audit_log

    person_url = route(space_page, "person", jeanne.pk)
    worry_url = route(space_page, "worry", jeanne.pk)
    assert worry_url in signed_in.get(person_url).content.decode()

    assert signed_in.post(worry_url, {"text": ""}).status_code == 200
    assert not Worry.objects.exists()

    response = signed_in.post(worry_url, {"text": "Elle n'ouvre plus ses volets."})
    assert response.status_code == 302
    worry = Worry.objects.get()
    assert (worry.beneficiary, worry.mission, worry.visit) == (
        jeanne,
        visit_of_paul.mission,
        None,
    )
    assert worry.raised_by == volunteer and worry.is_open
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["ccas@bellerive.example", "coord@example.org"]
    assert "Elle n'ouvre plus ses volets." in mail.outbox[0].body
    assert "Jeanne Martin" in mail.outbox[0].subject
    assert audit_log().filter(action="wagtail_bippop.worry_raised").count() == 1

    # Only about a person the volunteer is assigned to.
    stranger = make_beneficiary(first_name="Louise")
    assert signed_in.post(route(space_page, "worry", stranger.pk), {"text": "x"}).status_code == 404
    helped_by_other = make_mission().request.beneficiary
    assert (
        signed_in.post(route(space_page, "worry", helped_by_other.pk), {"text": "x"}).status_code
        == 404
    )
    assert Worry.objects.count() == 1


# --- worries: the coordinators mark them handled ------------------------------------------


@pytest.fixture
def worries(volunteer, jeanne, mission_of_paul, make_beneficiary, other_territory):
    from wagtail_bippop.models import Beneficiary

    now = timezone.now()
    handled = Worry.objects.create(
        beneficiary=jeanne,
        mission=mission_of_paul,
        raised_by=volunteer,
        text="Déjà vu par le CCAS.",
        raised_at=now - datetime.timedelta(hours=1),
        handled_at=now,
    )
    still_open = Worry.objects.create(
        beneficiary=jeanne,
        mission=mission_of_paul,
        raised_by=volunteer,
        text="Elle ne mange plus.",
        raised_at=now - datetime.timedelta(days=3),
    )
    elsewhere = Beneficiary.objects.create(
        territory=other_territory, first_name="Odette", last_name="Loin", phone="+33612999999"
    )
    theirs = Worry.objects.create(beneficiary=elsewhere, text="Ailleurs.")
    return handled, still_open, theirs


def test_worries_list_shows_open_ones_first_and_marks_them_handled(client, coordinator, worries):
    from django.urls import reverse

    from tests.conftest import audit_log

    handled, still_open, theirs = worries
    client.force_login(coordinator)
    html = client.get(reverse("bippop_worries")).content.decode()
    assert html.index("Elle ne mange plus.") < html.index("Déjà vu par le CCAS.")
    assert "Ailleurs." not in html
    assert "Marquer comme traitée" in html

    url = reverse("bippop_worry_handled", args=[still_open.pk])
    assert url in html
    response = client.post(url, {"note": "Appelée, RDV médecin pris."})
    assert response.status_code == 302
    still_open.refresh_from_db()
    assert not still_open.is_open
    assert still_open.handled_by == coordinator
    assert still_open.handled_note == "Appelée, RDV médecin pris."
    entry = audit_log().get(action="wagtail_bippop.worry_handled")
    assert entry.object_id == str(still_open.pk) and entry.user_id == coordinator.pk

    html = client.get(reverse("bippop_worries")).content.decode()
    assert "Appelée, RDV médecin pris." in html
    # Handled once: a second click changes nothing.
    assert client.post(url, {"note": "encore"}).status_code == 404


def test_another_territorys_worry_cannot_be_handled(client, coordinator, worries):
    from django.urls import reverse

    _handled, _still_open, theirs = worries
    client.force_login(coordinator)
    response = client.post(reverse("bippop_worry_handled", args=[theirs.pk]), {"note": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_open
    assert client.get(reverse("bippop_worry_handled", args=[theirs.pk])).status_code == 405


def test_anonymising_the_person_blanks_the_worries_about_them(worries, jeanne):
    from wagtail.log_actions import log

    from tests.conftest import audit_log
    from wagtail_bippop.privacy import anonymise_beneficiary

    handled, still_open, theirs = worries
    log(still_open, "wagtail_bippop.worry_raised")
    anonymise_beneficiary(jeanne)
    assert set(Worry.objects.filter(beneficiary=jeanne).values_list("text", "handled_note")) == {
        ("", "")
    }
    assert Worry.objects.get(pk=theirs.pk).text == "Ailleurs."
    labels = (
        audit_log().filter(action="wagtail_bippop.worry_raised").values_list("label", flat=True)
    )
    assert labels and not any("Jeanne" in label or "Martin" in label for label in labels)


# --- the spaces' menu ----------------------------------------------------------------------


def test_the_space_menu_is_a_styled_bar_marking_the_current_page(signed_in, space_page):
    from django.contrib.staticfiles import finders

    html = signed_in.get(route(space_page, "availability")).content.decode()
    start = html.index('<nav class="bippop-space__nav"')
    menu = html[start : html.index("</nav>", start)]
    assert 'class="bippop-space__menu"' in menu
    current = re.findall(r'<a class="bippop-space__link" href="([^"]+)" aria-current="page"', menu)
    assert current == [route(space_page, "availability")]
    assert 'class="bippop-space__signout-button"' in menu
    css = Path(finders.find("wagtail_bippop/css/bippop.css")).read_text(encoding="utf-8")
    for rule in (".bippop-space__menu", ".bippop-space__signout-button", ".bippop-space__link"):
        assert rule in css


def test_date_fields_show_their_date_to_the_browser(client, coordinator, make_volunteer):
    """A date input takes YYYY-MM-DD: a French date (01/12/2026) shows an empty field."""
    from django.urls import reverse

    from wagtail_bippop.models import VettingStage
    from wagtail_bippop.volunteer_space.forms import AbsenceForm

    client.force_login(coordinator)
    volunteer = make_volunteer(stage=VettingStage.TO_VET)
    url = reverse("wagtail_bippop_coordinator:vetting", args=[volunteer.pk])
    today = timezone.localdate().isoformat()
    assert f'value="{today}"' in client.get(url).content.decode()

    form = AbsenceForm({"start_date": "2026-07-10", "end_date": "2026-07-01"})
    assert not form.is_valid()
    assert 'value="2026-07-10"' in str(form["start_date"])


FRENCH_WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def test_weekdays_are_lower_case_mid_sentence(
    signed_in, space_page, mission_of_paul, make_visit, coordinator, site_settings
):
    from django.core import mail

    visit = make_visit(mission=mission_of_paul, starts_at=in_days(5))
    weekday = FRENCH_WEEKDAYS[visit.starts_at.weekday()]
    # The visit page says from when it can be reported...
    html = signed_in.get(route(space_page, "visit", visit.pk)).content.decode()
    assert f"à partir du {weekday} " in html
    # ...the absence's confirmation and the coordination's alert name the visit's day.
    response = signed_in.post(
        route(space_page, "absence_add"),
        {"start_date": in_days(4).date(), "end_date": in_days(6).date()},
        follow=True,
    )
    assert f"annulées\u00a0: {weekday} " in response.content.decode()
    alert = mail.outbox[0].body
    start = FRENCH_WEEKDAYS[in_days(4).weekday()]
    assert f"absence du {start} " in alert
    # Between visits, a worry says when it was raised in the same way.
    signed_in.post(
        route(space_page, "worry", mission_of_paul.request.beneficiary.pk), {"text": "x"}
    )
    today = FRENCH_WEEKDAYS[timezone.localdate().weekday()]
    assert f"entre deux visites, le {today} " in mail.outbox[-1].body

"""The volunteer space: one-time sign-in, what a volunteer sees, and what they may reach."""

import datetime
import re
import time

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from wagtail_bippop.models import (
    Absence,
    AvailabilitySlot,
    MissionStatus,
    RequestStatus,
    Solicitation,
    SolicitationStatus,
    VisitStatus,
)
from wagtail_bippop.models.outbox import VolunteerPreferences
from wagtail_bippop.notifications.sms import LocmemBackend
from wagtail_bippop.volunteer_space.links import signin_token
from wagtail_bippop.volunteer_space.services import user_for

from .test_notifications_fixtures import *  # noqa: F403
from .test_notifications_fixtures import route

LINK = re.compile(r"https?://\S+/signin/open/\?t=(\S+)")


def ask_link(client, page, identifier):
    return client.post(route(page, "signin"), {"identifier": identifier})


def token_from_mail():
    assert len(mail.outbox) == 1
    return LINK.search(mail.outbox[0].body).group(1)


# --- signing in ----------------------------------------------------------------------


def test_sign_in_by_email_link_then_home(client, space_page, volunteer, site_settings):
    response = ask_link(client, space_page, "PAUL@example.org")
    assert response.status_code == 200
    assert mail.outbox[0].to == ["paul@example.org"]
    assert "Paul" in mail.outbox[0].body
    token = token_from_mail()

    # The link itself shows a button (mail scanners that open links use nothing up)...
    opened = client.get(route(space_page, "signin_open"), {"t": token})
    assert opened.status_code == 200
    assert token in opened.content.decode()
    assert client.get(route(space_page, "visit", 1)).status_code == 302
    # ...and the button signs in.
    response = client.post(route(space_page, "signin_open"), {"token": token})
    assert response.status_code == 302
    home = client.get(route(space_page, "home"))
    assert home.status_code == 200
    assert "Paul" in home.content.decode()
    assert "no-store" in home["Cache-Control"]


def test_sign_in_link_by_sms(client, space_page, volunteer):
    ask_link(client, space_page, volunteer.phone.replace("+33", "0"))
    assert mail.outbox == []
    assert [sms.to for sms in LocmemBackend.outbox] == [volunteer.phone]
    assert "/signin/open/?t=" in LocmemBackend.outbox[0].body


def test_link_works_only_once(client, space_page, volunteer):
    ask_link(client, space_page, volunteer.email)
    token = token_from_mail()
    assert client.post(route(space_page, "signin_open"), {"token": token}).status_code == 302
    client.logout()
    reused = client.post(route(space_page, "signin_open"), {"token": token})
    assert reused.status_code == 400
    assert client.get(route(space_page, "settings")).status_code == 302


def test_expired_link_is_refused(client, space_page, volunteer, monkeypatch):
    user = user_for(volunteer)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 21 * 60)
    token = signin_token(user)
    monkeypatch.setattr(time, "time", real_time)
    response = client.post(route(space_page, "signin_open"), {"token": token})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_tampered_link_is_refused(client, space_page, volunteer):
    token = signin_token(user_for(volunteer))
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    assert client.post(route(space_page, "signin_open"), {"token": tampered}).status_code == 400
    assert client.post(route(space_page, "signin_open"), {"token": token}).status_code == 302


def test_link_of_another_territory_volunteer_is_refused(
    client, space_page, make_volunteer, other_territory
):
    stranger = make_volunteer(territory=other_territory, email="x@example.org")
    token = signin_token(user_for(stranger))
    assert client.post(route(space_page, "signin_open"), {"token": token}).status_code == 400


def test_unknown_person_gets_the_same_answer_and_nothing_is_sent(client, space_page, volunteer):
    known = ask_link(client, space_page, volunteer.email).content.decode()
    mail.outbox = []
    unknown = ask_link(client, space_page, "nobody@example.org").content.decode()
    assert mail.outbox == [] and LocmemBackend.outbox == []
    strip = re.compile(r"csrfmiddlewaretoken\" value=\"[^\"]+\"")
    assert strip.sub("", known) == strip.sub("", unknown)


@override_settings(BIPPOP_SIGNIN_RATE_LIMIT=3)
def test_sign_in_links_are_rate_limited(client, space_page, volunteer):
    from django.core.cache import cache

    cache.clear()
    statuses = [ask_link(client, space_page, volunteer.email).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert len(mail.outbox) == 3
    cache.clear()


def test_sign_out(signed_in, space_page):
    assert signed_in.get(route(space_page, "home")).status_code == 200
    assert signed_in.get(route(space_page, "signout")).status_code == 405
    signed_in.post(route(space_page, "signout"))
    assert signed_in.get(route(space_page, "settings")).status_code == 302


# --- what a volunteer may reach --------------------------------------------------------


@pytest.fixture
def visit_of_paul(make_mission, make_visit, volunteer, make_beneficiary):
    beneficiary = make_beneficiary(
        first_name="Jeanne", address="3 rue des Lilas", postcode="60000", city="Bellerive"
    )
    from wagtail_bippop.models import HelpRequest, IntakeChannel

    request = HelpRequest.objects.create(
        territory=volunteer.territory, beneficiary=beneficiary, channel=IntakeChannel.PHONE
    )
    mission = make_mission(request=request, volunteer=volunteer)
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    return make_visit(mission=mission, starts_at=starts_at)


def test_another_volunteers_visit_is_404(signed_in, space_page, make_visit):
    someone_elses = make_visit()
    assert signed_in.get(route(space_page, "visit", someone_elses.pk)).status_code == 404
    assert (
        signed_in.post(
            route(space_page, "visit", someone_elses.pk), {"status": "done", "duration_minutes": 30}
        ).status_code
        == 404
    )
    someone_elses.refresh_from_db()
    assert someone_elses.status == VisitStatus.PLANNED


def test_beneficiary_contact_only_while_mission_active(signed_in, space_page, visit_of_paul):
    beneficiary = visit_of_paul.mission.request.beneficiary
    url = route(space_page, "person", beneficiary.pk)
    page = signed_in.get(url)
    assert page.status_code == 200
    assert "3 rue des Lilas" in page.content.decode()
    assert beneficiary.phone in page.content.decode()
    visit_of_paul.mission.status = MissionStatus.ENDED
    visit_of_paul.mission.save()
    assert signed_in.get(url).status_code == 404


def test_beneficiary_without_mission_is_404(signed_in, space_page, make_beneficiary, make_mission):
    stranger = make_beneficiary(first_name="Louise", address="1 place de la Mairie")
    assert signed_in.get(route(space_page, "person", stranger.pk)).status_code == 404
    helped_by_other = make_mission().request.beneficiary
    assert signed_in.get(route(space_page, "person", helped_by_other.pk)).status_code == 404


def test_home_lists_upcoming_visits_and_open_solicitations(
    signed_in, space_page, visit_of_paul, make_request, volunteer, service
):
    request = make_request(services=[service])
    request.save()  # parental many-to-many values are stored on save
    Solicitation.objects.create(request=request, volunteer=volunteer)
    content = signed_in.get(route(space_page, "home")).content.decode()
    assert route(space_page, "visit", visit_of_paul.pk) in content
    assert "Jeanne M." in content
    assert service.name in content
    assert "3 rue des Lilas" not in content


def test_home_query_count_does_not_grow(
    signed_in, space_page, volunteer, make_mission, make_visit, django_assert_max_num_queries
):
    def add_visits(count):
        for _index in range(count):
            mission = make_mission(volunteer=volunteer)
            make_visit(mission=mission, starts_at=timezone.now() + datetime.timedelta(days=1))

    add_visits(2)
    with django_assert_max_num_queries(30) as few:
        signed_in.get(route(space_page, "home"))
    add_visits(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert signed_in.get(route(space_page, "home")).status_code == 200


# --- actions ----------------------------------------------------------------------------


def test_accept_a_solicitation_creates_the_mission(
    signed_in, space_page, volunteer, make_request, service
):
    request = make_request(services=[service])
    request.move_to(RequestStatus.SEARCHING)
    request.save()
    solicitation = Solicitation.objects.create(request=request, volunteer=volunteer)
    url = route(space_page, "solicitation", solicitation.pk)
    assert signed_in.get(url).status_code == 200
    assert signed_in.post(url, {"answer": "yes"}).status_code == 302
    solicitation.refresh_from_db()
    assert solicitation.status == SolicitationStatus.ACCEPTED
    assert request.missions.get().volunteer == volunteer
    # Answered: no longer reachable.
    assert signed_in.get(url).status_code == 404


def test_decline_and_others_solicitations_are_404(
    signed_in, space_page, volunteer, make_request, make_volunteer
):
    mine = Solicitation.objects.create(request=make_request(), volunteer=volunteer)
    theirs = Solicitation.objects.create(request=make_request(), volunteer=make_volunteer())
    assert (
        signed_in.post(route(space_page, "solicitation", theirs.pk), {"answer": "yes"}).status_code
        == 404
    )
    signed_in.post(route(space_page, "solicitation", mine.pk), {"answer": "no"})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == SolicitationStatus.DECLINED
    assert theirs.status == SolicitationStatus.PENDING


def test_report_visit_with_worry_alerts_coordinator(
    signed_in,
    space_page,
    visit_of_paul,
    coordinator,
    other_coordinator,
    site_settings,
    django_capture_on_commit_callbacks,
):
    visit_of_paul.starts_at = timezone.now() - datetime.timedelta(hours=2)
    visit_of_paul.ends_at = visit_of_paul.starts_at + datetime.timedelta(hours=1)
    visit_of_paul.save()
    # The alert is written with the report and leaves once it has committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            route(space_page, "visit", visit_of_paul.pk),
            {"status": "done", "duration_minutes": "45", "report": "Elle tousse.", "worry": "on"},
        )
    assert response.status_code == 302
    visit_of_paul.refresh_from_db()
    assert (visit_of_paul.status, visit_of_paul.duration_minutes) == (VisitStatus.DONE, 45)
    assert visit_of_paul.worry is True
    assert visit_of_paul.reported_by == visit_of_paul.mission.volunteer.user
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["ccas@bellerive.example", "coord@example.org"]
    assert "Elle tousse." in mail.outbox[0].body
    assert "Jeanne Martin" in mail.outbox[0].subject
    from tests.conftest import audit_log

    actions = set(audit_log().values_list("action", flat=True))
    assert {"wagtail_bippop.visit_reported", "wagtail_bippop.worry_raised"} <= actions


def test_report_done_needs_a_duration(signed_in, space_page, visit_of_paul):
    response = signed_in.post(route(space_page, "visit", visit_of_paul.pk), {"status": "done"})
    assert response.status_code == 200
    visit_of_paul.refresh_from_db()
    assert visit_of_paul.status == VisitStatus.PLANNED


def test_availability_and_absences(signed_in, space_page, volunteer, make_volunteer):
    url = route(space_page, "availability")
    assert signed_in.get(url).status_code == 200
    signed_in.post(url, {"slots": ["0:morning", "3:afternoon"]})
    assert set(volunteer.availability.values_list("weekday", "period")) == {
        (0, "morning"),
        (3, "afternoon"),
    }
    signed_in.post(url, {"slots": ["3:afternoon"]})
    assert list(AvailabilitySlot.objects.filter(volunteer=volunteer).values_list("weekday")) == [
        (3,)
    ]
    signed_in.post(
        route(space_page, "absence_add"),
        {"start_date": "2026-07-01", "end_date": "2026-07-20", "note": "Vacances"},
    )
    absence = volunteer.absences.get()
    assert absence.end_date == datetime.date(2026, 7, 20)
    # Matching reads the same table: the holiday is honoured at once.
    assert Absence.objects.filter(
        volunteer=volunteer, start_date__lte="2026-07-10", end_date__gte="2026-07-10"
    ).exists()
    other = make_volunteer()
    theirs = Absence.objects.create(
        volunteer=other, start_date=datetime.date(2026, 8, 1), end_date=datetime.date(2026, 8, 2)
    )
    assert signed_in.post(route(space_page, "absence_remove", theirs.pk)).status_code == 404
    signed_in.post(route(space_page, "absence_remove", absence.pk))
    assert not volunteer.absences.exists()
    assert Absence.objects.filter(pk=theirs.pk).exists()


def test_absence_ending_before_start_is_refused(signed_in, space_page, volunteer):
    signed_in.post(
        route(space_page, "absence_add"), {"start_date": "2026-07-10", "end_date": "2026-07-01"}
    )
    assert not volunteer.absences.exists()


def test_calendar_feed_event_by_event_and_revocable(
    signed_in, space_page, volunteer, visit_of_paul, make_visit, make_mission, service
):
    visit_of_paul.mission.request.services.set([service])
    visit_of_paul.mission.request.save()
    later = make_visit(
        mission=visit_of_paul.mission,
        starts_at=visit_of_paul.starts_at + datetime.timedelta(days=7),
        minutes=90,
        status=VisitStatus.CANCELLED,
    )
    make_visit()  # another volunteer's visit: never in this feed
    page = signed_in.get(route(space_page, "calendar")).content.decode()
    token = VolunteerPreferences.objects.get(volunteer=volunteer).calendar_token
    feed_url = route(space_page, "calendar_feed", token)
    assert feed_url in page

    signed_in.logout()  # calendar apps have no session
    response = signed_in.get(feed_url)
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["uid"]) for event in events] == [
        f"visit-{visit_of_paul.pk}@testserver",
        f"visit-{later.pk}@testserver",
    ]
    first, second = events
    assert first.decoded("dtstart") == visit_of_paul.starts_at
    assert first.decoded("dtend") == visit_of_paul.ends_at
    assert str(first["status"]) == "CONFIRMED"
    assert service.name in str(first["summary"]) and "Jeanne M." in str(first["summary"])
    assert "Lilas" not in response.content.decode()
    assert second.decoded("dtend") - second.decoded("dtstart") == datetime.timedelta(minutes=90)
    assert str(second["status"]) == "CANCELLED"

    signed_in.force_login(volunteer.user)
    signed_in.post(route(space_page, "calendar"))
    assert signed_in.get(feed_url).status_code == 404
    new_token = VolunteerPreferences.objects.get(volunteer=volunteer).calendar_token
    assert signed_in.get(route(space_page, "calendar_feed", new_token)).status_code == 200


def test_directory_opt_in_and_channel(signed_in, space_page, volunteer):
    url = route(space_page, "settings")
    signed_in.post(url, {"preferred_channel": "sms", "directory_opt_in": "on"})
    volunteer.refresh_from_db()
    assert volunteer.directory_opt_in is True
    assert VolunteerPreferences.objects.get(volunteer=volunteer).preferred_channel == "sms"
    signed_in.post(url, {"preferred_channel": "sms"})
    volunteer.refresh_from_db()
    assert volunteer.directory_opt_in is False


def test_ask_for_account_closure(signed_in, space_page, volunteer, coordinator):
    signed_in.post(route(space_page, "close_account"))
    signed_in.post(route(space_page, "close_account"))
    preferences = VolunteerPreferences.objects.get(volunteer=volunteer)
    assert preferences.closure_requested_at is not None
    assert [message.to for message in mail.outbox] == [["coord@example.org"]]
    assert volunteer.full_name in mail.outbox[0].subject


def test_space_pages_carry_no_inline_script_or_style(signed_in, space_page, visit_of_paul):
    beneficiary = visit_of_paul.mission.request.beneficiary
    names = [("home",), ("availability",), ("calendar",), ("settings",)]
    urls = [route(space_page, *name) for name in names] + [
        route(space_page, "visit", visit_of_paul.pk),
        route(space_page, "person", beneficiary.pk),
    ]
    for url in urls:
        content = signed_in.get(url).content.decode()
        section = content[content.index('<div class="bippop-space">') :]
        assert "<script" not in section and "style=" not in section and "<style" not in section


def test_startup_checks_refuse_reusable_or_endless_links(settings):
    from wagtail_bippop.volunteer_space.checks import check_signin_links

    assert check_signin_links() == []
    settings.SESAME_ONE_TIME = False
    settings.SESAME_MAX_AGE = None
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    assert [error.id for error in check_signin_links()] == [
        "wagtail_bippop.E101",
        "wagtail_bippop.E102",
        "wagtail_bippop.E103",
    ]


def test_a_future_visit_cannot_be_reported_done(signed_in, space_page, visit_of_paul):
    response = signed_in.post(
        route(space_page, "visit", visit_of_paul.pk), {"status": "done", "duration_minutes": "30"}
    )
    assert response.status_code == 200
    visit_of_paul.refresh_from_db()
    assert visit_of_paul.status == VisitStatus.PLANNED
    signed_in.post(route(space_page, "visit", visit_of_paul.pk), {"status": "cancelled"})
    visit_of_paul.refresh_from_db()
    assert visit_of_paul.status == VisitStatus.CANCELLED

"""The partner space: one-time sign-in, the structure's offers and events, publishing."""

import datetime
import re

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry

from tests.conftest import audit_log
from wagtail_bippop.models import (
    EventPage,
    Offer,
    OfferStatus,
    Organisation,
    OrganisationRepresentative,
    OrganisationStatus,
    OutboxMessage,
)
from wagtail_bippop.partners.links import signin_link, user_for

LINK = re.compile(r"https?://\S+/espace/signin/open/\?t=(\S+)")


pytestmark = pytest.mark.usefixtures("english_fresh_cache")


@pytest.fixture
def structure(territory):
    return Organisation.objects.create(
        territory=territory, name="Club des Aînés", kind="club", status=OrganisationStatus.APPROVED
    )


@pytest.fixture
def representative(structure):
    return OrganisationRepresentative.objects.create(
        organisation=structure,
        first_name="Marie",
        last_name="Leroy",
        email="marie@example.org",
        is_active=True,
    )


@pytest.fixture
def signed_in(client, representative, join_page):
    client.force_login(user_for(representative))
    return client


def route(page, name):
    return page.url + page.reverse_subpage(name)


def in_days(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


# --- signing in ----------------------------------------------------------------------------


def test_sign_in_by_email_link(client, join_page, representative):
    response = client.post(route(join_page, "signin"), {"email": "MARIE@example.org"})
    assert response.status_code == 200
    message = OutboxMessage.objects.get(kind="partner_signin_link")
    assert message.recipient == "marie@example.org"
    token = LINK.search(message.body).group(1)
    opened = client.get(route(join_page, "signin_open"), {"t": token})
    assert opened.status_code == 200
    assert client.post(route(join_page, "signin_open"), {"token": token}).status_code == 302
    home = client.get(route(join_page, "space"))
    assert home.status_code == 200
    assert "Club des Aînés" in home.content.decode()
    assert "no-store" in home["Cache-Control"]
    assert audit_log().filter(action="wagtail_bippop.partner_signed_in").count() == 1
    # The link works once.
    client.logout()
    assert client.post(route(join_page, "signin_open"), {"token": token}).status_code == 400


def test_unknown_address_gets_the_same_answer_and_no_mail(client, join_page, representative):
    response = client.post(route(join_page, "signin"), {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "Check your messages" in response.content.decode()
    assert not OutboxMessage.objects.filter(kind="partner_signin_link").exists()


def test_volunteer_space_token_does_not_open_the_partner_space(client, join_page, representative):
    from sesame.utils import get_token

    token = get_token(user_for(representative), scope="bippop-volunteer-space")
    assert client.post(route(join_page, "signin_open"), {"token": token}).status_code == 400
    assert client.post(route(join_page, "signin_open"), {"token": "x" * 600}).status_code == 400


def test_sign_in_requests_are_rate_limited(client, join_page, representative):
    statuses = [
        client.post(route(join_page, "signin"), {"email": "marie@example.org"}).status_code
        for _ in range(7)
    ]
    assert statuses[-1] == 429
    assert OutboxMessage.objects.filter(kind="partner_signin_link").count() == 5


@pytest.mark.parametrize(
    "state",
    ["inactive", "pending", "rejected", "other_territory"],
)
def test_only_active_representatives_of_approved_structures_get_in(
    client, join_page, representative, structure, other_territory, state
):
    if state == "inactive":
        representative.is_active = False
        representative.save()
    elif state == "other_territory":
        structure.territory = other_territory
        structure.save()
    else:
        structure.status = state
        structure.save()
    link = signin_link(join_page, representative)
    token = link.split("?t=")[1]
    assert client.post(route(join_page, "signin_open"), {"token": token}).status_code == 400
    client.force_login(user_for(representative))
    assert client.get(route(join_page, "new_offer")).status_code == 302
    assert client.post(route(join_page, "new_event"), {}).status_code == 302
    client.post(route(join_page, "signin"), {"email": "marie@example.org"})
    assert not OutboxMessage.objects.filter(kind="partner_signin_link").exists()


def test_a_volunteer_is_not_a_partner(client, join_page, make_volunteer):
    from wagtail_bippop.volunteer_space.services import user_for as volunteer_user

    client.force_login(volunteer_user(make_volunteer()))
    assert client.get(route(join_page, "new_offer")).status_code == 302


# --- publishing an offer -------------------------------------------------------------------


def offer_data(territory, **overrides):
    data = {
        "service": territory.services.get(slug="balade").pk,
        "title": "Balade le mardi après-midi",
        "description": "Autour de l'étang.",
        "meeting_point": "Place de la mairie",
        "recurrence": "weekly",
        "first_date": in_days(5),
        "last_date": in_days(60),
        "period": "afternoon",
        "start_time": "14:30",
        "capacity": "3",
        "step_free": "on",
    }
    data.update(overrides)
    return data


def test_representative_publishes_an_offer_that_waits_for_approval(
    signed_in, join_page, territory, structure, representative
):
    response = signed_in.post(route(join_page, "new_offer"), offer_data(territory))
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.organisation == structure and offer.volunteer is None
    assert offer.status == OfferStatus.PENDING
    assert (offer.capacity, offer.recurrence, offer.period) == (3, "weekly", "afternoon")
    assert offer.created_by == representative.user
    assert audit_log().filter(action="wagtail_bippop.offer.submitted").count() == 1
    assert OutboxMessage.objects.filter(kind="partner_submission").exists()
    home = signed_in.get(route(join_page, "space")).content.decode()
    assert "Balade le mardi après-midi" in home and "Waiting for approval" in home


def test_offer_errors_are_clear_and_nothing_is_stored(signed_in, join_page, territory):
    data = offer_data(
        territory,
        title="",
        first_date=in_days(-3),
        capacity="99",
        service="999999",
        start_time="25:99",
    )
    response = signed_in.post(route(join_page, "new_offer"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a title." in html
    assert "This date is in the past." in html
    assert "At most 30 places." in html
    assert "Enter a time such as 14:30." in html
    assert not Offer.objects.exists()


def test_offer_of_another_territory_service_is_refused(
    signed_in, join_page, territory, other_territory
):
    foreign = other_territory.services.get(slug="balade")
    response = signed_in.post(
        route(join_page, "new_offer"), offer_data(territory, service=foreign.pk)
    )
    assert response.status_code == 200
    assert not Offer.objects.exists()


# --- proposing an event --------------------------------------------------------------------


def event_data(**overrides):
    data = {
        "title": "Repas partagé <du jeudi>",
        "date": in_days(10),
        "start_time": "12:00",
        "end_time": "14:00",
        "place_name": "Salle des fêtes",
        "place_address": "1 rue de l'Église",
        "step_free": "on",
        "summary": "Un repas convivial.",
        "description": "Venez nombreux.\n<script>alert(1)</script>",
    }
    data.update(overrides)
    return data


def test_representative_proposes_an_event_as_a_draft(
    signed_in, client, join_page, agenda, structure, representative
):
    response = signed_in.post(route(join_page, "new_event"), event_data())
    assert response.status_code == 302
    event = EventPage.objects.get()
    assert event.get_parent().pk == agenda.pk
    assert event.live is False and event.organiser == structure
    assert event.latest_revision is not None
    assert event.latest_revision.user == representative.user
    assert timezone.localtime(event.starts_at).hour == 12
    assert timezone.localtime(event.ends_at).hour == 14
    assert "<script>" not in event.body and "&lt;script&gt;" in event.body
    assert PageLogEntry.objects.filter(
        page=event, action="wagtail_bippop.partner_event_proposed", user=representative.user
    ).exists()
    home = signed_in.get(route(join_page, "space")).content.decode()
    assert "Waiting for a coordinator" in home
    assert "Repas partagé &lt;du jeudi&gt;" in home
    # Not public until a coordinator publishes it.
    signed_in.logout()
    assert "Repas partagé" not in client.get(agenda.url).content.decode()
    event.latest_revision.publish()
    assert "Repas partagé" in client.get(agenda.url).content.decode()


def test_event_errors(signed_in, join_page, agenda):
    data = event_data(title="", date="31/02/2027", start_time="", end_time="10:00")
    response = signed_in.post(route(join_page, "new_event"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the name of the event." in html
    assert "Enter a date such as 15/06/2027." in html
    assert "Enter the start time." in html
    late = signed_in.post(
        route(join_page, "new_event"), event_data(start_time="15:00", end_time="14:00")
    )
    assert "The end time must come after the start time." in late.content.decode()
    assert not EventPage.objects.exists()


def test_no_agenda_means_a_clear_message(signed_in, join_page):
    response = signed_in.post(route(join_page, "new_event"), event_data())
    assert response.status_code == 200
    assert "The agenda is not open yet." in response.content.decode()


def test_signed_out_post_goes_to_sign_in(client, join_page, agenda):
    response = client.post(route(join_page, "new_event"), event_data())
    assert response.status_code == 302 and response["Location"] == route(join_page, "signin")
    assert not EventPage.objects.exists()


def test_structure_volunteers_count_in_the_territory_figures(
    territory, structure, make_volunteer, make_mission, make_visit
):
    """Volunteers of a partner structure are the territory's volunteers: figures count them."""
    from wagtail_bippop.models import VisitStatus
    from wagtail_bippop.public.stats import public_counters

    before = public_counters(territory)
    member = make_volunteer(organisation=structure)
    make_visit(
        mission=make_mission(volunteer=member),
        starts_at=timezone.now().replace(month=1, day=2, hour=10),
        minutes=120,
        status=VisitStatus.DONE,
        duration_minutes=120,
    )
    after = public_counters(territory)
    assert after.active_volunteers == before.active_volunteers + 1
    assert after.hours_this_year == before.hours_this_year + 2
    assert after.people_helped == before.people_helped + 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"service": "abc"},
        {"service": ["1", "<x>"]},
        {"capacity": "1e9"},
        {"capacity": "-4"},
        {"first_date": "2027-13-45"},
        {"first_date": "99999-01-01"},
        {"last_date": "<script>"},
        {"recurrence": "hourly"},
        {"period": "night"},
        {"title": "x" * 5000},
        {"area": "999999999999999999999"},
        {"start_time": "\x00"},
    ],
)
def test_fuzzed_offer_never_breaks_the_space(signed_in, join_page, territory, overrides):
    response = signed_in.post(route(join_page, "new_offer"), offer_data(territory, **overrides))
    assert response.status_code == 200
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"date": "0000-00-00"},
        {"date": in_days(4000)},
        {"start_time": "99:99"},
        {"end_time": "<b>"},
        {"title": "é" * 300},
        {"place_name": ""},
        {"summary": "s" * 1000},
    ],
)
def test_fuzzed_event_never_breaks_the_space(signed_in, join_page, agenda, overrides):
    response = signed_in.post(route(join_page, "new_event"), event_data(**overrides))
    assert response.status_code == 200
    assert not EventPage.objects.exists()


def test_odd_requests_to_the_space(client, join_page):
    assert client.get(route(join_page, "signout")).status_code == 405
    assert client.get(route(join_page, "signin_open"), {"t": "<script>" * 200}).status_code == 200
    assert client.post(route(join_page, "signin"), {"email": "<b>@"}).status_code == 200
    assert client.get(join_page.url + "espace/nowhere/").status_code == 404


# --- the coordinator moderates what a structure sent ----------------------------------------


def event_review(event):
    from django.urls import reverse

    return reverse("wagtail_bippop_partners:event", args=[event.pk])


@pytest.fixture
def proposed_event(signed_in, join_page, agenda):
    signed_in.post(route(join_page, "new_event"), event_data())
    signed_in.logout()
    return EventPage.objects.get()


def test_the_coordinators_e_mails_link_to_the_offer_and_to_the_event(
    signed_in, join_page, agenda, territory, coordinator, settings
):
    from django.urls import reverse

    settings.WAGTAILADMIN_BASE_URL = "https://mairie.example"
    signed_in.post(route(join_page, "new_offer"), offer_data(territory))
    signed_in.post(route(join_page, "new_event"), event_data())
    offer, event = Offer.objects.get(), EventPage.objects.get()
    messages = OutboxMessage.objects.filter(
        kind="partner_submission", recipient="coord@example.org"
    )
    bodies = [message.body for message in messages.order_by("pk")]
    assert len(bodies) == 2
    assert (
        "https://mairie.example" + reverse("bippop_offers:moderation", args=[offer.pk])
        in (bodies[0])
    )
    assert "https://mairie.example" + event_review(event) in bodies[1]


def test_coordinator_publishes_a_proposed_event(
    client, proposed_event, coordinator, representative, agenda
):
    client.force_login(coordinator)
    page = client.get(event_review(proposed_event))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Repas partagé &lt;du jeudi&gt;" in html and "Salle des fêtes" in html
    assert "Club des Aînés" in html
    response = client.post(event_review(proposed_event), {"decision": "publish"})
    assert response.status_code == 302
    proposed_event.refresh_from_db()
    assert proposed_event.live
    # The partner's own text is what goes public, published by the coordinator.
    assert proposed_event.live_revision == proposed_event.latest_revision
    assert proposed_event.live_revision.user == representative.user
    assert PageLogEntry.objects.filter(
        page=proposed_event, action="wagtail.publish", user=coordinator
    ).exists()
    client.logout()
    assert "Repas partagé" in client.get(agenda.url).content.decode()
    # The representative hears of it, with the public page's address.
    message = OutboxMessage.objects.get(kind="partner_event_published")
    assert message.recipient == representative.email
    assert proposed_event.full_url in message.body
    # Published once: the screen says so and a second publication changes nothing.
    client.force_login(coordinator)
    assert 'value="publish"' not in client.get(event_review(proposed_event)).content.decode()
    client.post(event_review(proposed_event), {"decision": "publish"})
    assert OutboxMessage.objects.filter(kind="partner_event_published").count() == 1


def test_another_territory_cannot_see_or_publish_the_event(
    client, proposed_event, other_coordinator
):
    client.force_login(other_coordinator)
    assert client.get(event_review(proposed_event)).status_code == 404
    assert client.post(event_review(proposed_event), {"decision": "publish"}).status_code == 404
    proposed_event.refresh_from_db()
    assert not proposed_event.live


def test_read_only_and_anonymous_cannot_publish_the_event(
    client, proposed_event, make_staff, territory
):
    from wagtail_bippop.roles import READ_ONLY_GROUP

    reader = make_staff("elu", territories=[territory], group=READ_ONLY_GROUP)
    client.force_login(reader)
    assert client.post(event_review(proposed_event), {"decision": "publish"}).status_code in (
        302,
        403,
    )
    client.logout()
    assert client.post(event_review(proposed_event), {"decision": "publish"}).status_code == 302
    proposed_event.refresh_from_db()
    assert not proposed_event.live


def test_odd_decisions_on_an_event_change_nothing(client, proposed_event, coordinator, agenda):
    client.force_login(coordinator)
    client.post(event_review(proposed_event), {"decision": "<script>"})
    proposed_event.refresh_from_db()
    assert not proposed_event.live
    # Only events have this screen.
    assert client.get(event_review(agenda)).status_code == 404


def test_an_approved_offer_is_announced_to_the_representatives(
    client, signed_in, join_page, territory, coordinator, representative
):
    from django.urls import reverse

    signed_in.post(route(join_page, "new_offer"), offer_data(territory))
    signed_in.logout()
    offer = Offer.objects.get()
    client.force_login(coordinator)
    client.post(reverse("bippop_offers:moderation", args=[offer.pk]), {"action": "approve"})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.APPROVED
    message = OutboxMessage.objects.get(kind="offer_moderated")
    assert message.recipient == representative.email
    assert "Balade le mardi après-midi" in message.subject
    assert "Hello Marie," in message.body


def test_the_space_says_published_in_french_with_the_right_gender(
    signed_in, join_page, agenda, territory, site_language, structure, coordinator
):
    from wagtail_bippop.offers.services import moderate

    signed_in.post(route(join_page, "new_offer"), offer_data(territory))
    signed_in.post(route(join_page, "new_event"), event_data())
    moderate(Offer.objects.get(), OfferStatus.APPROVED, user=coordinator)
    EventPage.objects.get().latest_revision.publish()
    site_language("fr")
    html = signed_in.get(route(join_page, "space")).content.decode()
    assert "État : Publiée" in html.replace("\u00a0", " ")  # the offer: « une proposition »
    assert "État : Publié" in html.replace("\u00a0", " ").replace("Publiée", "")  # the event

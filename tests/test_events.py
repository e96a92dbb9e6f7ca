"""Events and outings: the agenda, an event page, its calendar file, offering to accompany."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from tests.conftest import audit_log
from wagtail_bippop.events.companions import COMPANION_SERVICE
from wagtail_bippop.models import (
    EventIndexPage,
    EventPage,
    Offer,
    OfferStatus,
    Organisation,
    VettingStage,
    VolunteerSpacePage,
)
from wagtail_bippop.volunteer_space.services import user_for

pytestmark = pytest.mark.usefixtures("english_fresh_cache")


@pytest.fixture
def space(section):
    page = VolunteerSpacePage(title="Espace bénévole", slug="espace-benevole")
    section.index.add_child(instance=page)
    return page


@pytest.fixture
def organiser(territory):
    return Organisation.objects.create(territory=territory, name="Club des Aînés", kind="club")


def soon(days=3, hour=14):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=30, second=0, microsecond=0)


@pytest.fixture
def make_event(agenda):
    def make(title="Marché de Noël", *, live=True, starts_at=None, **fields):
        fields.setdefault("place_name", "Place de la mairie")
        event = EventPage(title=title, starts_at=starts_at or soon(), live=live, **fields)
        agenda.add_child(instance=event)
        return event

    return make


def route(page, name, *args):
    return page.url + page.reverse_subpage(name, args=args)


# --- the agenda ------------------------------------------------------------------------


def test_agenda_lists_upcoming_live_events_only(client, agenda, make_event, organiser):
    make_event("Marché de Noël", organiser=organiser, step_free=True, starts_at=soon(5))
    make_event("Repas partagé", starts_at=soon(2))
    make_event("Spectacle passé", starts_at=soon(-3))
    make_event("Brouillon", live=False)
    started = make_event(
        "Café des aidants en cours",
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    html = client.get(agenda.url).content.decode()
    assert "Repas partagé" in html and "Marché de Noël" in html and started.title in html
    assert "Spectacle passé" not in html and "Brouillon" not in html
    assert html.index("Café des aidants en cours") < html.index("Repas partagé")
    assert html.index("Repas partagé") < html.index("Marché de Noël")
    assert "Club des Aînés" in html
    assert "3 events coming up." in html


def test_agenda_is_paginated(client, agenda, make_event):
    for i in range(25):
        make_event(f"Sortie {i:02d}", starts_at=soon(1 + i))
    first = client.get(agenda.url).content.decode()
    assert "Sortie 00" in first and "Sortie 19" in first and "Sortie 20" not in first
    second = client.get(agenda.url, {"page": "2"}).content.decode()
    assert "Sortie 20" in second and "Sortie 24" in second and "Sortie 00" not in second
    # Odd page numbers never break the page.
    for odd in ["999", "-1", "abc", "1e9", "<script>"]:
        assert client.get(agenda.url, {"page": odd}).status_code == 200


def test_agenda_in_french_shows_dates_in_french(client, agenda, make_event, site_language):
    make_event("Marché", starts_at=timezone.make_aware(datetime.datetime(2099, 12, 12, 10, 0)))
    site_language("fr")
    html = client.get(agenda.url).content.decode()
    assert "Samedi 12 décembre 2099, 10:00" in html
    assert "événement à venir" in html


# --- an event page ---------------------------------------------------------------------


def test_event_page_shows_details_and_both_buttons(client, section, make_event, organiser):
    event = make_event(
        place_address="1 place de la République",
        step_free=True,
        accessibility_notes="Toilettes adaptées",
        organiser=organiser,
        summary="Le marché des artisans",
        body="<p>Vin chaud offert.</p>",
    )
    html = client.get(event.url).content.decode()
    for text in [
        "Marché de Noël",
        "Place de la mairie",
        "1 place de la République",
        "Step-free access",
        "Toilettes adaptées",
        "Club des Aînés",
        "Vin chaud offert.",
    ]:
        assert text in html
    assert f'href="{section.help_request.url}?evenement={event.pk}"' in html
    assert f'href="{route(event, "accompany")}"' in html
    assert f'href="{route(event, "ical")}"' in html


def test_past_event_page_has_no_buttons(client, make_event):
    event = make_event(starts_at=soon(-2))
    html = client.get(event.url).content.decode()
    assert "This event is over." in html
    assert "?evenement=" not in html
    assert route(event, "accompany") not in html


def test_event_text_is_escaped_and_no_contact_is_public(client, make_event, make_volunteer):
    volunteer = make_volunteer(email="anne@example.org", phone="+33612345678")
    event = make_event(
        "<script>alert(1)</script>", summary="<b>gras</b>", place_name="<img src=x onerror=1>"
    )
    Offer.objects.create(
        territory=event.get_territory(),
        service=event.get_territory().services.get(slug=COMPANION_SERVICE),
        volunteer=volunteer,
        event=event,
        title="Accompagner",
        first_date=event.starts_at.date(),
        last_date=event.starts_at.date(),
        period="afternoon",
        status=OfferStatus.APPROVED,
    )
    html = client.get(event.url).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>gras</b>" not in html and "<img src=x" not in html
    assert "anne@example.org" not in html and "12 34 56 78" not in html
    assert volunteer.last_name not in html


def test_event_ical_file(client, make_event):
    event = make_event(
        place_address="1 place de la République",
        summary="Le marché des artisans",
        ends_at=soon(hour=18),
    )
    response = client.get(route(event, "ical"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [item] = calendar.walk("VEVENT")
    assert str(item["summary"]) == "Marché de Noël"
    assert item.decoded("dtstart") == event.starts_at
    assert item.decoded("dtend") == event.ends_at
    assert "1 place de la République" in str(item["location"])
    assert str(item["url"]).endswith(event.url)


def test_draft_event_and_odd_routes_are_404(client, make_event):
    draft = make_event("Brouillon", live=False)
    event = make_event()
    assert client.get(draft.url).status_code == 404
    assert client.get(route(draft, "ical")).status_code == 404
    for odd in ["ical/x/", "accompagner/999/", "%3Cscript%3E/", "a" * 300 + "/"]:
        assert client.get(event.url + odd).status_code == 404
    assert client.get(event.url, {"evenement": "<b>", "page": "x" * 5000}).status_code == 200


# --- query counts ------------------------------------------------------------------------


def _count(client, url):
    client.get(url)  # warm caches (site root paths, settings)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_events(agenda, organiser, count, *, start=0):
    from wagtail.models import Page

    parent = Page.objects.get(pk=agenda.pk)
    base = soon(1)
    for i in range(start, start + count):
        parent.add_child(
            instance=EventPage(
                title=f"Sortie {i}",
                slug=f"sortie-{i}",
                starts_at=base + datetime.timedelta(hours=i),
                place_name="Salle des fêtes",
                organiser=organiser if i % 2 else None,
            )
        )
        # treebeard keeps the parent's child count on the instance: read it again.
        parent.refresh_from_db()


def test_query_counts_do_not_grow_with_events(client, agenda, organiser):
    _add_events(agenda, organiser, 10)
    event = EventPage.objects.child_of(agenda).order_by("starts_at").first()
    small = (_count(client, agenda.url), _count(client, event.url))
    _add_events(agenda, organiser, 990, start=10)
    assert EventPage.objects.count() == 1000
    large = (_count(client, agenda.url), _count(client, event.url))
    assert small == large
    assert "Page 1 of 50" in client.get(agenda.url).content.decode()


# --- offering to accompany -------------------------------------------------------------


@pytest.fixture
def volunteer(make_volunteer):
    return make_volunteer(first_name="Paul", email="paul@example.org")


def test_accompany_sends_visitors_to_sign_in_and_back(client, space, make_event, volunteer):
    event = make_event()
    response = client.get(route(event, "accompany"))
    assert response.status_code == 302
    assert response["Location"] == route(space, "signin")
    assert client.session["bippop_after_signin"] == route(event, "accompany")
    assert not Offer.objects.exists()
    # The volunteer asks for a link, opens it, and lands back on the confirmation.
    from django.core import mail

    client.post(route(space, "signin"), {"identifier": "paul@example.org"})
    token = re.search(r"/signin/open/\?t=(\S+)", mail.outbox[-1].body).group(1)
    opened = client.post(route(space, "signin_open"), {"token": token})
    assert opened.status_code == 302 and opened["Location"] == route(event, "accompany")
    assert "Yes, I offer to accompany someone" in client.get(opened["Location"]).content.decode()


def test_signed_in_volunteer_offers_in_one_click(client, space, make_event, volunteer):
    event = make_event()
    client.force_login(user_for(volunteer))
    page = client.get(route(event, "accompany"))
    assert page.status_code == 200
    assert "Yes, I offer to accompany someone" in page.content.decode()
    assert not Offer.objects.exists()

    response = client.post(route(event, "accompany"))
    assert response.status_code == 302 and response["Location"] == event.url
    offer = Offer.objects.get()
    assert offer.event_id == event.pk and offer.volunteer == volunteer
    assert offer.service.slug == COMPANION_SERVICE
    assert (offer.capacity, offer.status) == (1, OfferStatus.PENDING)
    assert offer.first_date == timezone.localtime(event.starts_at).date()
    assert offer.period == "afternoon"
    assert audit_log().filter(action="wagtail_bippop.event_companion_offered").count() == 1
    assert "The coordinator will call you" in client.get(event.url).content.decode()

    # A second click does not make a second offer.
    client.post(route(event, "accompany"))
    assert Offer.objects.count() == 1


def test_volunteer_not_vetted_cannot_offer(client, space, make_event, make_volunteer):
    volunteer = make_volunteer(stage=VettingStage.TO_VET)
    event = make_event()
    client.force_login(user_for(volunteer))
    assert client.post(route(event, "accompany")).status_code == 403
    assert not Offer.objects.exists()


def test_no_offer_for_past_event_or_inactive_service(
    client, space, make_event, volunteer, territory
):
    past = make_event("Passé", starts_at=soon(-1))
    client.force_login(user_for(volunteer))
    assert client.post(route(past, "accompany")).status_code == 404
    event = make_event()
    territory.services.filter(slug=COMPANION_SERVICE).update(is_active=False)
    assert client.post(route(event, "accompany")).status_code == 404
    assert not Offer.objects.exists()


def test_volunteer_of_another_territory_is_sent_to_sign_in(
    client, space, make_event, make_volunteer, other_territory
):
    stranger = make_volunteer(territory=other_territory)
    event = make_event()
    client.force_login(user_for(stranger))
    assert client.post(route(event, "accompany")).status_code == 302
    assert not Offer.objects.exists()


def test_section_home_links_to_the_agenda_and_the_join_page(client, section, agenda):
    from wagtail_bippop.models import PartnerJoinPage

    join = PartnerJoinPage(title="Rejoindre le réseau", slug="rejoindre")
    section.index.add_child(instance=join)
    html = client.get(section.index.url).content.decode()
    assert f'href="{agenda.url}"' in html and f'href="{join.url}"' in html


def test_demo_events_and_partners(client, section, territory, make_volunteer):
    from wagtail_bippop.demo.events import populate_events

    make_volunteer(first_name="Odile")
    Organisation.objects.create(territory=territory, name="CCAS", kind="ccas")
    events = populate_events(territory)
    again = populate_events(territory)
    assert [event.pk for event in events] == [event.pk for event in again]
    assert len(events) == 5
    agenda = EventIndexPage.objects.get()
    html = client.get(agenda.url).content.decode()
    for title in ("Marché de Noël", "Café des aidants", "Repas partagé", "Thé dansant"):
        assert title in html
    joined = Organisation.objects.get(name="Les Amis de l'Aronde")
    assert joined.status == "approved" and joined.representatives.get().is_active
    assert Organisation.objects.get(name="Lire Ensemble").status == "pending"
    assert Offer.objects.filter(event__slug="cafe-des-aidants").count() == 1
    assert client.get(events[0].url + "ical/").status_code == 200


def test_accompany_refuses_other_methods(client, space, make_event, volunteer):
    event = make_event()
    client.force_login(user_for(volunteer))
    assert client.put(route(event, "accompany")).status_code == 405
    assert client.delete(route(event, "accompany")).status_code == 405
    assert not Offer.objects.exists()


def test_private_events_stay_off_the_agenda(client, agenda, make_event):
    from wagtail.models import PageViewRestriction

    hidden = make_event("Réunion privée")
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    make_event("Marché ouvert")
    html = client.get(agenda.url).content.decode()
    assert "Marché ouvert" in html and "Réunion privée" not in html


def test_coordinator_previews_a_proposed_event(client, agenda, make_event, superuser):
    draft = make_event("Brouillon proposé", live=False)
    client.force_login(superuser)
    response = client.get(f"/admin/pages/{draft.pk}/view_draft/")
    assert response.status_code == 200
    assert "Brouillon proposé" in response.content.decode()

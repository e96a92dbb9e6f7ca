"""From an event page to a pair: a resident asks for company, a volunteer offers to go,
the coordinator sees the volunteer on the request and asks them."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.section import build_section
from wagtail_bippop.models import (
    EventIndexPage,
    EventPage,
    HelpRequest,
    Offer,
    OfferStatus,
    RequesterKind,
    Solicitation,
    VettingStage,
    VolunteerSpacePage,
)
from wagtail_bippop.volunteer_space.services import user_for

pytestmark = pytest.mark.usefixtures("english_fresh_cache")


@pytest.fixture
def section(home_page, territory):
    section = build_section(home_page, territory)
    section.index.add_child(
        instance=VolunteerSpacePage(title="Espace bénévole", slug="espace-benevole")
    )
    return section


@pytest.fixture
def event(section):
    agenda = EventIndexPage(title="Agenda", slug="agenda")
    section.index.add_child(instance=agenda)
    starts_at = (timezone.localtime() + datetime.timedelta(days=4)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    event = EventPage(title="Café des aidants", starts_at=starts_at, place_name="Médiathèque")
    agenda.add_child(instance=event)
    return event


def pairing(help_request):
    return reverse("wagtail_bippop_event_pairing:pairing", args=[help_request.pk])


def ask_for_company(client, section, event):
    """A resident follows "I need someone to go with me" and sends the form."""
    page = client.get(event.url).content.decode()
    link = re.search(r'href="([^"]*\?evenement=\d+)"', page).group(1)
    form = client.get(link)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Café des aidants" in html
    service = event.get_territory().services.get(slug="accompagnement-evenement")
    data = {
        "submission_key": str(uuid.uuid4()),
        "requester_kind": RequesterKind.SELF,
        "first_name": "Jeanne",
        "last_name": "Martin",
        "phone": "06 12 34 56 78",
        "address": "3 rue des Lilas",
        "services": [service.pk],
        "recurrence": "one_off",
        "consent": "on",
        "event": str(event.pk),
    }
    response = client.post(section.help_request.url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return HelpRequest.objects.get()


def test_end_to_end_from_the_event_page_to_a_solicitation(
    client, section, event, make_volunteer, coordinator
):
    help_request = ask_for_company(client, section, event)
    assert help_request.event_id == event.pk

    paul = make_volunteer(first_name="Paul", email="paul@example.org")
    client.force_login(user_for(paul))
    client.post(event.url + event.reverse_subpage("accompany"))
    offer = Offer.objects.get(volunteer=paul)
    assert offer.event_id == event.pk

    client.force_login(coordinator)
    inspect = client.get(reverse("bippop_requests:inspect", args=[help_request.pk]))
    assert pairing(help_request) in inspect.content.decode()
    page = client.get(pairing(help_request))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Café des aidants" in html and paul.full_name in html

    response = client.post(pairing(help_request), {"volunteer": paul.pk})
    assert response.status_code == 302
    solicitation = Solicitation.objects.get()
    assert (solicitation.request_id, solicitation.volunteer_id) == (help_request.pk, paul.pk)
    assert "Already asked" in client.get(pairing(help_request)).content.decode()
    # Asking twice does not make a second solicitation.
    client.post(pairing(help_request), {"volunteer": paul.pk})
    assert Solicitation.objects.count() == 1


def test_only_standing_offers_of_active_volunteers_are_shown(
    client, event, make_request, make_volunteer, coordinator, territory
):
    help_request = make_request(event=event)
    service = territory.services.get(slug="accompagnement-evenement")

    def offer(volunteer, status=OfferStatus.PENDING, for_event=event):
        return Offer.objects.create(
            territory=territory,
            service=service,
            volunteer=volunteer,
            event=for_event,
            title="Accompagner",
            first_date=event.starts_at.date(),
            last_date=event.starts_at.date(),
            period="afternoon",
            status=status,
        )

    shown = make_volunteer(first_name="Visible")
    offer(shown, OfferStatus.APPROVED)
    offer(make_volunteer(first_name="Refusé"), OfferStatus.REJECTED)
    offer(make_volunteer(first_name="Suspendu", stage=VettingStage.SUSPENDED))
    offer(make_volunteer(first_name="Ailleurs"), for_event=None)
    client.force_login(coordinator)
    html = client.get(pairing(help_request)).content.decode()
    assert "Visible" in html
    for hidden in ("Refusé", "Suspendu", "Ailleurs"):
        assert hidden not in html
    # A volunteer who did not offer cannot be asked from this page.
    stranger = make_volunteer(first_name="Inconnu")
    client.post(pairing(help_request), {"volunteer": stranger.pk})
    client.post(pairing(help_request), {"volunteer": "<script>"})
    assert not Solicitation.objects.exists()


def test_request_without_event_or_other_territory_is_404(
    client, event, make_request, coordinator, other_coordinator
):
    plain = make_request()
    linked = make_request(event=event)
    client.force_login(coordinator)
    assert client.get(pairing(plain)).status_code == 404
    assert client.get("/admin/solidarite-evenements/999999/").status_code == 404
    client.force_login(other_coordinator)
    assert client.get(pairing(linked)).status_code == 404
    assert client.post(pairing(linked), {"volunteer": "1"}).status_code == 404


def test_read_only_role_cannot_pair(client, event, make_request, make_staff, territory):
    from wagtail_bippop.roles import READ_ONLY_GROUP

    reader = make_staff("elu", territories=[territory], group=READ_ONLY_GROUP)
    client.force_login(reader)
    assert client.get(pairing(make_request(event=event))).status_code in (302, 403)

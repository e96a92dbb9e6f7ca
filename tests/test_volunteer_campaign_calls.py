"""Volunteers record the calls of an emergency-plan campaign from their own space."""

import pytest

from tests.conftest import audit_log
from wagtail_bippop.dashboard import campaigns
from wagtail_bippop.models import CallStatus, RegisterEntry
from wagtail_bippop.volunteer_space.services import user_for

from .test_notifications_fixtures import *  # noqa: F403
from .test_notifications_fixtures import route


def entry(territory, last_name, phone):
    return RegisterEntry.objects.create(
        territory=territory,
        first_name="Odette",
        last_name=last_name,
        category="aged_65",
        address=f"3 rue {last_name}",
        phone=phone,
        requested_by="self",
        channel="phone",
    )


@pytest.fixture
def campaign(territory, volunteer, make_volunteer, coordinator):
    entry(territory, "Arnaud", "+33344000001")
    entry(territory, "Blanc", "+33344000002")
    entry(territory, "Colin", "+33344000003")
    other = make_volunteer(first_name="Marie")
    callers = [user_for(volunteer), user_for(other), coordinator]
    return campaigns.start_campaign(
        territory=territory, kind="heatwave", title="Canicule", callers=callers, user=coordinator
    )


def call_of(campaign, name):
    return campaign.calls.get(entry__last_name=name)


def test_a_volunteer_sees_only_their_calls_and_the_contact_while_open(
    signed_in, space_page, campaign
):
    home = signed_in.get(route(space_page, "home")).content.decode()
    assert route(space_page, "campaign_calls") in home
    listing = signed_in.get(route(space_page, "campaign_calls"))
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "Arnaud" in html and "Blanc" not in html and "Colin" not in html
    assert "+33344000001" not in html and "03 44 00 00 01" not in html  # no phone on the list
    mine = call_of(campaign, "Arnaud")
    page = signed_in.get(route(space_page, "campaign_call", mine.pk)).content.decode()
    assert "03 44 00 00 01" in page and "3 rue Arnaud" in page
    assert "<fieldset" in page and "<legend>" in page


def test_another_volunteers_or_staff_call_is_404(signed_in, space_page, campaign):
    for name in ("Blanc", "Colin"):
        theirs = call_of(campaign, name)
        url = route(space_page, "campaign_call", theirs.pk)
        assert signed_in.get(url).status_code == 404
        assert signed_in.post(url, {"status": CallStatus.FINE}).status_code == 404
        assert call_of(campaign, name).status == CallStatus.TO_CALL


@pytest.mark.parametrize("status", [CallStatus.FINE, CallStatus.NEEDS_HELP, CallStatus.ESCALATED])
def test_recording_a_result_settles_the_call_and_hides_the_contact(
    signed_in, space_page, campaign, status, volunteer
):
    mine = call_of(campaign, "Arnaud")
    url = route(space_page, "campaign_call", mine.pk)
    response = signed_in.post(url, {"status": status, "note": "Va bien, a de l'eau"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.attempts, mine.note) == (status, 1, "Va bien, a de l'eau")
    logged = audit_log().get(action="wagtail_bippop.campaign_call")
    assert logged.user_id == volunteer.user_id and logged.data["status"] == status
    assert signed_in.get(url).status_code == 404  # settled: the contact is no longer shown
    listing = signed_in.get(route(space_page, "campaign_calls")).content.decode()
    assert "Arnaud" in listing and "03 44 00 00 01" not in listing


def test_not_reached_stays_on_the_list_to_call_again(signed_in, space_page, campaign):
    mine = call_of(campaign, "Arnaud")
    url = route(space_page, "campaign_call", mine.pk)
    signed_in.post(url, {"status": CallStatus.NOT_REACHED})
    signed_in.post(url, {"status": CallStatus.NOT_REACHED})
    mine.refresh_from_db()
    assert (mine.status, mine.attempts) == (CallStatus.NOT_REACHED, 2)
    assert signed_in.get(url).status_code == 200
    assert campaigns.progress(campaign)["done"] == 0


def test_invalid_result_is_refused_with_a_message_and_the_note_kept(
    signed_in, space_page, campaign
):
    mine = call_of(campaign, "Arnaud")
    url = route(space_page, "campaign_call", mine.pk)
    response = signed_in.post(url, {"status": "to_call", "note": "pas de réponse"})
    assert response.status_code == 400
    assert "pas de réponse" in response.content.decode()
    assert call_of(campaign, "Arnaud").attempts == 0


def test_a_closed_campaign_is_no_longer_reachable(signed_in, space_page, campaign, coordinator):
    mine = call_of(campaign, "Arnaud")
    campaigns.close_campaign(campaign, note="Fin de l'alerte", user=coordinator)
    assert signed_in.get(route(space_page, "campaign_call", mine.pk)).status_code == 404
    listing = signed_in.get(route(space_page, "campaign_calls")).content.decode()
    assert "Arnaud" not in listing


def test_signed_out_visitors_are_sent_to_sign_in(client, space_page, campaign):
    mine = call_of(campaign, "Arnaud")
    assert client.get(route(space_page, "campaign_call", mine.pk)).status_code == 302
    assert client.get(route(space_page, "campaign_calls")).status_code == 302

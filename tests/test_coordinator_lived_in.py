"""The coordinator's admin as a social worker lives in it: search, queue, words, messages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from wagtail_bippop.roles import COORDINATOR_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_staff, territory):
    return make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)


# --- 8. Full-name search ------------------------------------------------------------------


@pytest.fixture
def germaine(make_visit, make_beneficiary, make_request, make_volunteer):
    person = make_beneficiary(first_name="Germaine", last_name="Roux")
    volunteer = make_volunteer(first_name="Hélène", last_name="Lefèvre-Dubois")
    request = make_request(beneficiary=person)
    from wagtail_bippop.models import Mission

    mission = Mission.objects.create(request=request, volunteer=volunteer)
    visit = make_visit(mission=mission, starts_at=timezone.now() + datetime.timedelta(days=1))
    # Someone else, who must not come up.
    other = make_beneficiary(first_name="Marcel", last_name="Germain")
    make_request(beneficiary=other)
    return {
        "bippop_requests": request,
        "bippop_beneficiaries": person,
        "bippop_volunteers": volunteer,
        "bippop_missions": mission,
        "bippop_visits": visit,
    }


PERSON_QUERIES = ["Germaine Roux", "roux germaine", "GERMAINE  roux", "Germaine"]
VOLUNTEER_QUERIES = ["Hélène Lefèvre-Dubois", "helene lefevre dubois", "Dubois Hélène"]


@pytest.mark.parametrize(
    "namespace",
    ["bippop_requests", "bippop_beneficiaries", "bippop_missions", "bippop_visits"],
)
@pytest.mark.parametrize("query", PERSON_QUERIES)
def test_full_name_search_finds_the_person_in_every_listing(
    client, coordinator, germaine, namespace, query
):
    client.force_login(coordinator)
    response = client.get(reverse(f"{namespace}:index"), {"q": query})
    assert response.status_code == 200
    assert [obj.pk for obj in response.context["object_list"]] == [germaine[namespace].pk]


@pytest.mark.parametrize("namespace", ["bippop_volunteers", "bippop_missions", "bippop_visits"])
@pytest.mark.parametrize("query", VOLUNTEER_QUERIES)
def test_full_name_search_finds_the_volunteer(client, coordinator, germaine, namespace, query):
    client.force_login(coordinator)
    response = client.get(reverse(f"{namespace}:index"), {"q": query})
    assert [obj.pk for obj in response.context["object_list"]] == [germaine[namespace].pk]


def test_search_by_reference_and_phone_still_works(client, coordinator, germaine):
    client.force_login(coordinator)
    request = germaine["bippop_requests"]
    response = client.get(reverse("bippop_requests:index"), {"q": request.reference})
    assert [obj.pk for obj in response.context["object_list"]] == [request.pk]
    person = germaine["bippop_beneficiaries"]
    national = "0" + person.phone.removeprefix("+33")
    response = client.get(reverse("bippop_beneficiaries:index"), {"q": national})
    assert [obj.pk for obj in response.context["object_list"]] == [person.pk]


def test_intake_search_finds_a_full_name(client, coordinator, germaine):
    client.force_login(coordinator)
    response = client.get(reverse("bippop_intake:index"), {"q": "Germaine Roux"})
    assert [p.pk for p in response.context["found"]] == [germaine["bippop_beneficiaries"].pk]


def test_search_stays_in_the_coordinators_territories(
    client, coordinator, germaine, other_territory
):
    from wagtail_bippop.models import Beneficiary

    elsewhere = Beneficiary(territory=other_territory, first_name="Germaine", last_name="Roux")
    elsewhere.save()
    client.force_login(coordinator)
    response = client.get(reverse("bippop_beneficiaries:index"), {"q": "Germaine Roux"})
    assert [obj.pk for obj in response.context["object_list"]] == [
        germaine["bippop_beneficiaries"].pk
    ]


# --- 16. A yes recorded by phone closes the other solicitations ---------------------------


@pytest.fixture
def asked_two(
    make_request, make_volunteer, service, coordinator, django_capture_on_commit_callbacks
):
    from wagtail_bippop.solicitations import solicit

    help_request = make_request(services=[service])
    help_request.save()
    first = make_volunteer(first_name="Paul", email="paul@example.org", services=[service])
    second = make_volunteer(first_name="Lina", email="lina@example.org", services=[service])
    first.save()
    second.save()
    with django_capture_on_commit_callbacks(execute=True):
        created = solicit(help_request, [first, second], user=coordinator)
    return help_request, created


def _taken_messages(volunteer):
    from wagtail_bippop.models import OutboxMessage

    return OutboxMessage.objects.filter(volunteer=volunteer, kind="solicitation_filled")


def test_yes_recorded_by_phone_tells_the_other_volunteer_the_request_is_taken(
    client, coordinator, asked_two, mailoutbox, django_capture_on_commit_callbacks
):
    from wagtail_bippop.models import SolicitationStatus

    help_request, (first, second) = asked_two
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_matching:suggestions", args=[help_request.pk])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"solicitation": first.pk, "answer": "yes"})
    second.refresh_from_db()
    assert second.status == SolicitationStatus.FILLED
    assert second.responded_at is None  # Lina never answered
    (message,) = _taken_messages(second.volunteer)
    assert "déjà prise" in message.subject
    assert help_request.reference in message.body
    assert [m for m in mailoutbox if m.to == ["lina@example.org"]]
    # Her link now says the request is taken; a late yes changes nothing.
    from wagtail_bippop.solicitations import Outcome, respond

    assert respond(second, True).outcome == Outcome.FILLED
    assert _taken_messages(second.volunteer).count() == 1


def test_yes_online_closes_the_others_the_same_way(asked_two, django_capture_on_commit_callbacks):
    from wagtail_bippop.models import SolicitationStatus
    from wagtail_bippop.solicitations import respond

    help_request, (first, second) = asked_two
    with django_capture_on_commit_callbacks(execute=True):
        respond(first, True)
    second.refresh_from_db()
    assert second.status == SolicitationStatus.FILLED
    assert _taken_messages(second.volunteer).count() == 1
    assert not _taken_messages(first.volunteer).exists()


def test_declined_solicitations_are_left_alone(asked_two, django_capture_on_commit_callbacks):
    from wagtail_bippop.models import SolicitationStatus
    from wagtail_bippop.solicitations import respond

    help_request, (first, second) = asked_two
    respond(second, False)
    with django_capture_on_commit_callbacks(execute=True):
        respond(first, True)
    second.refresh_from_db()
    assert second.status == SolicitationStatus.DECLINED
    assert not _taken_messages(second.volunteer).exists()


def test_the_other_volunteers_link_then_says_the_request_is_taken(
    client, asked_two, home_page, territory, django_capture_on_commit_callbacks
):
    from wagtail_bippop.models import SolidarityIndexPage
    from wagtail_bippop.solicitations import make_token, respond

    page = SolidarityIndexPage(title="Solidaire", slug="solidaire", territory=territory)
    home_page.add_child(instance=page)
    help_request, (first, second) = asked_two
    with django_capture_on_commit_callbacks(execute=True):
        respond(first, True)
    url = page.url + page.reverse_subpage(
        "solicitation_answer", kwargs={"token": make_token(second)}
    )
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    text = response.content.decode()
    assert "déjà été prise" in text
    assert 'name="answer"' not in text

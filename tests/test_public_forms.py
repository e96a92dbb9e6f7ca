"""The public help-request and volunteer sign-up forms, as a resident uses them."""

import uuid

import pytest
from django.core import mail
from django.core.cache import cache

from tests.browser.section import build_section
from tests.conftest import audit_log
from wagtail_bippop.models import (
    Beneficiary,
    ConsentPurpose,
    ConsentRecord,
    HelpRequest,
    IntakeChannel,
    RequesterKind,
    VettingStage,
    Volunteer,
)
from wagtail_bippop.public.models import VolunteerSignupReceipt


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english(english_site):
    """Assertions read the source strings (the site speaks English); one test switches to
    French on purpose."""


@pytest.fixture
def section(home_page, territory):
    return build_section(home_page, territory)


@pytest.fixture
def help_url(section):
    return section.help_request.url


@pytest.fixture
def signup_url(section):
    return section.volunteer_signup.url


def help_data(territory, **overrides):
    services = territory.services.order_by("sort_order")
    data = {
        "submission_key": str(uuid.uuid4()),
        "requester_kind": RequesterKind.SELF,
        "first_name": "  Jeanne ",
        "last_name": "Martin",
        "phone": "06 12 34 56 78",
        "address": "3 rue des Lilas",
        "postcode": "60999",
        "area": "",
        "services": [services[0].pk, services[2].pk],
        "recurrence": "recurring",
        "wanted_slots": ["1-afternoon", "3-morning"],
        "description": "Une visite le mardi.",
        "email": "jeanne@example.org",
        "consent": "on",
    }
    data.update(overrides)
    return data


def signup_data(territory, **overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "first_name": "Paul",
        "last_name": "Durand",
        "phone": "07 81 22 33 44",
        "email": "paul@example.org",
        "services": [territory.services.first().pk],
        "availability": ["0-morning", "4-evening"],
        "has_car": "on",
        "mobility_radius_km": "5",
        "directory_opt_in": "on",
        "charter": "on",
        "consent": "on",
    }
    data.update(overrides)
    return data


# --- help request: the happy path ---------------------------------------------------------


def test_help_form_shows_catalogue_privacy_notice_and_phone(client, help_url, territory):
    response = client.get(help_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Balade" in html or "Walk" in html
    assert "Vos données servent uniquement à organiser l'aide." in html
    assert 'href="tel:+33344000010"' in html
    assert 'name="submission_key"' in html


def test_help_request_is_stored_with_consent_and_people_are_told(
    client, help_url, territory, area, django_capture_on_commit_callbacks
):
    # Messages are written with the request and delivered once it has committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(help_url, help_data(territory, area=area.pk))

    assert response.status_code == 302
    assert response["Location"].endswith("/merci/")
    request = HelpRequest.objects.get()
    assert request.channel == IntakeChannel.WEB
    assert request.recurrence == "recurring"
    assert request.services.count() == 2
    assert sorted(request.wanted_slots.values_list("weekday", "period")) == [
        (1, "afternoon"),
        (3, "morning"),
    ]
    person = request.beneficiary
    assert (person.first_name, person.phone, person.area) == ("Jeanne", "+33612345678", area)
    assert person.email == "jeanne@example.org"
    consent = ConsentRecord.objects.get(beneficiary=person)
    assert consent.purpose == ConsentPurpose.PROCESSING
    assert consent.notice_version
    assert (
        audit_log()
        .filter(action="wagtail_bippop.request_received_online", object_id=str(request.pk))
        .exists()
    )
    recipients = sorted(tuple(message.to) for message in mail.outbox)
    assert recipients == [("ccas@bellerive.example",), ("jeanne@example.org",)]
    for message in mail.outbox:
        assert request.reference in message.subject + message.body
        assert "\n" not in message.subject

    page = client.get(response["Location"])
    html = page.content.decode()
    assert request.reference in html
    assert "3" in html and "working days" in html  # the site's call-back delay
    assert "jeanne" not in response["Location"].lower()


def test_same_phone_typed_differently_reuses_the_person(
    client, help_url, territory, make_beneficiary
):
    existing = make_beneficiary(phone="+33612345678")
    client.post(help_url, help_data(territory, phone="+33 6 12 34 56 78"))
    assert Beneficiary.objects.count() == 1
    assert HelpRequest.objects.get().beneficiary == existing


def test_asking_for_a_relative_records_who_asked(client, help_url, territory):
    data = help_data(
        territory,
        requester_kind=RequesterKind.RELATIVE,
        requester_name="Luc Martin",
        requester_phone="0611111111",
        phone="",
        email="luc@example.org",
    )
    response = client.post(help_url, data)
    assert response.status_code == 302
    request = HelpRequest.objects.get()
    assert (request.requester_name, request.requester_phone) == ("Luc Martin", "+33611111111")
    assert request.requester_email == "luc@example.org"
    assert request.beneficiary.email == ""
    assert request.beneficiary.phone == ""
    assert ConsentRecord.objects.get().given_by == "Luc Martin"


def test_relative_must_give_their_own_name_and_phone(client, help_url, territory):
    data = help_data(territory, requester_kind=RequesterKind.RELATIVE, phone="")
    response = client.post(help_url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"requester_name", "requester_phone"}
    assert not HelpRequest.objects.exists()


# --- bad input ----------------------------------------------------------------------------


def test_invalid_phone_is_explained_next_to_the_field_and_input_is_kept(
    client, help_url, territory
):
    response = client.post(help_url, help_data(territory, phone="12", last_name="Dupont-Aïdi"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_phone_error"' in html
    assert "<title>Error: Demander de l" in html
    assert 'aria-describedby="id_phone_help id_phone_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'class="bippop-error-summary"' in html and "autofocus" in html
    assert 'href="#id_phone"' in html
    assert 'value="Dupont-Aïdi"' in html
    assert 'value="3 rue des Lilas"' in html
    assert not HelpRequest.objects.exists()
    assert not mail.outbox


def test_missing_choices_link_to_the_first_option(client, help_url, territory):
    response = client.post(help_url, help_data(territory, services=[], consent=""))
    html = response.content.decode()
    assert 'href="#id_services_0"' in html
    assert 'id="id_services_0"' in html
    assert 'href="#id_consent"' in html


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"first_name": "x" * 5000}, "first_name"),
        ({"description": "long " * 1000}, "description"),
        ({"phone": "06 12 34 56 78 99 99"}, "phone"),
        ({"phone": "☎️☎️"}, "phone"),
        ({"wanted_from": "2001-01-01"}, "wanted_from"),
        ({"wanted_from": "32/13/2027"}, "wanted_from"),
        ({"services": ["abc"]}, "services"),
        ({"services": ["999999"]}, "services"),
        ({"area": "-1"}, "area"),
        ({"requester_kind": "robot"}, "requester_kind"),
        ({"wanted_slots": ["9-midnight"]}, "wanted_slots"),
        ({"postcode": "6O999"}, "postcode"),
        ({"email": "not-an-address"}, "email"),
        ({"last_name": "Nul\x00byte"}, "last_name"),
        ({"consent": ""}, "consent"),
    ],
)
def test_hostile_or_wrong_input_gives_a_field_error_never_a_500(
    client, help_url, territory, overrides, field
):
    response = client.post(help_url, help_data(territory, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not HelpRequest.objects.exists()


def test_markup_is_never_rendered_unescaped(client, help_url, territory):
    script = "<script>alert('x')</script>"
    response = client.post(
        help_url, help_data(territory, first_name=script, phone="bad", description=script)
    )
    html = response.content.decode()
    assert script not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("first_name", ["Zoë", "Δημήτρης", "王秀英", "Anne 🌻", "N'Golo"])
def test_accented_non_latin_and_emoji_names_are_accepted(client, help_url, territory, first_name):
    response = client.post(help_url, help_data(territory, first_name=f"  {first_name}  "))
    assert response.status_code == 302
    assert HelpRequest.objects.get().beneficiary.first_name == first_name


def test_forged_submission_key_still_records_the_request(client, help_url, territory):
    response = client.post(help_url, help_data(territory, submission_key="<b>nope</b>"))
    assert response.status_code == 302
    assert HelpRequest.objects.count() == 1


def test_a_form_sent_without_key_gets_one_kept_across_errors(client, help_url, territory):
    response = client.post(help_url, help_data(territory, submission_key="", phone="12"))
    key = response.context["form"]["submission_key"].value()
    assert uuid.UUID(key)
    assert f'value="{key}"' in response.content.decode()
    corrected = help_data(territory, submission_key=key)
    client.post(help_url, corrected)
    client.post(help_url, corrected)
    assert HelpRequest.objects.count() == 1


def test_replayed_post_creates_one_request(
    client, help_url, territory, django_capture_on_commit_callbacks
):
    data = help_data(territory)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(help_url, data)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(help_url, data)
    assert first.status_code == second.status_code == 302
    assert HelpRequest.objects.count() == 1
    assert Beneficiary.objects.count() == 1
    assert ConsentRecord.objects.count() == 1
    assert len(mail.outbox) == 2  # not sent twice


def test_honeypot_stores_nothing_but_looks_like_success(client, help_url, territory):
    response = client.post(help_url, help_data(territory, homepage="http://spam.example"))
    assert response.status_code == 302
    assert not HelpRequest.objects.exists()
    assert not mail.outbox
    assert client.get(response["Location"]).status_code == 200


def test_honeypot_is_hidden_from_assistive_technology(client, help_url):
    html = client.get(help_url).content.decode()
    assert '<div class="bippop-hp" aria-hidden="true">' in html
    assert 'name="homepage"' in html and 'tabindex="-1"' in html


def test_rate_limit_answers_429_with_a_clear_message(client, help_url, territory, settings):
    settings.BIPPOP_FORM_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(help_url, help_data(territory)).status_code == 302
    response = client.post(help_url, help_data(territory))
    assert response.status_code == 429
    assert "Too many forms sent" in response.content.decode()
    assert HelpRequest.objects.count() == 2
    # Another client is not affected.
    other = client.post(help_url, help_data(territory), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_confirmation_page_without_a_submission_goes_back_to_the_form(client, section):
    response = client.get(section.help_request.url + "merci/")
    assert response.status_code == 302
    assert response["Location"] == section.help_request.url


def test_french_messages_are_used_on_a_french_site(client, help_url, territory, site_language):
    site_language("fr")
    response = client.post(help_url, help_data(territory, email="nope"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Saisissez une adresse de courriel valide." in response.content.decode()


def test_an_english_browser_reads_a_french_site_in_french(
    client, help_url, territory, site_language
):
    """The section follows the site's language, not the visitor's browser."""
    site_language("fr")
    response = client.post(help_url, help_data(territory, email="nope"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert '<html lang="fr"' in html or 'lang="fr"' in html
    assert "Saisissez une adresse de courriel valide." in html
    assert "Enter a valid email address." not in html


# --- volunteer sign-up --------------------------------------------------------------------


def test_volunteer_signup_creates_a_volunteer_to_vet(
    client, signup_url, territory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(signup_url, signup_data(territory))
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.stage == VettingStage.TO_VET
    assert volunteer.phone == "+33781223344"
    assert volunteer.has_car and volunteer.mobility_radius_km == 5
    assert volunteer.directory_opt_in and volunteer.charter_signed_at
    assert volunteer.services.count() == 1
    assert sorted(volunteer.availability.values_list("weekday", "period")) == [
        (0, "morning"),
        (4, "evening"),
    ]
    assert set(ConsentRecord.objects.values_list("purpose", flat=True)) == {
        ConsentPurpose.PROCESSING,
        ConsentPurpose.DIRECTORY,
    }
    assert audit_log().filter(action="wagtail_bippop.volunteer_signed_up").count() == 1
    assert sorted(tuple(m.to) for m in mail.outbox) == [
        ("ccas@bellerive.example",),
        ("paul@example.org",),
    ]
    assert client.get(response["Location"]).status_code == 200


def test_volunteer_signup_replayed_creates_one_volunteer(
    client, signup_url, territory, django_capture_on_commit_callbacks
):
    data = signup_data(territory)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(signup_url, data)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(signup_url, data)
    assert Volunteer.objects.count() == 1
    assert VolunteerSignupReceipt.objects.count() == 1
    assert len(mail.outbox) == 2


def test_volunteer_must_accept_the_charter_shown_from_settings(client, signup_url, territory):
    assert "Je respecte la personne et sa vie privée." in client.get(signup_url).content.decode()
    response = client.post(signup_url, signup_data(territory, charter="", phone="abc"))
    assert response.status_code == 200
    assert {"charter", "phone"} <= set(response.context["form"].errors)
    assert not Volunteer.objects.exists()


def test_volunteer_organisation_must_be_a_partner_of_this_territory(
    client, signup_url, territory, other_territory
):
    foreign = other_territory.organisations.create(name="Club voisin", kind="club")
    response = client.post(signup_url, signup_data(territory, organisation=foreign.pk))
    assert "organisation" in response.context["form"].errors


@pytest.mark.parametrize("radius", ["-1", "101", "deux", "1e9"])
def test_volunteer_radius_is_bounded(client, signup_url, territory, radius):
    response = client.post(signup_url, signup_data(territory, mobility_radius_km=radius))
    assert "mobility_radius_km" in response.context["form"].errors


# --- messages and audit trail -------------------------------------------------------------


def test_messages_say_what_happens_next_and_carry_no_contact_details(
    client, help_url, territory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(help_url, help_data(territory))
    request = HelpRequest.objects.get()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    acknowledgement = by_recipient["jeanne@example.org"]
    # Messages are written in the site's language: check the values, not the wording.
    assert " 3 " in acknowledgement.body  # the call-back delay
    assert "03 44 00 00 10" in acknowledgement.body
    assert request.reference in acknowledgement.body
    assert acknowledgement.reply_to == ["ccas@bellerive.example"]
    coordinator = by_recipient["ccas@bellerive.example"]
    assert request.reference in coordinator.subject
    for private in ("+33612345678", "06 12 34 56 78", "3 rue des Lilas", "Martin"):
        assert private not in coordinator.body


def test_coordinators_of_the_territory_are_notified(
    client, help_url, territory, other_territory, make_staff, django_capture_on_commit_callbacks
):
    from wagtail_bippop.roles import COORDINATOR_GROUP

    make_staff("ours", territories=[territory], group=COORDINATOR_GROUP)
    make_staff("theirs", territories=[other_territory], group=COORDINATOR_GROUP)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(help_url, help_data(territory, email=""))
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "ccas@bellerive.example",
        "ours@example.org",
    ]


def test_audit_actions_have_readable_labels():
    from django.utils import translation
    from wagtail.log_actions import registry

    translation.activate("en")
    assert registry.get_action_label("wagtail_bippop.request_received_online") == (
        "Help request received online"
    )
    assert registry.get_action_label("wagtail_bippop.volunteer_signed_up") == (
        "Volunteer signed up online"
    )

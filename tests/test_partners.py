"""Structures joining the network: the public form, moderation, the public directory."""

import uuid

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.conftest import audit_log
from wagtail_bippop.models import (
    Organisation,
    OrganisationRepresentative,
    OrganisationStatus,
    OutboxMessage,
    PartnerJoinPage,
)

pytestmark = pytest.mark.usefixtures("english_fresh_cache")


def join_data(**overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "name": "  Club   des Aînés ",
        "kind": "club",
        "description": "Un club de l'âge d'or.",
        "offers_summary": "Un repas partagé chaque jeudi.",
        "address": "2 rue du Moulin",
        "website": "www.club-aines.example",
        "first_name": "Marie",
        "last_name": "Leroy",
        "role": "Présidente",
        "email": "Marie.Leroy@Example.org",
        "phone": "06 11 22 33 44",
        "charter": "on",
        "consent": "on",
    }
    data.update(overrides)
    return data


def emails(kind):
    return list(OutboxMessage.objects.filter(kind=kind).values_list("recipient", flat=True))


# --- the public form --------------------------------------------------------------------


def test_join_form_shows_the_charter_and_privacy_notice(client, join_page):
    html = client.get(join_page.url).content.decode()
    assert "Je respecte la personne et sa vie privée." in html
    assert "Vos données servent uniquement" in html
    assert 'name="homepage"' in html and 'name="submission_key"' in html


def test_structure_joins_pending_with_an_inactive_representative(
    client, join_page, territory, coordinator
):
    response = client.post(join_page.url, join_data())
    assert response.status_code == 302
    assert response["Location"].endswith("merci/")
    organisation = Organisation.objects.get()
    assert organisation.name == "Club des Aînés"
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.territory == territory
    assert organisation.charter_accepted_at is not None
    assert organisation.offers_summary == "Un repas partagé chaque jeudi."
    assert organisation.website == "https://www.club-aines.example"
    representative = organisation.representatives.get()
    assert (representative.first_name, representative.role) == ("Marie", "Présidente")
    assert representative.email == "marie.leroy@example.org"
    assert representative.phone == "+33611223344"
    assert representative.is_active is False and representative.user is None
    assert "coord@example.org" in emails("partner_join_request")
    assert emails("partner_join_acknowledgement") == ["marie.leroy@example.org"]
    assert audit_log().filter(action="wagtail_bippop.partner_join_requested").count() == 1
    sent = client.get(response["Location"])
    assert "your request to join has been sent" in sent.content.decode()


def test_errors_are_shown_in_words_and_input_is_kept(client, join_page):
    data = join_data(
        name="",
        kind="spaceship",
        email="not-an-email",
        phone="12",
        website="javascript:alert(1)",
        charter="",
        consent="",
        description="<script>alert('x')</script>",
    )
    response = client.post(join_page.url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the name of the structure." in html
    assert "Select a valid choice" in html
    assert "Enter an e-mail address, for example nom@exemple.fr" in html
    assert "Enter a web address" in html
    assert "Tick this box to accept the charter." in html
    assert "Tick this box so that we can study your request." in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert('x')</script>" not in html
    assert 'value="Marie"' in html
    assert not Organisation.objects.exists()


def test_duplicate_name_in_the_territory_gets_a_clear_message(client, join_page, territory):
    Organisation.objects.create(territory=territory, name="Club des aînés", kind="club")
    response = client.post(join_page.url, join_data())
    assert response.status_code == 200
    assert "already part of the network" in response.content.decode()
    assert Organisation.objects.count() == 1


def test_same_name_in_another_territory_is_fine(client, join_page, other_territory):
    Organisation.objects.create(territory=other_territory, name="Club des Aînés", kind="club")
    assert client.post(join_page.url, join_data()).status_code == 302
    assert Organisation.objects.count() == 2


def test_replayed_post_stores_one_structure(client, join_page):
    data = join_data()
    assert client.post(join_page.url, data).status_code == 302
    again = client.post(join_page.url, data)
    assert again.status_code == 302
    assert Organisation.objects.count() == 1
    assert OrganisationRepresentative.objects.count() == 1
    assert len(emails("partner_join_acknowledgement")) == 1


def test_honeypot_stores_nothing(client, join_page):
    response = client.post(join_page.url, join_data(homepage="http://spam.example"))
    assert response.status_code == 302
    assert not Organisation.objects.exists()


@override_settings(BIPPOP_FORM_RATE_LIMIT=2)
def test_rate_limited(client, join_page):
    for i in range(2):
        client.post(join_page.url, join_data(name=f"Asso {i}", email=f"a{i}@example.org"))
    response = client.post(join_page.url, join_data(name="Asso 3"))
    assert response.status_code == 429
    assert Organisation.objects.count() == 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "x" * 5000},
        {"name": "\x00"},
        {"kind": ["club", "ccas"]},
        {"email": "a@" + "b" * 300 + ".fr"},
        {"website": "http://" + "a" * 400 + ".fr"},
        {"phone": "<b>06</b>"},
        {"submission_key": "<script>"},
        {"description": "é" * 10000},
        {"charter": "maybe"},
    ],
)
def test_fuzzed_input_never_breaks_the_form(client, join_page, overrides):
    response = client.post(join_page.url, join_data(**overrides))
    assert response.status_code in (200, 302)


def test_no_territory_means_no_form(client, home_page):
    orphan = PartnerJoinPage(title="Rejoindre", slug="rejoindre-orphelin")
    home_page.add_child(instance=orphan)
    assert client.get(orphan.url).status_code == 404


def test_the_coordinators_e_mail_links_to_the_review_screen(
    client, join_page, coordinator, settings
):
    settings.WAGTAILADMIN_BASE_URL = "https://mairie.example"
    client.post(join_page.url, join_data())
    organisation = Organisation.objects.get()
    message = OutboxMessage.objects.get(kind="partner_join_request", recipient="coord@example.org")
    link = "https://mairie.example" + reverse(
        "wagtail_bippop_partners:review", args=[organisation.pk]
    )
    assert link in message.body
    # The structure's own acknowledgement has no link to the administration.
    acknowledgement = OutboxMessage.objects.get(kind="partner_join_acknowledgement")
    assert "/admin/" not in acknowledgement.body


# --- moderation ---------------------------------------------------------------------------


@pytest.fixture
def pending(client, join_page):
    client.post(join_page.url, join_data())
    client.cookies.clear()
    return Organisation.objects.get()


def review(organisation):
    return reverse("wagtail_bippop_partners:review", args=[organisation.pk])


def test_coordinator_approves_and_representatives_get_a_link(
    client, pending, coordinator, join_page
):
    client.force_login(coordinator)
    edit = client.get(reverse("bippop_organisations:edit", args=[pending.pk]))
    assert review(pending) in edit.content.decode()
    page = client.get(review(pending))
    assert page.status_code == 200
    assert "Un repas partagé chaque jeudi." in page.content.decode()
    response = client.post(review(pending), {"decision": "approve"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.APPROVED
    assert pending.decided_by == coordinator and pending.decided_at is not None
    representative = pending.representatives.get()
    assert representative.is_active and representative.user is not None
    message = OutboxMessage.objects.get(kind="partner_approved")
    assert message.recipient == "marie.leroy@example.org"
    assert "/espace/signin/open/?t=" in message.body
    assert audit_log().filter(action="wagtail_bippop.partner_approved").count() == 1
    # Its representatives stay one click away from the structure's page.
    edit = client.get(reverse("bippop_organisations:edit", args=[pending.pk]))
    assert review(pending) in edit.content.decode()
    assert "Approve: show it" not in client.get(review(pending)).content.decode()
    # Decided once: a second decision changes nothing.
    client.post(review(pending), {"decision": "reject"})
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.APPROVED


def test_coordinator_rejects(client, pending, coordinator):
    client.force_login(coordinator)
    client.post(review(pending), {"decision": "reject"})
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.REJECTED
    assert not pending.representatives.filter(is_active=True).exists()
    assert emails("partner_rejected") == ["marie.leroy@example.org"]
    assert audit_log().filter(action="wagtail_bippop.partner_rejected").count() == 1


def test_odd_decision_changes_nothing(client, pending, coordinator):
    client.force_login(coordinator)
    client.post(review(pending), {"decision": "<script>"})
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.PENDING


def test_another_territory_cannot_see_or_decide(client, pending, other_coordinator):
    client.force_login(other_coordinator)
    assert client.get(review(pending)).status_code == 404
    assert client.post(review(pending), {"decision": "approve"}).status_code == 404
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.PENDING


def test_read_only_and_anonymous_cannot_decide(client, pending, make_staff, territory):
    from wagtail_bippop.roles import READ_ONLY_GROUP

    reader = make_staff("elu", territories=[territory], group=READ_ONLY_GROUP)
    client.force_login(reader)
    assert client.post(review(pending), {"decision": "approve"}).status_code in (302, 403)
    client.logout()
    assert client.post(review(pending), {"decision": "approve"}).status_code == 302
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.PENDING


def test_unknown_organisation_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/admin/solidarite-partenaires/999999/").status_code == 404


# --- the public directory -----------------------------------------------------------------


def test_directory_shows_approved_structures_only(client, section, territory):
    for name, status in [
        ("Club approuvé", OrganisationStatus.APPROVED),
        ("Asso en attente", OrganisationStatus.PENDING),
        ("Asso refusée", OrganisationStatus.REJECTED),
    ]:
        Organisation.objects.create(territory=territory, name=name, kind="club", status=status)
    for url in (section.directory.url, section.index.url):
        html = client.get(url).content.decode()
        assert "Club approuvé" in html
        assert "Asso en attente" not in html and "Asso refusée" not in html


def test_representative_contact_is_never_public(client, pending, section, coordinator):
    client.force_login(coordinator)
    client.post(review(pending), {"decision": "approve"})
    client.logout()
    for url in (section.directory.url, section.index.url):
        html = client.get(url).content.decode()
        assert "Club des Aînés" in html
        assert "marie.leroy@example.org" not in html and "Leroy" not in html
        assert "11 22 33 44" not in html and "+33611223344" not in html


# --- French wording ---------------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_french_messages_never_put_de_before_a_name_starting_with_an_article(
    client, join_page, coordinator, site_language, decision
):
    """« la demande de Les Marcheurs » is wrong: the name is quoted after « la structure »."""
    import re

    site_language("fr")
    client.post(join_page.url, join_data(name="Les Marcheurs"))
    client.cookies.clear()
    organisation = Organisation.objects.get()
    client.force_login(coordinator)
    response = client.post(review(organisation), {"decision": decision}, follow=True)
    texts = [f"{m.subject}\n{m.body}" for m in OutboxMessage.objects.all()]
    # The request (to the coordinator and the section's address), its acknowledgement, the decision.
    assert len(texts) == 4
    texts.append(response.content.decode())
    for text in texts:
        assert not re.search(r"\b(de|à|par) Les Marcheurs", text), text
    quoted = re.compile(r"la structure «\s?Les Marcheurs\s?»", re.I)
    assert quoted.search(response.content.decode())
    assert all(quoted.search(text) for text in texts[:-1])

"""Vulnerable persons register: public request form, coordinator entry, kept apart."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from tests.conftest import audit_log
from wagtail_bippop.models import RegisterEntry, SolidarityIndexPage
from wagtail_bippop.register_pages import RegisterPage
from wagtail_bippop.roles import COORDINATOR_GROUP, READ_ONLY_GROUP


@pytest.fixture
def register_page(home_page, territory):
    index = home_page.add_child(
        instance=SolidarityIndexPage(title="Solidarité", slug="solidarite", territory=territory)
    )
    return index.add_child(instance=RegisterPage(title="Registre canicule", slug="registre"))


def form_data(**overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "requested_by": "third_party",
        "requester_name": "Paul Martin",
        "requester_relation": "fils",
        "requester_phone": "06 12 34 56 78",
        "first_name": "Odette",
        "last_name": "Martin",
        "birth_date": "1938-04-02",
        "category": "aged_65",
        "address": "3 rue des Lilas",
        "phone": "03 44 12 34 56",
        "agreement": "on",
    }
    data.update(overrides)
    return data


def test_public_request_is_stored_once_with_the_page_territory(client, register_page, territory):
    data = form_data()
    response = client.post(register_page.url, data, follow=True)
    assert response.redirect_chain[-1][0].endswith("/merci/")  # POST-redirect-GET
    assert "8" in response.content.decode()  # the acknowledgement promise
    client.post(register_page.url, data)  # sent twice: one entry
    entry = RegisterEntry.objects.get()
    assert entry.territory == territory
    assert entry.channel == "web"
    assert entry.phone == "+33344123456"
    assert entry.acknowledged_at is None
    assert entry.acknowledgement_due == entry.received_at + datetime.timedelta(days=8)
    assert audit_log().filter(action="wagtail_bippop.register_request").count() == 1


def test_registration_needs_the_persons_agreement(client, register_page):
    response = client.post(register_page.url, form_data(agreement=""))
    assert response.status_code == 200
    assert response.context["form"].errors["agreement"]
    assert not RegisterEntry.objects.exists()


def test_third_party_must_give_their_name(client, register_page):
    response = client.post(register_page.url, form_data(requester_name=""))
    assert "requester_name" in response.context["form"].errors
    assert not RegisterEntry.objects.exists()


def test_self_request_drops_third_party_fields(client, register_page):
    client.post(register_page.url, form_data(requested_by="self"))
    assert RegisterEntry.objects.get().requester_name == ""


def test_form_page_renders(client, register_page):
    response = client.get(register_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="submission_key"' in html and "<script" not in html.split("<main")[-1]


def test_register_is_not_joined_to_the_network(register_page):
    """Kept apart: no relation from the register to beneficiaries, requests or visits."""
    related = {
        f.related_model._meta.model_name
        for f in RegisterEntry._meta.get_fields()
        if f.is_relation and f.related_model
    }
    assert related <= {"territory", "user", "campaigncall"}


def make_entry(territory, **fields):
    fields.setdefault("first_name", "Odette")
    fields.setdefault("last_name", "Martin")
    return RegisterEntry.objects.create(
        territory=territory,
        category="aged_65",
        address="3 rue des Lilas",
        phone="+33344123456",
        requested_by="self",
        channel="phone",
        **fields,
    )


@pytest.fixture
def coordinator(make_staff, territory):
    group, _ = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    user = make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)
    for codename in ("view", "add", "change", "delete"):
        user.user_permissions.add(Permission.objects.get(codename=f"{codename}_registerentry"))
    return user


def test_coordinator_lists_and_acknowledges_own_entries_only(
    client, coordinator, territory, other_territory
):
    mine = make_entry(territory, received_at=timezone.now() - datetime.timedelta(days=10))
    theirs = make_entry(other_territory, last_name="Ailleurs")
    client.force_login(coordinator)
    listing = client.get(reverse("bippop_register:index"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Martin" in html and "Ailleurs" not in html
    assert client.get(reverse("bippop_register:edit", args=[theirs.pk])).status_code == 404
    edit_url = reverse("bippop_register:edit", args=[mine.pk])
    data = {
        "territory": territory.pk,
        "first_name": "Odette",
        "last_name": "Martin",
        "category": "aged_65",
        "address": "3 rue des Lilas",
        "phone": "+33344123456",
        "requested_by": "self",
        "channel": "phone",
        "received_at": timezone.localtime(mine.received_at).strftime("%Y-%m-%d %H:%M"),
        "acknowledge": "on",
    }
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.context["form"].errors
    mine.refresh_from_db()
    assert mine.acknowledged_at is not None and mine.acknowledged_by == coordinator
    assert mine.acknowledgement_late  # ten days after the request
    assert audit_log().filter(action="wagtail_bippop.register_acknowledge").exists()


def test_coordinator_creates_an_entry_in_own_territory_only(
    client, coordinator, territory, other_territory
):
    client.force_login(coordinator)
    data = {
        "territory": other_territory.pk,
        "first_name": "Odette",
        "last_name": "Martin",
        "category": "disabled_adult",
        "address": "3 rue des Lilas",
        "phone": "03 44 12 34 56",
        "requested_by": "self",
        "channel": "letter",
        "staff_entry_basis": "letter",
        "received_at": "2026-06-01 10:00",
    }
    response = client.post(reverse("bippop_register:add"), data)
    assert response.status_code == 200  # not a choice for this user
    assert not RegisterEntry.objects.exists()
    response = client.post(reverse("bippop_register:add"), {**data, "territory": territory.pk})
    assert response.status_code == 302
    assert RegisterEntry.objects.get().created_by == coordinator


def test_read_only_role_never_sees_the_register(client, make_staff, territory):
    Group.objects.get_or_create(name=READ_ONLY_GROUP)
    user = make_staff("elu", territories=[territory], group=READ_ONLY_GROUP)
    user.user_permissions.add(Permission.objects.get(codename="view_registerentry"))
    make_entry(territory)
    client.force_login(user)
    response = client.get(reverse("bippop_register:index"))
    assert response.status_code in (302, 403, 404)
    assert b"Martin" not in response.content

"""Hardening of sign-in: one client address for every limit, admin lockout, volunteer sessions."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from wagtail_bippop.public.ratelimit import client_address

from .test_notifications_fixtures import *  # noqa: F403
from .test_notifications_fixtures import route

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_limits():
    cache.clear()
    yield
    cache.clear()


def meta(remote="203.0.113.9", **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


# --- one client address (issue 14 #10) -----------------------------------------------


def test_without_proxy_settings_forwarded_headers_are_ignored():
    request = meta(HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "203.0.113.9"


@override_settings(BIPPOP_TRUSTED_PROXY_COUNT=1)
def test_one_trusted_proxy_takes_the_right_most_forwarded_address():
    # The client wrote "1.2.3.4" itself; the proxy appended the address it really saw.
    request = meta(remote="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_address(request) == "198.51.100.7"


@override_settings(BIPPOP_TRUSTED_PROXY_COUNT=2)
def test_two_trusted_proxies_count_two_hops_from_the_right():
    request = meta(remote="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.0.0.1")
    assert client_address(request) == "198.51.100.7"


@override_settings(BIPPOP_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_a_list_in_the_single_value_header_never_gives_the_left_most():
    request = meta(remote="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_address(request) == "198.51.100.7"


@override_settings(BIPPOP_CLIENT_IP_HEADER="HTTP_X_REAL_IP")
def test_single_value_header_is_honoured_and_checked():
    assert client_address(meta(remote="10.0.0.1", HTTP_X_REAL_IP="198.51.100.7")) == (
        "198.51.100.7"
    )
    # Not an address: the connection's address is used instead.
    assert client_address(meta(remote="10.0.0.1", HTTP_X_REAL_IP="<script>")) == "10.0.0.1"


def ask_link(client, page, identifier, **headers):
    return client.post(route(page, "signin"), {"identifier": identifier}, **headers)


@override_settings(BIPPOP_SIGNIN_RATE_LIMIT=5)
def test_spoofed_forwarded_for_does_not_bypass_the_volunteer_limit(client, space_page):
    statuses = [
        ask_link(
            client, space_page, f"n{i}@example.org", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"
        ).status_code
        for i in range(7)
    ]
    assert statuses[-1] == 429


@override_settings(BIPPOP_SIGNIN_RATE_LIMIT=5, BIPPOP_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_one_client_does_not_lock_out_another(client, space_page):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for i in range(6):
        ask_link(
            client, space_page, f"n{i}@example.org", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy
        )
    blocked = ask_link(
        client, space_page, "x@example.org", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy
    )
    assert blocked.status_code == 429
    other = ask_link(
        client, space_page, "y@example.org", HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy
    )
    assert other.status_code == 200


@override_settings(BIPPOP_SIGNIN_RATE_LIMIT=5, BIPPOP_TRUSTED_PROXY_COUNT=1)
def test_a_spoofed_left_most_address_does_not_lock_out_its_owner(client, space_page):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for i in range(7):  # the attacker claims to be the victim
        ask_link(
            client,
            space_page,
            f"n{i}@example.org",
            HTTP_X_FORWARDED_FOR="198.51.100.8, 198.51.100.66",
            **proxy,
        )
    victim = ask_link(
        client, space_page, "y@example.org", HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy
    )
    assert victim.status_code == 200


# --- admin sign-in lockout (issue 14 #12) --------------------------------------------


@pytest.fixture
def staff_member(django_user_model):
    return django_user_model.objects.create_superuser(
        "agent", "agent@example.org", "Le-bon-mot-de-passe-1"
    )


def admin_login(client, password, **headers):
    return client.post("/admin/login/", {"username": "agent", "password": password}, **headers)


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(client, staff_member):
    for _ in range(30):
        admin_login(client, "mauvais")
    response = admin_login(client, "Le-bon-mot-de-passe-1")
    assert "_auth_user_id" not in client.session
    assert response.status_code == 429
    assert "Connexion suspendue" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still sent to the sign-in page


def test_lockout_is_per_account_and_address(client, staff_member):
    for _ in range(6):
        admin_login(client, "mauvais", REMOTE_ADDR="198.51.100.66")
    # The real person, elsewhere, still signs in.
    response = admin_login(client, "Le-bon-mot-de-passe-1", REMOTE_ADDR="198.51.100.8")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@override_settings(BIPPOP_TRUSTED_PROXY_COUNT=1)
def test_admin_lockout_reads_the_same_client_address(client, staff_member):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for i in range(6):  # a new made-up left-most address each time
        admin_login(client, "mauvais", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 198.51.100.66", **proxy)
    response = admin_login(
        client, "Le-bon-mot-de-passe-1", HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.66", **proxy
    )
    assert "_auth_user_id" not in client.session
    other = admin_login(
        client, "Le-bon-mot-de-passe-1", HTTP_X_FORWARDED_FOR="198.51.100.66, 198.51.100.8", **proxy
    )
    assert other.status_code == 302
    assert response.status_code in (403, 429)


# --- volunteer sessions and the sign-in token (issue 14 #15) -----------------------------


def _token(volunteer):
    from wagtail_bippop.volunteer_space.links import signin_token
    from wagtail_bippop.volunteer_space.services import user_for

    return signin_token(user_for(volunteer))


def test_volunteer_session_after_a_link_lasts_hours_not_weeks(client, space_page, volunteer):
    client.post(route(space_page, "signin_open"), {"token": _token(volunteer)})
    assert "_auth_user_id" in client.session
    assert client.session.get_expiry_age() == 12 * 3600


@override_settings(BIPPOP_VOLUNTEER_SESSION_HOURS=2)
def test_volunteer_session_lifetime_is_a_setting(client, space_page, volunteer):
    client.post(route(space_page, "signin_open"), {"token": _token(volunteer)})
    assert client.session.get_expiry_age() == 2 * 3600


def test_link_page_keeps_the_token_out_of_referrers_caches_and_the_post_url(
    client, space_page, volunteer
):
    token = _token(volunteer)
    response = client.get(route(space_page, "signin_open"), {"t": token})
    html = response.content.decode()
    # Never "no-referrer": the browser would post with Origin: null, which CSRF refuses.
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    # The button posts the token in the body, to the address without it.
    assert f'action="{route(space_page, "signin_open")}"' in html
    assert f'value="{token}"' in html


@override_settings(BIPPOP_SIGNIN_RATE_LIMIT=5, BIPPOP_TRUSTED_PROXY_COUNT=1)
def test_partner_sign_in_behind_a_proxy_counts_clients_not_the_proxy(client, join_page):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for i in range(6):
        client.post(
            route(join_page, "signin"),
            {"email": f"n{i}@example.org"},
            HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7",
            **proxy,
        )
    blocked = client.post(
        route(join_page, "signin"),
        {"email": "x@example.org"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    other = client.post(
        route(join_page, "signin"),
        {"email": "y@example.org"},
        HTTP_X_FORWARDED_FOR="198.51.100.8",
        **proxy,
    )
    assert (blocked.status_code, other.status_code) == (429, 200)


def test_a_request_without_an_address_gives_no_address():
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_address(request) == ""


def test_force_login_still_works_with_the_admin_lockout(client, staff_member):
    # force_login makes a request with no address: the lockout must accept it.
    client.force_login(staff_member)
    assert client.get("/admin/").status_code == 200

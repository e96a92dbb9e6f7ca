"""Hardening of the public side: the register form, query parameters, names, client address."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.test_register import form_data, register_page  # noqa: F401 (fixture)
from wagtail_bippop.models import RegisterEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


# --- The public register form (issue 14 #9) ---


def test_register_form_redirects_to_a_confirmation_page(client, register_page):  # noqa: F811
    response = client.post(register_page.url, form_data())
    assert response.status_code == 302
    assert response["Location"].endswith("/merci/")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "8" in html and "Odette" not in html  # no personal data kept for the page
    # Reloading the confirmation sends nothing again.
    assert RegisterEntry.objects.count() == 1


def test_register_form_stores_the_persons_agreement(client, register_page):  # noqa: F811
    client.post(register_page.url, form_data())
    entry = RegisterEntry.objects.get()
    assert entry.agreement_at is not None
    assert entry.agreement_channel == "web"
    assert "registre" in entry.agreement_wording  # the French wording the person saw


def test_register_form_honeypot_stores_nothing(client, register_page):  # noqa: F811
    response = client.post(register_page.url, form_data(homepage="http://spam.example"))
    assert response.status_code == 302
    assert not RegisterEntry.objects.exists()


def test_register_form_is_rate_limited(client, register_page, settings):  # noqa: F811
    settings.BIPPOP_FORM_RATE_LIMIT = 3
    statuses = [client.post(register_page.url, form_data()).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert RegisterEntry.objects.count() == 3


def test_register_form_forged_key_still_stores_once_per_key(client, register_page):  # noqa: F811
    data = form_data(submission_key="not-a-uuid")
    assert client.post(register_page.url, data).status_code == 302
    assert RegisterEntry.objects.count() == 1


def test_staff_entry_records_who_and_on_what_basis(client, coordinator, territory):
    client.force_login(coordinator)
    data = {
        "territory": territory.pk,
        "first_name": "Odette",
        "last_name": "Martin",
        "category": "aged_65",
        "address": "3 rue des Lilas",
        "phone": "03 44 12 34 56",
        "requested_by": "self",
        "channel": "phone",
        "received_at": "2026-06-01 10:00",
    }
    response = client.post(reverse("bippop_register:add"), data)
    assert response.status_code == 200  # the basis is required
    assert not RegisterEntry.objects.exists()
    response = client.post(reverse("bippop_register:add"), {**data, "staff_entry_basis": "phone"})
    assert response.status_code == 302
    entry = RegisterEntry.objects.get()
    assert entry.created_by == coordinator
    assert entry.staff_entry_basis == "phone"
    assert entry.agreement_channel == "phone"
    assert entry.agreement_at == entry.received_at


# --- integer query parameters of public pages never answer 500 (issue 14 #15) ---------

HUGE = "99999999999999999999"


@pytest.mark.parametrize("query", ["evenement", "offre"])
@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "-1", "0", "1e5", "٣"])
def test_help_form_ignores_out_of_range_ids(client, section, query, value):
    response = client.get(section.help_request.url, {query: value})
    assert response.status_code == 200
    assert response.context["form"].initial.get("event") is None


def test_help_form_refuses_out_of_range_ids_sent_back(client, section, territory):
    from tests.test_public_forms import help_data

    for name in ("event", "offer", "area"):
        response = client.post(section.help_request.url, help_data(territory, **{name: HUGE}))
        assert response.status_code == 200, name
    response = client.post(
        section.help_request.url, help_data(territory, services=[HUGE, "-" + HUGE])
    )
    assert response.status_code == 200


def test_listing_pages_ignore_out_of_range_page_numbers(client, section, agenda):
    from tests.offers_support import add_board

    board = add_board(section.index)
    for url in (agenda.url, board.url, section.directory.url):
        for value in (HUGE, "-" + HUGE, "abc"):
            assert client.get(url, {"page": value}).status_code == 200, (url, value)
    for url in (board.url, section.directory.url):
        for name in ("service", "area", "day"):
            response = client.get(url, {name: HUGE})
            assert response.status_code == 200, (url, name)


# --- POST-only campaign actions answer GET with 405 (issue 14 #15) --------------------


@pytest.mark.parametrize("name", ["campaign_close", "campaign_call"])
def test_campaign_actions_answer_get_with_405(client, coordinator, name):
    client.force_login(coordinator)
    response = client.get(reverse(f"wagtail_bippop_steering:{name}", args=[1]))
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"


# --- the example settings refuse to start without a secret key (issue 14 #15) -----------


def _load_example_settings(**env):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(PYTHONPATH=f"{root}:{root / 'example_site'}", **env)
    code = "import bellerive.settings as s; print('DEBUG', s.DEBUG, 'KEY', s.SECRET_KEY)"
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )


def test_example_settings_refuse_to_start_without_a_secret_key():
    result = _load_example_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "demo-only" not in result.stdout


def test_example_settings_debug_is_off_unless_asked():
    result = _load_example_settings(DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout
    asked = _load_example_settings(DJANGO_SECRET_KEY="x" * 50, DJANGO_DEBUG="1")
    assert "DEBUG True" in asked.stdout


# --- names with invisible or direction-changing characters (issue 14 #15) ---------------

RLO, ZWSP, ZWJ, LRI, PDI = "\u202e", "\u200b", "\u200d", "\u2066", "\u2069"


def test_help_form_strips_direction_overrides_and_zero_width_characters(client, section, territory):
    from tests.test_public_forms import help_data
    from wagtail_bippop.models import HelpRequest

    data = help_data(
        territory,
        first_name=f"{RLO}Jea{ZWSP}nne{ZWJ}",
        last_name=f"{LRI}Martin{PDI}",
        description=f"Une visite{RLO} le mardi.\nMerci.",
    )
    response = client.post(section.help_request.url, data)
    assert response.status_code == 302
    request = HelpRequest.objects.get()
    assert request.beneficiary.first_name == "Jeanne"
    assert request.beneficiary.last_name == "Martin"
    assert request.description == "Une visite le mardi.\nMerci."  # line breaks kept


def test_a_name_of_invisible_characters_only_is_missing(client, section, territory):
    from tests.test_public_forms import help_data

    response = client.post(
        section.help_request.url, help_data(territory, first_name=f"{ZWSP}{RLO}")
    )
    assert response.status_code == 200
    assert "first_name" in response.context["form"].errors


def test_register_form_strips_them_too(client, register_page):  # noqa: F811
    client.post(register_page.url, form_data(last_name=f"{RLO}nitraM", first_name=f"Od{ZWSP}ette"))
    entry = RegisterEntry.objects.get()
    assert (entry.first_name, entry.last_name) == ("Odette", "nitraM")


def test_partner_join_form_strips_them_too(client, section):
    from wagtail_bippop.partners.forms import PartnerJoinForm

    form = PartnerJoinForm(
        {"name": f"Club{RLO} des aînés", "homepage": ""}, territory=section.index.territory
    )
    form.is_valid()
    assert form.data["name"] == "Club des aînés"

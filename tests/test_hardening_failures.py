"""When the database fails, people keep what they typed, see the phone, and it is logged."""

import logging
import uuid
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client

from tests.browser.section import build_section
from tests.test_public_forms import help_data, signup_data
from wagtail_bippop.models import HelpRequest, Volunteer


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def section(home_page, territory):
    return build_section(home_page, territory)


def _text(html):
    return html.replace("&#x27;", "'").replace("&#39;", "'")


def _refuse_inserts(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith("INSERT"):
        raise OperationalError("database is locked")
    return execute(sql, params, many, context)


def test_help_form_keeps_the_typed_text_when_the_database_refuses_writes(
    client, section, territory, caplog
):
    data = help_data(territory, description="Une visite le mardi, je vis seule.")
    with caplog.at_level(logging.ERROR), connection.execute_wrapper(_refuse_inserts):
        response = client.post(section.help_request.url, data)

    html = response.content.decode()
    assert response.status_code == 503
    assert not HelpRequest.objects.exists()
    # What the person typed is still in the fields.
    assert 'value="Martin"' in html
    assert 'value="06 12 34 56 78"' in html
    assert 'value="3 rue des Lilas"' in html
    assert "Une visite le mardi, je vis seule." in html
    assert 'value="jeanne@example.org"' in html
    # A clear French message with the coordinators' phone.
    assert "Votre message n'a pas été enregistré" in _text(html)
    assert "03 44 00 00 10" in html
    # Logged with the traceback.
    records = [r for r in caplog.records if r.name == "wagtail_bippop.public.views"]
    assert records and records[0].levelno == logging.ERROR
    assert records[0].exc_info and records[0].exc_info[0] is OperationalError


def test_volunteer_signup_keeps_the_typed_text_when_the_database_refuses_writes(
    client, section, territory, caplog
):
    with caplog.at_level(logging.ERROR), connection.execute_wrapper(_refuse_inserts):
        response = client.post(section.volunteer_signup.url, signup_data(territory))

    html = response.content.decode()
    assert response.status_code == 503
    assert not Volunteer.objects.exists()
    assert 'value="Durand"' in html and 'value="paul@example.org"' in html
    assert "03 44 00 00 10" in html
    assert any(r.exc_info for r in caplog.records if r.name == "wagtail_bippop.public.views")


def test_the_example_site_500_page_is_french_with_the_phone(section):
    client = Client(raise_request_exception=False)
    with mock.patch("wagtail_bippop.public.views.form_view", side_effect=RuntimeError("boom")):
        response = client.get(section.help_request.url)

    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="fr">' in html
    assert "Nous sommes désolés" in html
    assert 'href="tel:+33344000010"' in html and "03 44 00 00 10" in html
    assert "Server Error" not in html


def test_database_down_gives_a_503_with_the_fallback_phone_and_says_the_post_was_lost(
    section, territory, settings
):
    settings.BIPPOP_FALLBACK_PHONE = "03 44 00 00 00"
    client = Client(raise_request_exception=False)
    failure = OperationalError("could not connect to server")
    with mock.patch("wagtail_bippop.public.views.form_view", side_effect=failure):
        response = client.post(
            section.help_request.url, help_data(territory, submission_key=str(uuid.uuid4()))
        )

    html = response.content.decode()
    assert response.status_code == 503
    assert "n'a pas été enregistré" in _text(html)
    assert "03 44 00 00 00" in html


def test_without_any_phone_the_error_page_says_to_call_the_town_hall(section, settings):
    settings.BIPPOP_FALLBACK_PHONE = ""
    client = Client(raise_request_exception=False)
    with mock.patch("wagtail_bippop.public.views.form_view", side_effect=OperationalError("down")):
        response = client.get(section.help_request.url)

    html = response.content.decode()
    assert response.status_code == 503
    assert "mairie" in html
    assert "n'a pas été enregistré" not in _text(html)


def test_example_logging_writes_tracebacks_on_stderr_in_structured_lines(settings):
    config = settings.LOGGING
    handler = config["handlers"][config["root"]["handlers"][0]]
    assert handler["class"] == "logging.StreamHandler"
    assert handler["stream"] == "ext://sys.stderr"
    formatter = logging.Formatter(config["formatters"][handler["formatter"]]["format"])
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: /", (), None
        )
        import sys

        record.exc_info = sys.exc_info()
    line = formatter.format(record)
    assert "level=ERROR logger=django.request" in line
    assert "Traceback (most recent call last)" in line and "OperationalError" in line

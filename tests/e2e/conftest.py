"""End-to-end journeys: a real server, a real mail sink, the SMS file backend, a real browser.

Each journey follows the links the app really sends (e-mails caught by an SMTP server on
loopback, SMS written by the file backend), never addresses built by the test, and runs
axe-core on every page it visits.

Fixtures:

* ``e2e_site``: the live server, the default Wagtail ``Site`` pointing at its host and port
  (so that links in messages open the served site), a territory and the whole public section
  (``.section`` maps names to pages: index, help_request, volunteer_signup, directory,
  volunteer_space, join, agenda, offers, register).
* ``mailbox``: every e-mail the app sends. ``mailbox.wait_for(to=..., contains=...)`` returns
  the first matching message not yet taken (``.subject``, ``.body``, ``.to``, ``.links``).
* ``smsbox``: every SMS written by the file backend; same ``wait_for`` (``to`` is the number in
  international format).
* ``person_page(width=1280)``: a new browser context (own cookies) in French.
* ``visit(page, url=None)``: goes to ``url`` when given, fails on a server error, runs axe and
  counts the page for the run's summary.
* ``admin_login(page, username, password)``: signs in through the admin's login form.
* ``coordinator``: a coordinator of the territory (user ``sophie``, ``COORDINATOR_PASSWORD``).

Any error logged by Django while a journey runs (``django.request``: a 5xx answer) fails it.
"""

import contextlib
import email
import email.policy
import importlib
import logging
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.browser.conftest import assert_no_axe_violation
from tests.browser.section import build_section, ensure_default_site

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LINK = re.compile(r"https?://[^\s<>\"')]+")
STATS = {}  # journey node id -> {"pages": n, "seconds": s}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@dataclass
class Message:
    to: list
    subject: str
    body: str
    links: list = field(default_factory=list)


class _Box:
    """Messages arriving from another thread, taken once each by ``wait_for``."""

    def __init__(self):
        self._messages = []
        self._taken = set()
        self._lock = threading.Lock()

    def _collect(self):
        return None

    def add(self, message):
        with self._lock:
            self._messages.append(message)

    def all(self, to=None):
        self._collect()
        with self._lock:
            return [m for m in self._messages if to is None or _addressed(m, to)]

    def wait_for(self, *, to=None, contains=None, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            self._collect()
            with self._lock:
                for index, message in enumerate(self._messages):
                    if index in self._taken or (to is not None and not _addressed(message, to)):
                        continue
                    if contains and contains not in message.subject + "\n" + message.body:
                        continue
                    self._taken.add(index)
                    return message
            if time.monotonic() > deadline:
                seen = "\n".join(f"  to {m.to}: {m.subject!r} {m.body[:120]!r}" for m in self.all())
                raise AssertionError(
                    f"No message to {to!r} containing {contains!r} within {timeout} s; "
                    f"received:\n{seen or '  nothing'}"
                )
            time.sleep(0.1)


def _addressed(message, to):
    return any(to.lower() in recipient.lower() for recipient in message.to)


def _free_port():
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailSink(_Box):
    """An SMTP server on loopback (aiosmtpd) keeping every message it receives."""

    def handle(self, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = parsed.get_body(preferencelist=("plain", "html"))
        body = part.get_content() if part is not None else ""
        self.add(
            Message(
                to=list(envelope.rcpt_tos),
                subject=str(parsed["subject"] or ""),
                body=body,
                links=LINK.findall(body),
            )
        )

    def clear(self):
        with self._lock:
            self._messages.clear()
            self._taken.clear()


@pytest.fixture(scope="session")
def _smtp_sink():
    from aiosmtpd.controller import Controller

    sink = MailSink()

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
            sink.handle(envelope)
            return "250 Message accepted for delivery"

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    sink.port = port
    yield sink
    controller.stop()


@pytest.fixture
def mailbox(_smtp_sink, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _smtp_sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    _smtp_sink.clear()
    yield _smtp_sink
    _smtp_sink.clear()


class SmsFolder(_Box):
    """The folder written by the SMS file backend, read as messages arrive."""

    def __init__(self, folder):
        super().__init__()
        self.folder = Path(folder)
        self._read = set()

    def _collect(self):
        if not self.folder.exists():
            return
        for path in sorted(self.folder.iterdir()):
            if path.name in self._read:
                continue
            self._read.add(path.name)
            head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
            number = head.removeprefix("To: ").strip()
            self.add(Message(to=[number], subject="", body=body, links=LINK.findall(body)))


@pytest.fixture
def smsbox(settings, tmp_path):
    folder = tmp_path / "sms"
    settings.BIPPOP_SMS_BACKEND = "wagtail_bippop.notifications.sms.FileBackend"
    settings.BIPPOP_SMS_FILE_PATH = str(folder)
    return SmsFolder(folder)


@dataclass
class E2ESite:
    base_url: str
    site: object
    home_page: object
    territory: object
    section: dict


@pytest.fixture
def e2e_site(live_server, transactional_db, mailbox, smsbox, settings):
    """The served site: its Site answers at the live server's address, the section is built.

    The staff groups made by migrations are rebuilt (a journey flushes the database when it
    ends): a person creating staff through the admin needs them.
    """
    from wagtail_bippop.models import (
        EventIndexPage,
        OffersBoardPage,
        PartnerJoinPage,
        RegisterPage,
        Territory,
        VolunteerSpacePage,
    )

    cache.clear()
    _rebuild_staff_groups()
    site = ensure_default_site()
    host, port = live_server.url.removeprefix("http://").split(":")
    site.hostname, site.port = host, int(port)
    site.save()
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    territory = Territory.objects.create(name="Bellerive-sur-Aronde", slug="bellerive", site=site)
    built = build_section(site.root_page.specific, territory)
    pages = {
        "index": built.index,
        "help_request": built.help_request,
        "volunteer_signup": built.volunteer_signup,
        "directory": built.directory,
    }
    for name, page in [
        ("volunteer_space", VolunteerSpacePage(title="Espace bénévole", slug="espace-benevole")),
        ("join", PartnerJoinPage(title="Rejoindre le réseau", slug="rejoindre")),
        ("agenda", EventIndexPage(title="Agenda des sorties", slug="agenda")),
        ("offers", OffersBoardPage(title="Sorties et activités", slug="sorties")),
        ("register", RegisterPage(title="Registre des personnes vulnérables", slug="registre")),
    ]:
        built.index.add_child(instance=page)
        pages[name] = page
    yield E2ESite(live_server.url, site, site.root_page.specific, territory, pages)
    cache.clear()


def _rebuild_staff_groups():
    """Run again the data migrations that make the staff groups and grant their permissions."""
    from django.apps import apps

    for module, function in [
        ("0002_coordinator_groups", "create_groups"),
        ("0007_steering_permissions", "grant"),
        ("0012_offer_permissions", "grant"),
    ]:
        migration = importlib.import_module(f"wagtail_bippop.migrations.{module}")
        getattr(migration, function)(apps, None)


COORDINATOR_PASSWORD = "mot-de-passe-solide"


@pytest.fixture
def coordinator(e2e_site):
    """Sophie Marchand, coordinator of the territory (not a superuser), signing in as sophie."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from wagtail_bippop.models import TerritoryAccess
    from wagtail_bippop.roles import COORDINATOR_GROUP

    user = get_user_model().objects.create_user(
        "sophie",
        "sophie.marchand@bellerive.example",
        COORDINATOR_PASSWORD,
        first_name="Sophie",
        last_name="Marchand",
    )
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(Group.objects.get(name=COORDINATOR_GROUP))
    TerritoryAccess.objects.create(user=user, territory=e2e_site.territory)
    return user


@pytest.fixture
def person_page(browser):
    contexts = []

    def make(width=1280, height=900):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="fr-FR",
            reduced_motion="reduce",
            extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"},
        )
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        return tab

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def visit(request):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    axe = Axe()
    stats = STATS.setdefault(request.node.nodeid, {"pages": 0, "seconds": 0.0})

    def check(page, url=None):
        if url is not None:
            response = page.goto(url)
            assert response is not None, f"no answer from {url}"
            assert response.status < 500, f"{url} answered {response.status}"
        page.wait_for_load_state("load")
        # Messages that fade in would be measured mid-fade (a false contrast failure).
        with contextlib.suppress(PlaywrightTimeout):  # an endless animation (a spinner)
            page.wait_for_function(
                "document.getAnimations().every(a => a.playState !== 'running')", timeout=5_000
            )
        assert_no_axe_violation(axe, page, AXE_TAGS)
        stats["pages"] += 1
        return page

    started = time.monotonic()
    yield check
    stats["seconds"] += time.monotonic() - started


@pytest.fixture
def admin_login(visit, e2e_site):
    def login(page, username, password):
        visit(page, e2e_site.base_url + "/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        sign_in = re.compile("S.identifier|Se connecter|Sign in", re.I)
        page.get_by_role("button", name=sign_in).click()
        page.wait_for_url(re.compile(r"/admin/(?!login)"))
        return page

    return login


class _ErrorCatcher(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_server_error():
    """Fails the journey when the server logged an error (a 5xx answer) while it ran."""
    catcher = _ErrorCatcher()
    loggers = [logging.getLogger(name) for name in ("django.request", "django.server")]
    for logger in loggers:
        logger.addHandler(catcher)
    yield
    for logger in loggers:
        logger.removeHandler(catcher)
    errors = [record for record in catcher.records if record.levelno >= logging.ERROR]
    assert not errors, "The server logged errors:\n" + "\n".join(
        f"- {record.getMessage()}" for record in errors
    )


def pytest_terminal_summary(terminalreporter):
    if not STATS:
        return
    terminalreporter.section("end-to-end journeys")
    total_pages = 0
    for nodeid, figures in sorted(STATS.items()):
        total_pages += figures["pages"]
        terminalreporter.write_line(
            f"{figures['pages']:4d} pages  {figures['seconds']:7.1f} s  {nodeid}"
        )
    terminalreporter.write_line(f"{total_pages:4d} pages in all")

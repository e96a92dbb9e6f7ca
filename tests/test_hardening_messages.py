"""Messages never hold the site hostage: outbox, delivery outside any transaction, in-flight.

* a hanging mail server: the help form answers at once and other people can still write;
  no transaction is open while a mail backend sends;
* the transactional outbox: messages are written with the change that causes them and the
  sweep sends those whose hand-over to the task backend never happened;
* a worker killed mid-send: the message is "sending", then "uncertain" for a coordinator,
  never sent twice blindly.
"""

import datetime
import importlib.util
import io
import socket
import threading
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.browser.section import build_section
from tests.test_public_forms import help_data
from wagtail_bippop.models import HelpRequest
from wagtail_bippop.models.outbox import Channel, OutboxMessage, OutboxStatus
from wagtail_bippop.notifications import delivery

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def help_url(home_page, territory):
    return build_section(home_page, territory).help_request.url


# --- #5 a hanging mail server --------------------------------------------------------------

SEEN_IN_TRANSACTION = []


class TransactionSpyBackend(LocmemBackend):
    """A mail backend that notes whether a database transaction is open while it sends."""

    def send_messages(self, messages):
        SEEN_IN_TRANSACTION.append(connection.in_atomic_block)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_mail_backend_sends(client, help_url, territory, settings):
    settings.EMAIL_BACKEND = "tests.test_hardening_messages.TransactionSpyBackend"
    SEEN_IN_TRANSACTION.clear()
    response = client.post(help_url, help_data(territory))
    assert response.status_code == 302
    assert len(mail.outbox) == 2  # the coordinators and the person: sent after the commit
    assert SEEN_IN_TRANSACTION == [False, False]


@pytest.fixture
def hanging_smtp_server():
    """A loopback server that accepts connections and never says a word."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for peer in accepted:
        peer.close()
    server.close()


@pytest.mark.django_db(transaction=True)
def test_a_hanging_mail_server_neither_slows_the_help_form_nor_blocks_other_people(
    client, help_url, territory, settings, hanging_smtp_server
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = hanging_smtp_server
    settings.EMAIL_TIMEOUT = 3
    # The example site's backend: a worker beside the site delivers.
    settings.BIPPOP_TASK_BACKEND = "db"

    started = time.monotonic()
    response = client.post(help_url, help_data(territory))
    assert response.status_code == 302
    assert time.monotonic() - started < 2, "the help form waited for the mail server"
    waiting = list(OutboxMessage.objects.filter(status=OutboxStatus.PENDING))
    assert len(waiting) == 2

    # The worker talks to the hanging server...
    def worker():
        try:
            delivery.deliver(waiting[0].pk)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    deadline = time.monotonic() + 2
    while not OutboxMessage.objects.filter(status=OutboxStatus.SENDING).exists():
        assert time.monotonic() < deadline, "the worker never started sending"
        time.sleep(0.02)
    # ...meanwhile a second person asks for help: stored at once.
    started = time.monotonic()
    second = client.post(
        help_url,
        help_data(territory, first_name="Lucienne", phone="06 98 76 54 32", email="lu@example.org"),
    )
    assert second.status_code == 302
    assert time.monotonic() - started < 2
    assert thread.is_alive(), "the mail server should still be hanging"
    assert HelpRequest.objects.filter(beneficiary__first_name="Lucienne").exists()
    thread.join()
    message = OutboxMessage.objects.get(pk=waiting[0].pk)
    assert message.status == OutboxStatus.PENDING  # tried again later
    assert message.attempts == 1
    assert "timed out" in message.last_error or "Timeout" in message.last_error


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_what_the_request_queued_with_no_transaction_open(
    client, help_url, territory, settings
):
    settings.EMAIL_BACKEND = "tests.test_hardening_messages.TransactionSpyBackend"
    settings.BIPPOP_TASK_BACKEND = "db"
    SEEN_IN_TRANSACTION.clear()
    assert client.post(help_url, help_data(territory)).status_code == 302
    assert not mail.outbox  # the request only queued them
    call_command(
        "db_worker", "--batch", "--backend", "db", "--no-startup-delay", stdout=io.StringIO()
    )
    assert len(mail.outbox) == 2
    assert SEEN_IN_TRANSACTION == [False, False]
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 2


def test_the_example_site_delivers_in_a_worker_by_default(monkeypatch):
    monkeypatch.delenv("BIPPOP_TASKS", raising=False)
    spec = importlib.util.spec_from_file_location(
        "example_settings_check", ROOT / "example_site" / "bellerive" / "settings.py"
    )
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    assert example.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def test_the_demo_command_starts_the_worker_beside_the_server_and_stops_both(monkeypatch):
    spec = importlib.util.spec_from_file_location("dev_check", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    commands = []
    worker = mock.Mock()
    worker.poll.return_value = None

    def fake_run(*args, **kwargs):
        commands.append([str(a) for a in args])
        if "runserver" in commands[-1]:
            raise KeyboardInterrupt

    def fake_popen(args, **kwargs):
        commands.append([str(a) for a in args])
        return worker

    monkeypatch.setattr(dev, "run", fake_run)
    monkeypatch.setattr(dev.subprocess, "Popen", fake_popen)
    with pytest.raises(KeyboardInterrupt):
        dev.demo("python", [])
    assert any("db_worker" in command for command in commands)
    assert worker.terminate.called or worker.send_signal.called


# --- #6 the transactional outbox -----------------------------------------------------------


def test_a_crash_right_after_the_commit_loses_no_message(client, help_url, territory):
    """The process dies once the request is stored: its messages are in the outbox."""
    from wagtail_bippop.public import submissions

    real_record = submissions._record

    def record_then_crash(*args, **kwargs):
        real_record(*args, **kwargs)
        raise RuntimeError("the process died after the commit")

    with (
        mock.patch.object(submissions, "_record", record_then_crash),
        pytest.raises(RuntimeError),
    ):
        client.post(help_url, help_data(territory))
    assert HelpRequest.objects.count() == 1
    waiting = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    assert sorted(waiting.values_list("kind", flat=True)) == [
        "request_acknowledgement",
        "request_received",
    ]
    assert not mail.outbox
    # The sweep sends what was never handed over.
    assert delivery.retry_due(timezone.now() + datetime.timedelta(minutes=2)) == 2
    assert len(mail.outbox) == 2
    assert not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists()


def test_messages_roll_back_with_the_change_that_caused_them(territory):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        delivery.queue([a_message(territory, save=False)])
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db(transaction=True)
def test_enqueue_failing_after_the_commit_leaves_messages_for_the_sweep(
    client, help_url, territory
):
    from wagtail_bippop.notifications import tasks

    broken = mock.Mock()
    broken.using.return_value.enqueue.side_effect = ConnectionError("queue down")
    with mock.patch.object(tasks, "deliver_message", broken):
        response = client.post(help_url, help_data(territory))
    assert response.status_code == 302
    assert HelpRequest.objects.count() == 1
    waiting = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    assert waiting.count() == 2
    assert not mail.outbox
    waiting.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    call_command("bippop_send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 2
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 2


# --- #14 a worker killed mid-send ----------------------------------------------------------


class Killed(BaseException):
    """The worker process is killed while the provider is being talked to."""


def logged(action, message, **filters):
    from wagtail.log_actions import registry

    return registry.get_logs_for_instance(message).filter(action=action, **filters).exists()


def a_message(territory, *, save=True):
    message = OutboxMessage(
        territory=territory,
        kind="request_received",
        channel=Channel.EMAIL,
        recipient="ccas@example.org",
        subject="Nouvelle demande",
        body="Une demande est arrivée.",
    )
    if save:
        message.save()
    return message


def test_a_message_interrupted_mid_send_is_never_resent_blindly(
    territory, coordinator, client, settings
):
    settings.BIPPOP_MESSAGE_SENDING_TIMEOUT_SECONDS = 600
    message = a_message(territory)
    with mock.patch.object(delivery, "_send", side_effect=Killed), pytest.raises(Killed):
        delivery.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENDING
    assert message.sending_since is not None

    # A sweep soon after: the message may have left; it is not sent again.
    now = timezone.now()
    delivery.retry_due(now + datetime.timedelta(minutes=2))
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENDING
    assert not mail.outbox

    # Past the timeout: put before a coordinator, logged, still not sent again.
    delivery.retry_due(now + datetime.timedelta(minutes=11))
    message.refresh_from_db()
    assert message.status == OutboxStatus.UNCERTAIN
    assert not mail.outbox
    assert logged("wagtail_bippop.message_uncertain", message)

    client.force_login(coordinator)
    listing = client.get(reverse("bippop_outbox")).content.decode()
    assert "Nouvelle demande" in listing
    assert reverse("bippop_outbox_delivered", args=[message.pk]) in listing
    assert reverse("bippop_outbox_resend", args=[message.pk]) in listing

    response = client.post(reverse("bippop_outbox_delivered", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.handled_by == coordinator
    assert not mail.outbox
    assert logged("wagtail_bippop.message_marked_delivered", message, user=coordinator)


def test_a_coordinator_may_resend_an_uncertain_message_once(territory, coordinator, client):
    message = a_message(territory)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.UNCERTAIN, attempts=1)
    client.force_login(coordinator)
    client.post(reverse("bippop_outbox_resend", args=[message.pk]))
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert len(mail.outbox) == 1


def test_an_uncertain_message_of_another_territory_is_out_of_reach(
    territory, other_coordinator, client
):
    message = a_message(territory)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.UNCERTAIN)
    client.force_login(other_coordinator)
    assert client.post(reverse("bippop_outbox_delivered", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.status == OutboxStatus.UNCERTAIN


# --- #4 a suspended volunteer cannot accept ------------------------------------------------


@pytest.fixture
def index_page(home_page, territory):
    from wagtail_bippop.models import SolidarityIndexPage

    page = SolidarityIndexPage(title="Bellerive Solidaire", slug="solidaire", territory=territory)
    home_page.add_child(instance=page)
    return page


@pytest.fixture
def asked_then_suspended(make_request, make_volunteer, service, coordinator):
    from wagtail_bippop.models import VettingStage
    from wagtail_bippop.solicitations import solicit

    # Services sit on a parental relation: saved once more so the database sees them.
    help_request = make_request(services=[service])
    help_request.save()
    volunteer = make_volunteer(first_name="Paul", email="paul@example.org", services=[service])
    volunteer.save()
    (solicitation,) = solicit(help_request, [volunteer], user=coordinator)
    volunteer.stage = VettingStage.SUSPENDED
    volunteer.save(update_fields=["stage"])
    mail.outbox.clear()
    return solicitation


def test_a_suspended_volunteer_cannot_accept_through_an_old_link(
    client, index_page, asked_then_suspended
):
    from wagtail_bippop.models import Mission, RequestStatus, SolicitationStatus
    from wagtail_bippop.solicitations import make_token

    solicitation = asked_then_suspended
    path = index_page.url + index_page.reverse_subpage(
        "solicitation_answer", kwargs={"token": make_token(solicitation)}
    )
    response = client.post(path, {"answer": "accept"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "not active" in page or "pas active" in page
    assert not Mission.objects.exists()
    solicitation.refresh_from_db()
    assert solicitation.status == SolicitationStatus.WITHDRAWN
    solicitation.request.refresh_from_db()
    assert solicitation.request.status != RequestStatus.MATCHED
    # Nobody is told someone is coming.
    assert not mail.outbox
    assert not OutboxMessage.objects.filter(beneficiary=solicitation.request.beneficiary).exists()


@pytest.mark.parametrize("stage", ["suspended", "left"])
def test_a_coordinator_cannot_record_a_yes_for_a_volunteer_not_active(
    asked_then_suspended, coordinator, stage
):
    from wagtail_bippop.models import Mission
    from wagtail_bippop.solicitations import Outcome, respond

    solicitation = asked_then_suspended
    solicitation.volunteer.stage = stage
    solicitation.volunteer.save(update_fields=["stage"])
    response = respond(solicitation, True, user=coordinator)
    assert response.outcome == Outcome.NOT_ACTIVE
    assert not Mission.objects.exists()
    assert not mail.outbox

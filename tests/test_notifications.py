"""Messages: contents and recipients, channels, outbox, retries, providers and workers."""

import datetime
import email
import http.server
import json
import socket
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from wagtail_bippop import notifications
from wagtail_bippop.conf import DEFAULTS
from wagtail_bippop.intake import record_request
from wagtail_bippop.models import (
    ConsentMethod,
    ContactChannel,
    HelpRequest,
    IntakeChannel,
    MissionRecurrence,
)
from wagtail_bippop.models.outbox import (
    Channel,
    MessageTemplate,
    OutboxMessage,
    OutboxStatus,
    VolunteerPreferences,
)
from wagtail_bippop.notifications import messages as kinds
from wagtail_bippop.notifications.delivery import backoff, retry_due
from wagtail_bippop.notifications.sms import LocmemBackend
from wagtail_bippop.roles import READ_ONLY_GROUP

from .test_notifications_fixtures import *  # noqa: F403

BROKEN_MAIL = "tests.test_notifications.BrokenEmailBackend"


class BrokenEmailBackend:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def mission(make_mission, make_beneficiary, make_request, volunteer):
    import datetime as dt

    beneficiary = make_beneficiary(
        first_name="Jeanne",
        last_name="Martin",
        address="3 rue des Lilas",
        postcode="60000",
        city="Bellerive",
        preferred_channel=ContactChannel.LETTER,
    )
    return make_mission(
        request=make_request(beneficiary=beneficiary),
        volunteer=volunteer,
        recurrence=MissionRecurrence.WEEKLY,
        start_date=dt.date(2026, 12, 7),
        usual_time=dt.time(14, 30),
    )


# --- the seam kept for existing callers -----------------------------------------------


def test_send_keeps_working_and_records_the_message(db):
    count = notifications.send(
        "worry_alert",
        to=["a@example.org", "", "a@example.org", "b@example.org"],
        context={"beneficiary_name": "Jeanne Martin", "volunteer_name": "Paul", "report": "x"},
    )
    assert count == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert mail.outbox[0].subject.endswith("Jeanne Martin")
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


# --- content and recipients of each kind -------------------------------------------------


def test_mission_confirmation_letter_for_an_offline_person(mission, site_settings):
    message = kinds.mission_confirmed(mission)
    assert message.channel == Channel.LETTER
    assert message.status == OutboxStatus.TO_HANDLE
    assert message.recipient.splitlines() == ["Jeanne Martin", "3 rue des Lilas", "60000 Bellerive"]
    assert "Paul" in message.body
    assert "14:30" in message.body and "2026" in message.body
    assert "01 23 45 67 89" in message.body
    assert mail.outbox == [] and LocmemBackend.outbox == []
    # Never twice for the same mission.
    assert kinds.mission_confirmed(mission) is None


def test_mission_confirmation_by_sms(mission):
    beneficiary = mission.request.beneficiary
    beneficiary.preferred_channel = ContactChannel.SMS
    beneficiary.save()
    kinds.mission_confirmed(mission)
    assert [(sms.to, "Paul" in sms.body) for sms in LocmemBackend.outbox] == [
        (beneficiary.phone, True)
    ]


def test_phone_people_go_onto_the_call_list(mission):
    beneficiary = mission.request.beneficiary
    beneficiary.preferred_channel = ContactChannel.PHONE
    beneficiary.save()
    message = kinds.mission_confirmed(mission)
    assert (message.channel, message.status) == (Channel.CALL, OutboxStatus.TO_HANDLE)
    assert message.recipient == beneficiary.phone


def test_volunteer_preferred_channel(volunteer):
    from wagtail_bippop.notifications import notify

    notify("signin_link", person=volunteer, values={"first_name": "Paul", "link": "L"})
    assert [m.to for m in mail.outbox] == [[volunteer.email]]
    VolunteerPreferences.objects.create(volunteer=volunteer, preferred_channel=Channel.SMS)
    notify("signin_link", person=volunteer, values={"first_name": "Paul", "link": "L2"})
    assert [sms.to for sms in LocmemBackend.outbox] == [volunteer.phone]
    assert "L2" in LocmemBackend.outbox[0].body


def test_worry_alert_goes_to_coordinators_of_the_territory_only(
    mission, make_visit, coordinator, other_coordinator, site_settings
):
    visit = make_visit(mission=mission, report="Elle ne mange plus.")
    kinds.worry_alert(visit)
    assert sorted(m.to[0] for m in mail.outbox) == ["ccas@bellerive.example", "coord@example.org"]
    body = mail.outbox[0].body
    assert "Elle ne mange plus." in body and mission.volunteer.full_name in body
    assert reverse("bippop_worries") in body


# --- per-site texts, rendered safely ------------------------------------------------------


def test_site_text_replaces_the_default_and_is_rendered_safely(mission, site):
    MessageTemplate.objects.create(
        site=site,
        kind="mission_confirmed",
        subject="Visite de {{ volunteer_first_name }}",
        body="Bonjour {{first_name}} : {{ schedule }}. {{ volunteer.user.password }} {% now 'Y' %}",
    )
    message = kinds.mission_confirmed(mission)
    assert message.subject == "Visite de Paul"
    assert message.body.startswith("Bonjour Jeanne : ")
    assert "7" in message.body and "2026" in message.body and "14:30" in message.body
    # No attribute lookup, no template tag: written as it is.
    assert "{{ volunteer.user.password }} {% now 'Y' %}" in message.body


def test_site_text_with_an_unknown_value_is_refused(site):
    text = MessageTemplate(site=site, kind="mission_confirmed", body="{{ password }}")
    with pytest.raises(ValidationError) as error:
        text.full_clean()
    assert "password" in str(error.value)


# --- outbox, retries, fallback ------------------------------------------------------------


def test_mail_server_down_keeps_the_request_then_retries(territory, service):
    with override_settings(EMAIL_BACKEND=f"{BROKEN_MAIL}"):
        result = record_request(
            territory=territory,
            person={"first_name": "Jeanne", "last_name": "Martin", "phone": "0612345678"},
            services=[service],
            channel=IntakeChannel.WEB,
            consent_method=ConsentMethod.WEB_FORM,
        )
        queued = notifications.send(
            "worry_alert", to=["ccas@example.org"], context={"beneficiary_name": "J"}
        )
    assert queued == 1
    assert HelpRequest.objects.filter(pk=result.request.pk).exists()
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert "mail server down" in message.last_error
    assert message.next_attempt_at > timezone.now()
    # Not due yet: nothing happens.
    assert retry_due() == 0
    # Later, the server is back.
    assert retry_due(now=message.next_attempt_at + datetime.timedelta(seconds=1)) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)
    assert [m.to for m in mail.outbox] == [["ccas@example.org"]]


def test_backoff_grows():
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 240, 960]
    assert backoff(20) == datetime.timedelta(days=1)


@override_settings(EMAIL_BACKEND=BROKEN_MAIL, BIPPOP_MESSAGE_MAX_ATTEMPTS=2)
def test_final_failure_falls_back_to_the_next_channel(volunteer):
    from wagtail_bippop.notifications import notify

    message = notify("signin_link", person=volunteer, values={"first_name": "Paul"})
    retry_due(now=timezone.now() + datetime.timedelta(hours=1))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 2)
    copy = OutboxMessage.objects.exclude(pk=message.pk).get()
    assert (copy.channel, copy.status, copy.recipient) == (
        Channel.SMS,
        OutboxStatus.SENT,
        volunteer.phone,
    )
    assert len(LocmemBackend.outbox) == 1


# --- the coordinators' side ------------------------------------------------------------


@pytest.fixture
def failed_messages(territory, other_territory):
    def make(territory, recipient):
        return OutboxMessage.objects.create(
            territory=territory,
            kind="worry_alert",
            channel=Channel.EMAIL,
            recipient=recipient,
            subject="S",
            body="B",
            status=OutboxStatus.FAILED,
            attempts=6,
        )

    return make(territory, "mine@example.org"), make(other_territory, "theirs@example.org")


def test_coordinator_sees_and_resends_own_failed_messages(client, coordinator, failed_messages):
    mine, theirs = failed_messages
    client.force_login(coordinator)
    listing = client.get(reverse("bippop_outbox")).content.decode()
    assert "mine@example.org" in listing and "theirs@example.org" not in listing
    assert client.post(reverse("bippop_outbox_resend", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("bippop_outbox_resend", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (OutboxStatus.SENT, OutboxStatus.FAILED)
    assert [m.to for m in mail.outbox] == [["mine@example.org"]]


def test_read_only_role_sees_no_message(client, make_staff, territory, failed_messages):
    official = make_staff("elu", territories=[territory], group=READ_ONLY_GROUP)
    client.force_login(official)
    response = client.get(reverse("bippop_outbox"), follow=True)
    assert response.redirect_chain  # turned away to the admin home
    assert "mine@example.org" not in response.content.decode()
    assert (
        client.post(reverse("bippop_outbox_resend", args=[failed_messages[0].pk])).status_code
        == 302
    )
    failed_messages[0].refresh_from_db()
    assert failed_messages[0].status == OutboxStatus.FAILED


def test_printable_letter_and_mark_as_sent(client, coordinator, mission, other_coordinator):
    message = kinds.mission_confirmed(mission)
    beneficiary = mission.request.beneficiary
    client.force_login(coordinator)
    page = client.get(reverse("bippop_letter", args=[beneficiary.pk])).content.decode()
    assert "3 rue des Lilas" in page and "Paul" in page and "14:30" in page
    assert "letters.css" in page and "<style" not in page and "style=" not in page
    client.post(reverse("bippop_outbox_handled", args=[message.pk]))
    message.refresh_from_db()
    assert (message.status, message.handled_by) == (OutboxStatus.SENT, coordinator)
    # Without a queued letter, the page still shows the mission confirmation.
    again = client.get(reverse("bippop_letter", args=[beneficiary.pk])).content.decode()
    assert "Paul" in again and "14:30" in again
    client.force_login(other_coordinator)
    assert client.get(reverse("bippop_letter", args=[beneficiary.pk])).status_code == 404


# --- SMS: nothing without configuration, and a real provider adapter ---------------------


def test_sms_defaults_send_nothing_anywhere():
    assert DEFAULTS["SMS_BACKEND"].endswith("sms.ConsoleBackend")
    assert DEFAULTS["SMS_BREVO_API_KEY"] == ""


@pytest.fixture
def fake_provider():
    received = []
    answers = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {name.lower(): value for name, value in self.headers.items()}
            received.append((self.path, headers, json.loads(body)))
            status = answers.pop(0) if answers else 201
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"messageId": 1}' if status < 300 else b'{"code": "down"}')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/v3/transactionalSMS/send"
    yield url, received, answers
    server.shutdown()


def test_brevo_adapter_through_a_fake_server_on_loopback(fake_provider, mission):
    url, received, answers = fake_provider
    beneficiary = mission.request.beneficiary
    beneficiary.preferred_channel = ContactChannel.SMS
    beneficiary.save()
    answers.append(500)
    with override_settings(
        BIPPOP_SMS_BACKEND="wagtail_bippop.notifications.sms.BrevoBackend",
        BIPPOP_SMS_BREVO_API_KEY="key-123",
        BIPPOP_SMS_BREVO_URL=url,
        BIPPOP_SMS_SENDER="Bellerive",
    ):
        message = kinds.mission_confirmed(mission)
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
        assert "HTTP 500" in message.last_error
        retry_due(now=message.next_attempt_at)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    path, headers, payload = received[-1]
    assert path == "/v3/transactionalSMS/send"
    assert headers["api-key"] == "key-123"
    assert payload["recipient"] == beneficiary.phone.lstrip("+")
    assert payload["sender"] == "Bellerive"
    assert "Paul" in payload["content"]


@override_settings(BIPPOP_SMS_BACKEND="wagtail_bippop.notifications.sms.BrevoBackend")
def test_provider_without_key_sends_nothing(volunteer):
    from wagtail_bippop.notifications import notify

    message = notify("signin_link", person=volunteer, channel=Channel.SMS, values={})
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert "BIPPOP_SMS_BREVO_API_KEY" in message.last_error


# --- a real SMTP server on loopback -----------------------------------------------------


def test_email_through_a_real_smtp_server_on_loopback(db):
    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.envelopes = []

        async def handle_DATA(self, server, session, envelope):
            self.envelopes.append(envelope)
            return "250 OK"

    handler = Handler()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
        ):
            notifications.send(
                "worry_alert",
                to=["ccas@bellerive.example"],
                context={"beneficiary_name": "Jeanne Martin", "report": "Elle tousse."},
            )
    finally:
        controller.stop()
    assert len(handler.envelopes) == 1
    envelope = handler.envelopes[0]
    assert envelope.rcpt_tos == ["ccas@bellerive.example"]
    parsed = email.message_from_bytes(envelope.content)
    assert "Jeanne Martin" in str(
        email.header.make_header(email.header.decode_header(parsed["Subject"]))
    )
    assert "Elle tousse." in parsed.get_payload(decode=True).decode()
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


# --- production: django-tasks-db and its worker --------------------------------------------


@pytest.mark.django_db(transaction=True)
@override_settings(BIPPOP_TASK_BACKEND="db")
def test_db_worker_delivers_queued_messages():
    from django_tasks_db.models import DBTaskResult

    notifications.send("worry_alert", to=["ccas@example.org"], context={"beneficiary_name": "J"})
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.PENDING
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", "--batch", "--backend", "db", "--no-startup-delay")
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [m.to for m in mail.outbox] == [["ccas@example.org"]]


@pytest.mark.django_db(transaction=True)
@override_settings(BIPPOP_TASK_BACKEND="db", EMAIL_BACKEND=BROKEN_MAIL)
def test_db_worker_schedules_the_retry_with_backoff():
    from django_tasks_db.models import DBTaskResult

    notifications.send("worry_alert", to=["ccas@example.org"], context={"beneficiary_name": "J"})
    call_command("db_worker", "--batch", "--backend", "db", "--no-startup-delay")
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    retry = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert retry.run_after == message.next_attempt_at


def test_console_and_file_sms_backends(tmp_path, capsys):
    from wagtail_bippop.notifications.sms import ConsoleBackend, FileBackend, SmsMessage

    message = SmsMessage(to="+33612345678", body="Bonjour", sender="Bellerive")
    assert ConsoleBackend().send_messages([message]) == 1
    assert "+33612345678" in capsys.readouterr().out
    assert FileBackend(file_path=tmp_path).send_messages([message, message]) == 2
    files = sorted(tmp_path.iterdir())
    assert len(files) == 2
    assert files[0].read_text(encoding="utf-8") == "To: +33612345678\n\nBonjour"


def test_admin_dashboard_shows_recent_worries_of_own_territory(
    client, coordinator, other_coordinator, mission, make_visit
):
    visit = make_visit(mission=mission, worry=True, report="Elle tombe souvent.")
    visit.reported_at = timezone.now()
    visit.save()
    client.force_login(coordinator)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "bippop-worries" in dashboard and "Jeanne Martin" in dashboard
    worries = client.get(reverse("bippop_worries")).content.decode()
    assert "Elle tombe souvent." in worries
    client.force_login(other_coordinator)
    assert "Jeanne Martin" not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Elle tombe souvent." not in client.get(reverse("bippop_worries")).content.decode()

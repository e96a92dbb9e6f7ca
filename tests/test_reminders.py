"""Reminders the day before each visit: right people, right channel, never twice."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from wagtail_bippop.models import ContactChannel, MissionStatus, VisitStatus
from wagtail_bippop.models.outbox import Channel, OutboxMessage, OutboxStatus
from wagtail_bippop.notifications.reminders import send_reminders
from wagtail_bippop.notifications.sms import LocmemBackend
from wagtail_bippop.notifications.tasks import periodic_run

from .test_notifications_fixtures import *  # noqa: F403


def at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@pytest.fixture
def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def visit_tomorrow(make_visit, make_mission, make_request, make_beneficiary, volunteer, tomorrow):
    beneficiary = make_beneficiary(first_name="Jeanne", preferred_channel=ContactChannel.SMS)
    mission = make_mission(request=make_request(beneficiary=beneficiary), volunteer=volunteer)
    return make_visit(mission=mission, starts_at=at(tomorrow, 15))


def test_reminders_to_volunteer_and_beneficiary_once_across_runs(
    visit_tomorrow, volunteer, space_page, site_settings
):
    beneficiary = visit_tomorrow.mission.request.beneficiary
    assert send_reminders() == {"visits": 1, "queued": 2}
    assert send_reminders() == {"visits": 1, "queued": 0}
    call_command("bippop_send_reminders", stdout=io.StringIO())

    assert [message.to for message in mail.outbox] == [[volunteer.email]]
    volunteer_mail = mail.outbox[0]
    assert "Jeanne M." in volunteer_mail.body
    assert "15:00" in volunteer_mail.body
    assert space_page.full_url in volunteer_mail.body
    assert [sms.to for sms in LocmemBackend.outbox] == [beneficiary.phone]
    assert "Paul" in LocmemBackend.outbox[0].body and "15:00" in LocmemBackend.outbox[0].body
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 2


def test_person_without_a_channel_goes_onto_the_call_list(visit_tomorrow):
    beneficiary = visit_tomorrow.mission.request.beneficiary
    beneficiary.preferred_channel = ContactChannel.PHONE
    beneficiary.fallback_channel = ContactChannel.PHONE
    beneficiary.save()
    send_reminders()
    send_reminders()
    call = OutboxMessage.objects.get(beneficiary=beneficiary)
    assert (call.channel, call.status) == (Channel.CALL, OutboxStatus.TO_HANDLE)
    assert call.recipient == beneficiary.phone
    assert LocmemBackend.outbox == []


def test_only_tomorrows_planned_visits_of_active_missions(
    make_visit, make_mission, volunteer, tomorrow
):
    def visit(day, **mission_fields):
        return make_visit(
            mission=make_mission(volunteer=volunteer, **mission_fields), starts_at=at(day, 10)
        )

    visit(tomorrow - datetime.timedelta(days=1))
    visit(tomorrow + datetime.timedelta(days=1))
    visit(tomorrow, status=MissionStatus.ENDED)
    cancelled = visit(tomorrow)
    cancelled.status = VisitStatus.CANCELLED
    cancelled.save()
    assert send_reminders() == {"visits": 0, "queued": 0}
    assert mail.outbox == [] and LocmemBackend.outbox == []


def test_scheduled_task_entry_point(visit_tomorrow):
    result = periodic_run.enqueue()
    assert result.return_value == {"visits": 1, "queued": 2, "retried": 0}
    assert periodic_run.enqueue().return_value == {"visits": 1, "queued": 0, "retried": 0}
    assert len(mail.outbox) == 1

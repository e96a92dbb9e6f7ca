"""Writing messages to the outbox and delivering them, with retries and fallback.

``queue()`` stores messages in the caller's transaction and hands their ids to the task
backend. ``deliver()`` sends one message: on failure it counts the attempt and plans the
next one with an exponential backoff; after the last attempt the message is marked failed
and, when the person has another channel, a copy goes through that channel.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..conf import bippop_settings
from ..models.outbox import Channel, OutboxMessage, OutboxStatus
from . import sms
from .channels import address_for, route

logger = logging.getLogger(__name__)

# Letters and calls are done by a person: the message waits for a coordinator.
MANUAL_CHANNELS = (Channel.LETTER, Channel.CALL)


def backoff(attempts):
    """Delay before attempt ``attempts + 1``: base, 4×base, 16×base…, capped at one day."""
    seconds = bippop_settings.MESSAGE_RETRY_SECONDS * 4 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, 24 * 3600))


def queue(messages):
    """Save ``messages`` (unsaved OutboxMessage rows) and schedule their delivery.

    A message with a ``dedupe_key`` already used is skipped: returns the saved ones.
    """
    saved = []
    for message in messages:
        if message.dedupe_key:
            try:
                with transaction.atomic():
                    message.save()
            except IntegrityError:
                continue
        else:
            message.save()
        saved.append(message)
    for message in saved:
        schedule(message)
        message.refresh_from_db()  # the immediate backend may have delivered it already
    return saved


def schedule(message, *, run_after=None):
    from .tasks import deliver_message

    task = deliver_message.using(backend=bippop_settings.TASK_BACKEND)
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # picked up by the periodic sweep (retry_due)
        task = task.using(run_after=run_after)
    try:
        task.enqueue(message.pk)
    except Exception:  # the outbox row is kept: the sweep will send it
        logger.exception("Could not enqueue message %s", message.pk)


def _send(message):
    if message.channel == Channel.EMAIL:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            reply_to=[message.reply_to] if message.reply_to else None,
        )
        email.send(fail_silently=False)
    elif message.channel == Channel.SMS:
        sms.send_sms(message.recipient, message.body)


def deliver(message_id):
    """Try to deliver one message now; returns its new status."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxStatus.PENDING:
            return message.status if message else None
        if message.channel in MANUAL_CHANNELS:
            message.status = OutboxStatus.TO_HANDLE
            message.save(update_fields=["status"])
            return message.status
        message.attempts += 1
        try:
            _send(message)
        except Exception as error:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= bippop_settings.MESSAGE_MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                message.next_attempt_at = None
            else:
                message.next_attempt_at = timezone.now() + backoff(message.attempts)
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = timezone.now()
            message.next_attempt_at = None
            message.last_error = ""
        message.save()
    if message.status == OutboxStatus.PENDING:
        schedule(message, run_after=message.next_attempt_at)
    elif message.status == OutboxStatus.FAILED:
        fall_back(message)
    return message.status


def fall_back(message):
    """After a final failure, send a copy through the person's next channel."""
    person = message.beneficiary or message.volunteer
    if person is None:
        return None
    channels = route(person)
    if message.channel not in channels:
        return None
    following = channels[channels.index(message.channel) + 1 :]
    if not following:
        return None
    channel = following[0]
    copy = OutboxMessage(
        territory_id=message.territory_id,
        kind=message.kind,
        channel=channel,
        recipient=address_for(person, channel),
        beneficiary=message.beneficiary,
        volunteer=message.volunteer,
        subject=message.subject,
        body=message.body,
    )
    return queue([copy])[0]


def due_messages(now=None):
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        status=OutboxStatus.PENDING, next_attempt_at__lte=now
    ) | OutboxMessage.objects.filter(
        # Never picked up (enqueueing failed, or a worker died): give it a minute.
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at__isnull=True,
        created_at__lte=now - datetime.timedelta(minutes=1),
    )


def retry_due(now=None):
    """Deliver every pending message whose next attempt is due; returns how many were sent."""
    sent = 0
    for message_id in due_messages(now).values_list("pk", flat=True):
        if deliver(message_id) == OutboxStatus.SENT:
            sent += 1
    return sent


def resend(message, *, user=None):
    """A coordinator asks to try again a failed (or stuck) message."""
    from wagtail.log_actions import log

    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = None
    message.last_error = ""
    message.save(update_fields=["status", "attempts", "next_attempt_at", "last_error"])
    log(message, "wagtail_bippop.message_resend", user=user)
    return deliver(message.pk)


def mark_handled(message, *, user=None):
    """A coordinator printed the letter or made the call."""
    from wagtail.log_actions import log

    message.status = OutboxStatus.SENT
    message.sent_at = timezone.now()
    message.handled_by = user
    message.save(update_fields=["status", "sent_at", "handled_by"])
    log(message, "wagtail_bippop.message_handled", user=user)

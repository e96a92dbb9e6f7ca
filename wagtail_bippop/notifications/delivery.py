"""Writing messages to the outbox and delivering them, with retries and fallback.

``queue()`` stores messages in the caller's transaction (a transactional outbox: the change
and the messages it causes commit together, or not at all) and hands their ids to the task
backend once that transaction has committed. When the hand-over fails, or the process dies
just after the commit, the rows stay pending and the periodic sweep (``retry_due``) sends
them.

``deliver()`` sends one message without holding any transaction or row lock while talking
to the mail server or the SMS provider: it claims the message ("sending") in a short
transaction, sends with no transaction open, then records the result in another short
transaction. On failure it counts the attempt and plans the next one with an exponential
backoff; after the last attempt the message is marked failed and, when the person has
another channel, a copy goes through that channel. A message left "sending" (the worker
was killed mid-send) is never resent blindly: after a timeout it becomes "uncertain" and
waits for a coordinator, who resends it or marks it delivered.
"""

import datetime
import functools
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


def _in_transaction():
    """Whether a transaction the caller opened is still running.

    The transaction a test case wraps around each test never commits and stands for
    autocommit: it does not count (Django's own ``durable`` check ignores it the same way).
    """
    connection = transaction.get_connection()
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def after_commit(func):
    """Run ``func`` once the caller's transaction has committed (now, without one)."""
    if _in_transaction():
        transaction.on_commit(func, robust=True)
    else:
        func()


def queue(messages):
    """Save ``messages`` (unsaved OutboxMessage rows) and schedule their delivery.

    The rows are written in the caller's transaction; delivery starts after it commits.
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
    if saved:
        deferred = _in_transaction()
        after_commit(functools.partial(schedule_ids, [message.pk for message in saved]))
        if not deferred:
            for message in saved:
                message.refresh_from_db()  # an immediate backend may have delivered it already
    return saved


def schedule_ids(message_ids):
    for message_id in message_ids:
        schedule(message_id)


def schedule(message_id, *, run_after=None):
    """Hand one message to the task backend; on failure the periodic sweep sends it."""
    from .tasks import deliver_message

    if isinstance(message_id, OutboxMessage):
        message_id = message_id.pk
    task = deliver_message.using(backend=bippop_settings.TASK_BACKEND)
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # picked up by the periodic sweep (retry_due)
        task = task.using(run_after=run_after)
    try:
        task.enqueue(message_id)
    except Exception:  # the outbox row is kept: the sweep will send it
        logger.exception("Could not enqueue message %s", message_id)


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


def _claim(message_id):
    """Mark a pending message "sending" in a short transaction; returns it, or its status."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxStatus.PENDING:
            return None, (message.status if message else None)
        if message.channel in MANUAL_CHANNELS:
            message.status = OutboxStatus.TO_HANDLE
            message.save(update_fields=["status"])
            return None, message.status
        message.status = OutboxStatus.SENDING
        message.attempts += 1
        message.sending_since = timezone.now()
        message.save(update_fields=["status", "attempts", "sending_since"])
        return message, message.status


def deliver(message_id):
    """Try to deliver one message now; returns its new status."""
    message, status = _claim(message_id)
    if message is None:
        return status
    # No transaction is open here: a hanging provider holds no lock and blocks nobody.
    error = None
    try:
        _send(message)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if error is None:
            # Delivered, even if a coordinator meanwhile saw it as uncertain.
            message.status = OutboxStatus.SENT
            message.sent_at = timezone.now()
            message.next_attempt_at = None
            message.last_error = ""
        elif message.status != OutboxStatus.SENDING:
            return message.status  # a coordinator took it over meanwhile
        else:
            message.last_error = error
            if message.attempts >= bippop_settings.MESSAGE_MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                message.next_attempt_at = None
            else:
                message.status = OutboxStatus.PENDING
                message.next_attempt_at = timezone.now() + backoff(message.attempts)
        message.sending_since = None
        message.save()
    if message.status == OutboxStatus.PENDING:
        schedule(message.pk, run_after=message.next_attempt_at)
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
        # Never picked up (the hand-over failed, or the process died after the commit).
        status=OutboxStatus.PENDING,
        next_attempt_at__isnull=True,
        created_at__lte=now - datetime.timedelta(minutes=1),
    )


def mark_uncertain(now=None):
    """Messages "sending" for too long (the worker died mid-send) wait for a coordinator.

    Whether the provider got them is unknown: they are never resent blindly. Returns how
    many were put before a coordinator; each is logged.
    """
    from wagtail.log_actions import log

    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=bippop_settings.MESSAGE_SENDING_TIMEOUT_SECONDS)
    count = 0
    for message_id in OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING, sending_since__lte=limit
    ).values_list("pk", flat=True):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update()
                .filter(pk=message_id, status=OutboxStatus.SENDING)
                .first()
            )
            if message is None:
                continue
            message.status = OutboxStatus.UNCERTAIN
            message.save(update_fields=["status"])
            log(message, "wagtail_bippop.message_uncertain")
            count += 1
    return count


def retry_due(now=None):
    """Deliver every pending message whose next attempt is due; returns how many were sent.

    Messages stuck "sending" past the timeout are first put before a coordinator.
    """
    mark_uncertain(now)
    sent = 0
    for message_id in due_messages(now).values_list("pk", flat=True):
        if deliver(message_id) == OutboxStatus.SENT:
            sent += 1
    return sent


def resend(message, *, user=None):
    """A coordinator asks to try again a failed, stuck or uncertain message.

    The message goes back to the queue: the coordinator's page does not wait for the
    provider. Returns its status once handed over (sent at once by an immediate backend).
    """
    from wagtail.log_actions import log

    with transaction.atomic():
        message.status = OutboxStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = None
        message.sending_since = None
        message.last_error = ""
        message.save(
            update_fields=["status", "attempts", "next_attempt_at", "sending_since", "last_error"]
        )
        log(message, "wagtail_bippop.message_resend", user=user)
    schedule(message.pk)
    message.refresh_from_db(fields=["status"])
    return message.status


def mark_handled(message, *, user=None):
    """A coordinator printed the letter or made the call."""
    from wagtail.log_actions import log

    message.status = OutboxStatus.SENT
    message.sent_at = timezone.now()
    message.handled_by = user
    message.save(update_fields=["status", "sent_at", "handled_by"])
    log(message, "wagtail_bippop.message_handled", user=user)


def mark_delivered(message, *, user=None):
    """A coordinator checked that an uncertain message reached the person."""
    from wagtail.log_actions import log

    message.status = OutboxStatus.SENT
    message.sent_at = timezone.now()
    message.sending_since = None
    message.handled_by = user
    message.save(update_fields=["status", "sent_at", "sending_since", "handled_by"])
    log(message, "wagtail_bippop.message_marked_delivered", user=user)

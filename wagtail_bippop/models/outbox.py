"""Messaging: the outbox of every message, per-site message texts, volunteers' preferences.

Every message is first written to the outbox, then delivered by a background task. When a
mail server or an SMS provider is down, the row stays "pending" with a next attempt time:
the action that triggered it is never lost, and coordinators can see and resend it.
"""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import Beneficiary, ContactChannel, Volunteer
from .territory import Territory

PLACEHOLDER = re.compile(r"{{\s*([a-z_]+)\s*}}")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message (SMS)")
    LETTER = "letter", _("Printed letter")
    CALL = "call", _("Phone call by a coordinator")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    UNCERTAIN = "uncertain", _("Uncertain: check before sending again")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    TO_HANDLE = "to_handle", _("To print or to call")
    CANCELLED = "cancelled", _("Cancelled")


class OutboxMessage(models.Model):
    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territory"),
    )
    kind = models.CharField(_("kind of message"), max_length=50, db_index=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=255, blank=True)
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("beneficiary"),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("volunteer"),
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    reply_to = models.EmailField(_("reply to"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OutboxStatus.choices,
        default=OutboxStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # Set while the provider is being talked to; a message left "sending" longer than
    # BIPPOP_MESSAGE_SENDING_TIMEOUT_SECONDS becomes "uncertain".
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    # Set for messages that must never go twice (reminders): one row per key.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="bippop_outbox_due"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient or self.get_channel_display()}"


class MessageTemplate(models.Model):
    """A site's own wording of one kind of message; the default text comes from a file."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("site"),
    )
    kind = models.CharField(_("kind of message"), max_length=50)
    subject = models.CharField(
        _("subject"), max_length=255, blank=True, help_text=_("Used for e-mails only.")
    )
    body = models.TextField(
        _("text"),
        help_text=_(
            "Write {{ first_name }} and the like where a value must appear; the list of "
            "values each kind of message offers is given below."
        ),
    )

    class Meta:
        verbose_name = _("message text")
        verbose_name_plural = _("message texts")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["site", "kind"], name="bippop_message_text_unique")
        ]

    def __str__(self):
        return self.kind

    def clean(self):
        super().clean()
        from ..notifications.kinds import KINDS

        kind = KINDS.get(self.kind)
        if kind is None:
            raise ValidationError({"kind": _("Unknown kind of message.")})
        unknown = {
            name
            for name in PLACEHOLDER.findall(f"{self.subject}\n{self.body}")
            if name not in kind.placeholders
        }
        if unknown:
            raise ValidationError(
                {
                    "body": _("Unknown values: %(names)s. Available: %(available)s.")
                    % {
                        "names": ", ".join(sorted(unknown)),
                        "available": ", ".join(kind.placeholders),
                    }
                }
            )


class VolunteerChannel(models.TextChoices):
    EMAIL = ContactChannel.EMAIL.value, ContactChannel.EMAIL.label
    SMS = ContactChannel.SMS.value, ContactChannel.SMS.label


def new_calendar_token():
    return secrets.token_urlsafe(24)


class VolunteerPreferences(models.Model):
    """How a volunteer wants to be reached, their calendar link, their closure request."""

    volunteer = models.OneToOneField(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="preferences",
        verbose_name=_("volunteer"),
    )
    preferred_channel = models.CharField(
        _("preferred channel"),
        max_length=16,
        choices=VolunteerChannel.choices,
        default=VolunteerChannel.EMAIL,
    )
    fallback_channel = models.CharField(
        _("fallback channel"),
        max_length=16,
        choices=VolunteerChannel.choices,
        default=VolunteerChannel.SMS,
    )
    calendar_token = models.CharField(
        max_length=64, unique=True, default=new_calendar_token, editable=False
    )
    closure_requested_at = models.DateTimeField(
        _("account closure asked on"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("volunteer preferences")
        verbose_name_plural = _("volunteer preferences")

    def __str__(self):
        return str(self.volunteer)

    @classmethod
    def for_volunteer(cls, volunteer):
        preferences, _created = cls.objects.get_or_create(volunteer=volunteer)
        return preferences

    def reset_calendar_token(self):
        self.calendar_token = new_calendar_token()
        self.save(update_fields=["calendar_token"])

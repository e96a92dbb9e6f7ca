"""Register of vulnerable persons (registre nominatif, CASF art. L121-6-1 and R121-2 ff.).

Kept apart on purpose: the register has its own models and permissions and is never
joined with beneficiaries, requests or visits. Registration happens only at the person's
own request or a third party's; it is acknowledged within 8 days and used only to reach
registered people when the préfet triggers an emergency plan (heatwave, cold...).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..phones import validate_phone
from .territory import Territory

ACKNOWLEDGEMENT_DAYS = 8


class EligibilityCategory(models.TextChoices):
    AGED_65 = "aged_65", _("Aged 65 or over")
    AGED_60_UNFIT = "aged_60_unfit", _("Aged 60 or over and recognised unfit for work")
    DISABLED_ADULT = "disabled_adult", _("Adult with a disability")


class RegisterRequester(models.TextChoices):
    SELF = "self", _("The person themselves")
    THIRD_PARTY = "third_party", _("Someone else (relative, neighbour, doctor, social worker)")


class RegisterChannel(models.TextChoices):
    WEB = "web", _("Website")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")


class StaffEntryBasis(models.TextChoices):
    """Why staff typed an entry in: registration is only ever at the person's request."""

    PHONE = "phone", _("The person asked by phone")
    IN_PERSON = "in_person", _("The person asked in person")
    LETTER = "letter", _("The person asked by letter")
    THIRD_PARTY = "third_party", _("A third party asked, with the person's agreement")


class RegisterEntry(models.Model):
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="register_entries",
        verbose_name=_("territory"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    category = models.CharField(
        _("registered as"), max_length=16, choices=EligibilityCategory.choices
    )
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone])
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    emergency_contact = models.CharField(
        _("person to contact in an emergency"), max_length=200, blank=True
    )
    emergency_phone = models.CharField(
        _("their phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    home_services = models.CharField(
        _("help at home (nurse, home help...)"), max_length=255, blank=True
    )
    requested_by = models.CharField(
        _("registration asked by"), max_length=16, choices=RegisterRequester.choices
    )
    requester_name = models.CharField(_("requester's name"), max_length=150, blank=True)
    requester_relation = models.CharField(
        _("requester's relation to the person"), max_length=150, blank=True
    )
    requester_phone = models.CharField(
        _("requester's phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    channel = models.CharField(
        _("received through"), max_length=16, choices=RegisterChannel.choices
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    withdrawn_at = models.DateTimeField(_("removed from the register at"), null=True, blank=True)
    # Personal fields blanked BIPPOP_REGISTER_WITHDRAWN_ERASE_DAYS after the removal.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The person's agreement, as given: when, the exact wording shown, and through which channel.
    agreement_at = models.DateTimeField(_("agreement given at"), null=True, blank=True)
    agreement_wording = models.TextField(_("agreement wording"), blank=True, editable=False)
    agreement_channel = models.CharField(
        _("agreement given through"), max_length=16, choices=RegisterChannel.choices, blank=True
    )
    staff_entry_basis = models.CharField(
        _("entered on the basis of"), max_length=16, choices=StaffEntryBasis.choices, blank=True
    )

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("vulnerable persons register")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["territory", "withdrawn_at"], name="bippop_register_live")]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_by="self") | ~Q(requester_name=""),
                name="bippop_register_third_party_named",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True)
                | Q(acknowledged_at__gte=models.F("received_at")),
                name="bippop_register_ack_after_receipt",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()

    def clean(self):
        super().clean()
        if self.requested_by == RegisterRequester.THIRD_PARTY and not self.requester_name.strip():
            raise ValidationError({"requester_name": _("Give the name of the person asking.")})
        if self.birth_date and self.birth_date > datetime.date.today():
            raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})

    @property
    def acknowledgement_due(self):
        return self.received_at + datetime.timedelta(days=ACKNOWLEDGEMENT_DAYS)

    @property
    def acknowledgement_late(self):
        if self.acknowledged_at:
            return self.acknowledged_at > self.acknowledgement_due
        return timezone.now() > self.acknowledgement_due


class CampaignKind(models.TextChoices):
    HEATWAVE = "heatwave", _("Heatwave")
    COLD = "cold", _("Extreme cold")
    OTHER = "other", _("Other emergency")


class Campaign(models.Model):
    """Calls to every registered person while the préfet's emergency plan is on."""

    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("territory")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CampaignKind.choices)
    title = models.CharField(_("title"), max_length=200)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.TextField(_("closing report"), blank=True)

    class Meta:
        verbose_name = _("call campaign")
        verbose_name_plural = _("call campaigns")
        ordering = ["-started_at"]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.closed_at is None


class CallStatus(models.TextChoices):
    TO_CALL = "to_call", _("To call")
    FINE = "fine", _("Reached, all is well")
    NEEDS_HELP = "needs_help", _("Reached, needs help")
    NOT_REACHED = "not_reached", _("Not reached, call again")
    ESCALATED = "escalated", _("Passed on to emergency services")


DONE_CALL_STATUSES = [CallStatus.FINE, CallStatus.NEEDS_HELP, CallStatus.ESCALATED]


class CampaignCall(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="calls", verbose_name=_("campaign")
    )
    entry = models.ForeignKey(
        RegisterEntry, on_delete=models.CASCADE, related_name="calls", verbose_name=_("person")
    )
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caller"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CallStatus.choices, default=CallStatus.TO_CALL
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("campaign call")
        verbose_name_plural = _("campaign calls")
        ordering = ["entry__last_name", "entry__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "entry"], name="bippop_call_once_per_entry")
        ]

    def __str__(self):
        return f"{self.campaign} – {self.entry}"

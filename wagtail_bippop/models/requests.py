import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel

from ..conf import bippop_settings
from .people import Beneficiary, Volunteer
from .schedule import WeeklySlot
from .territory import Territory

# No 0/O, 1/I/L: references are read aloud on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference():
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(5))
    return f"{bippop_settings.REQUEST_REFERENCE_PREFIX}-{timezone.now():%Y}-{code}"


class RequesterKind(models.TextChoices):
    SELF = "self", _("The person themselves")
    RELATIVE = "relative", _("A relative or neighbour")
    PROFESSIONAL = "professional", _("A professional")


class IntakeChannel(models.TextChoices):
    WEB = "web", _("Website")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    PARTNER = "partner", _("Referral by a partner")


class Recurrence(models.TextChoices):
    ONE_OFF = "one_off", _("Once")
    RECURRING = "recurring", _("Regularly")


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Called back")
    SEARCHING = "searching", _("Looking for a volunteer")
    MATCHED = "matched", _("Volunteer found")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# The lifecycle of a request: every allowed move, nothing else.
REQUEST_TRANSITIONS = {
    RequestStatus.NEW: {RequestStatus.CONTACTED, RequestStatus.SEARCHING, RequestStatus.CANCELLED},
    RequestStatus.CONTACTED: {
        RequestStatus.SEARCHING,
        RequestStatus.CLOSED,
        RequestStatus.CANCELLED,
    },
    RequestStatus.SEARCHING: {RequestStatus.MATCHED, RequestStatus.CANCELLED},
    RequestStatus.MATCHED: {RequestStatus.SEARCHING, RequestStatus.CLOSED},
    RequestStatus.CLOSED: set(),
    RequestStatus.CANCELLED: set(),
}
OPEN_STATUSES = [RequestStatus.NEW, RequestStatus.CONTACTED, RequestStatus.SEARCHING]


class HelpRequest(ClusterableModel):
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="help_requests",
        verbose_name=_("territory"),
    )
    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="help_requests",
        verbose_name=_("beneficiary"),
    )
    services = ParentalManyToManyField(
        "wagtail_bippop.ServiceType", related_name="help_requests", verbose_name=_("services")
    )
    requester_kind = models.CharField(
        _("asked by"), max_length=16, choices=RequesterKind.choices, default=RequesterKind.SELF
    )
    requester_name = models.CharField(_("requester's name"), max_length=150, blank=True)
    requester_phone = models.CharField(_("requester's phone"), max_length=20, blank=True)
    requester_email = models.EmailField(_("requester's e-mail"), blank=True)
    requester_organisation = models.CharField(
        _("requester's organisation"), max_length=200, blank=True
    )
    channel = models.CharField(_("received through"), max_length=16, choices=IntakeChannel.choices)
    recurrence = models.CharField(
        _("how often"), max_length=16, choices=Recurrence.choices, default=Recurrence.ONE_OFF
    )
    wanted_from = models.DateField(_("wanted from"), null=True, blank=True)
    description = models.TextField(_("what is wanted"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.NEW,
        db_index=True,
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    first_contact_at = models.DateTimeField(_("first called back at"), null=True, blank=True)
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
    )
    event = models.ForeignKey(
        "wagtail_bippop.EventPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="companion_requests",
        verbose_name=_("event"),
        help_text=_("When the request is for someone to go with the person to this event."),
    )
    # Set by public forms: a replayed or double-clicked POST finds the same request.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["territory", "status", "created_at"], name="bippop_request_queue")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_contact_at__isnull=True)
                | Q(first_contact_at__gte=models.F("created_at")),
                name="bippop_request_contact_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("created_at")),
                name="bippop_request_closed_after_creation",
            ),
        ]

    def __str__(self):
        return self.reference or str(_("New request"))

    def clean(self):
        super().clean()
        errors = {}
        if self.beneficiary_id and self.beneficiary.territory_id != self.territory_id:
            errors["beneficiary"] = _("This person belongs to another territory.")
        if self.first_contact_at and self.created_at and self.first_contact_at < self.created_at:
            errors["first_contact_at"] = _("The call back cannot come before the request.")
        if self.closed_at and self.created_at and self.closed_at < self.created_at:
            errors["closed_at"] = _("A request cannot be closed before it was received.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.reference:
            return super().save(*args, **kwargs)
        # Random references can collide, rarely: retry with a fresh one.
        for attempt in range(5):
            self.reference = new_reference()
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                collided = HelpRequest.objects.filter(reference=self.reference).exists()
                self.reference = ""
                if attempt == 4 or not collided:
                    raise

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def can_move_to(self, status):
        return status in REQUEST_TRANSITIONS[RequestStatus(self.status)]

    def move_to(self, status, *, reason=""):
        """Change status along the lifecycle; stamps the matching date. Caller saves."""
        if not self.can_move_to(status):
            raise ValidationError(
                _("A request cannot go from “%(old)s” to “%(new)s”."),
                params={
                    "old": RequestStatus(self.status).label,
                    "new": RequestStatus(status).label,
                },
                code="invalid_transition",
            )
        now = timezone.now()
        if status == RequestStatus.CONTACTED and not self.first_contact_at:
            self.first_contact_at = now
        if status == RequestStatus.MATCHED:
            self.matched_at = now
            self.first_contact_at = self.first_contact_at or now
        if status in (RequestStatus.CLOSED, RequestStatus.CANCELLED):
            self.closed_at = now
            self.close_reason = reason or self.close_reason
        self.status = status


class WantedSlot(WeeklySlot):
    request = ParentalKey(HelpRequest, on_delete=models.CASCADE, related_name="wanted_slots")

    class Meta(WeeklySlot.Meta):
        verbose_name = _("wanted time")
        verbose_name_plural = _("wanted times")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "weekday", "period"], name="bippop_wanted_slot_unique"
            )
        ]


class SolicitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    FILLED = "filled", _("Already filled")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Solicitation(models.Model):
    """A volunteer asked whether they can take a request."""

    request = models.ForeignKey(
        HelpRequest,
        on_delete=models.CASCADE,
        related_name="solicitations",
        verbose_name=_("request"),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="solicitations",
        verbose_name=_("volunteer"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SolicitationStatus.choices,
        default=SolicitationStatus.PENDING,
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("solicitation")
        verbose_name_plural = _("solicitations")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "volunteer"], name="bippop_solicitation_once_per_volunteer"
            ),
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True) | Q(responded_at__gte=models.F("sent_at")),
                name="bippop_solicitation_answer_after_sending",
            ),
        ]

    def __str__(self):
        return f"{self.request} → {self.volunteer}"

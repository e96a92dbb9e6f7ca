"""Offers of help (propositions d'aide) and the residents who take part in them.

A volunteer or a partner structure proposes a concrete activity with a number of places;
a coordinator approves it before it is public; it expires by itself after its last date.
Taking part starts as a help request linked to the offer, confirmed by a coordinator.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .schedule import DayPeriod, Weekday

MAX_OFFER_PLACES = 30


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OfferRecurrence(models.TextChoices):
    ONCE = "once", _("Once")
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")


class OfferQuerySet(models.QuerySet):
    def current(self, today=None):
        """Approved, not past their last date, and their author still in good standing
        (an active volunteer, or an approved structure): what the public board shows."""
        today = today or timezone.localdate()
        return self.filter(status=OfferStatus.APPROVED, last_date__gte=today).filter(
            Q(volunteer__isnull=True) | Q(volunteer__stage="active"),
            Q(volunteer__isnull=False) | Q(organisation__status="approved"),
        )


class Offer(models.Model):
    territory = models.ForeignKey(
        "wagtail_bippop.Territory",
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("territory"),
    )
    service = models.ForeignKey(
        "wagtail_bippop.ServiceType",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("service"),
    )
    # Offered by a volunteer, or by a partner structure (or both: a member of the structure).
    volunteer = models.ForeignKey(
        "wagtail_bippop.Volunteer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("offered by (volunteer)"),
    )
    organisation = models.ForeignKey(
        "wagtail_bippop.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("offered by (partner organisation)"),
    )
    event = models.ForeignKey(
        "wagtail_bippop.EventPage",
        # Gone with its event: it must not turn into an ordinary public offer.
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="companion_offers",
        verbose_name=_("event"),
        help_text=_("When the offer is to accompany someone to this event."),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    area = models.ForeignKey(
        "wagtail_bippop.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("area"),
        help_text=_("Leave empty for the whole territory."),
    )
    meeting_point = models.CharField(
        _("meeting point"),
        max_length=200,
        blank=True,
        help_text=_("A public place, such as the town hall square. Never a home address."),
    )
    recurrence = models.CharField(
        _("frequency"), max_length=16, choices=OfferRecurrence.choices, default=OfferRecurrence.ONCE
    )
    first_date = models.DateField(_("date (or first date)"))
    last_date = models.DateField(_("last date"), db_index=True)
    # The first date's day of the week, kept for filtering the board by day.
    weekday = models.PositiveSmallIntegerField(
        _("day"), choices=Weekday.choices, editable=False, db_index=True
    )
    period = models.CharField(_("time of day"), max_length=16, choices=DayPeriod.choices)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OFFER_PLACES)],
        help_text=_("How many people can take part."),
    )
    # Confirmed participants; only ever changed by a guarded UPDATE (see offers.participation).
    places_taken = models.PositiveSmallIntegerField(_("places taken"), default=0, editable=False)
    step_free = models.BooleanField(_("step-free access"), default=False)
    car_available = models.BooleanField(_("a car is available"), default=False)
    accessibility_notes = models.CharField(_("accessibility notes"), max_length=255, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OfferStatus.choices,
        default=OfferStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    rejection_reason = models.CharField(_("reason for rejection"), max_length=255, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer of help")
        verbose_name_plural = _("offers of help")
        ordering = ["first_date", "title"]
        indexes = [
            models.Index(fields=["territory", "status", "last_date"], name="bippop_offer_board")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_date__gte=F("first_date")), name="bippop_offer_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_OFFER_PLACES),
                name="bippop_offer_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(places_taken__lte=F("capacity")),
                name="bippop_offer_never_over_capacity",
            ),
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False) | Q(organisation__isnull=False),
                name="bippop_offer_has_an_author",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def places_left(self):
        return max(self.capacity - self.places_taken, 0)

    @property
    def is_full(self):
        return self.places_taken >= self.capacity

    def is_current(self, today=None):
        return Offer.objects.current(today).filter(pk=self.pk).exists()

    def _fill_derived_dates(self):
        # A one-off offer ends on its date; the day of the week is kept for the board's filter.
        if self.recurrence == OfferRecurrence.ONCE or not self.last_date:
            self.last_date = self.first_date
        if isinstance(self.first_date, datetime.date):
            self.weekday = self.first_date.weekday()

    def clean_fields(self, exclude=None):
        self._fill_derived_dates()
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        errors = {}
        if not self.volunteer_id and not self.organisation_id:
            errors["volunteer"] = _("Say who offers it: a volunteer or a partner organisation.")
        for name in ("service", "volunteer", "organisation", "area"):
            related = getattr(self, name, None) if getattr(self, f"{name}_id") else None
            if related is not None and related.territory_id != self.territory_id:
                errors[name] = _("This belongs to another territory.")
        if self.recurrence == OfferRecurrence.ONCE and self.first_date:
            self.last_date = self.first_date
        if self.first_date and self.last_date and self.last_date < self.first_date:
            errors["last_date"] = _("The last date cannot come before the first one.")
        if self.capacity is not None and self.places_taken > self.capacity:
            errors["capacity"] = _(
                "%(count)s people are already confirmed: keep at least that many places."
            ) % {"count": self.places_taken}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self._fill_derived_dates()
        if not self._state.adding and kwargs.get("update_fields") is None:
            # A form saving a copy read earlier must not undo a place taken or given back
            # meanwhile: places only change through the guarded UPDATEs.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "places_taken"
            ]
        super().save(*args, **kwargs)


class ParticipationStatus(models.TextChoices):
    ASKED = "asked", _("Asked, to confirm")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Not possible")
    CANCELLED = "cancelled", _("Cancelled")


class OfferParticipation(models.Model):
    """A resident's wish to take part in an offer, through a help request linked to it."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="participations", verbose_name=_("offer")
    )
    request = models.OneToOneField(
        "wagtail_bippop.HelpRequest",
        on_delete=models.CASCADE,
        related_name="offer_participation",
        verbose_name=_("request"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.ASKED,
        db_index=True,
    )
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("participation in an offer")
        verbose_name_plural = _("participations in offers")
        ordering = ["asked_at"]

    def __str__(self):
        return f"{self.offer} – {self.request}"

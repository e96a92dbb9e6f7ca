import datetime

from anyascii import anyascii
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel

from ..conf import bippop_settings
from ..phones import normalise_phone, validate_phone
from .schedule import WeeklySlot
from .territory import Area, Territory

MIN_BIRTH_YEAR = 1900


def default_load_cap():
    # A callable, so that changing the setting never asks for a new migration.
    return bippop_settings.DEFAULT_LOAD_CAP


def name_key(first_name, last_name):
    """Accent-, case- and space-insensitive key used to spot the same person twice."""
    raw = f"{last_name} {first_name}"
    return " ".join(anyascii(raw).lower().replace("-", " ").split())


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message (SMS)")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")


class Person(models.Model):
    """Identity and contact shared by beneficiaries and volunteers."""

    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("territory")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    name_key = models.CharField(max_length=210, editable=False, db_index=True)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        help_text=_("Stored in international format; type it as you like."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("town"), max_length=120, blank=True)
    area = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def public_name(self):
        """First name and initial: all the public ever sees of a person."""
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial}"

    def clean(self):
        super().clean()
        errors = {}
        for field in ("first_name", "last_name", "address", "city"):
            setattr(self, field, " ".join((getattr(self, field) or "").split()))
        try:
            self.phone = normalise_phone(self.phone)
        except ValidationError as error:
            errors["phone"] = error.messages
        if self.area_id and self.territory_id and self.area.territory_id != self.territory_id:
            errors["area"] = _("This area belongs to another territory.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.first_name, self.last_name)
        super().save(*args, **kwargs)


class BeneficiaryStatus(models.TextChoices):
    ACTIVE = "active", _("Followed")
    INACTIVE = "inactive", _("No longer followed")
    ANONYMISED = "anonymised", _("Anonymised")


class Beneficiary(Person):
    """A person who receives help. Their address and phone are never public."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="beneficiaries",
        verbose_name=_("territory"),
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_BIRTH_YEAR)],
        help_text=_("Optional; helps to tell apart two people with the same name."),
    )
    is_online = models.BooleanField(
        _("uses the internet"), default=False, help_text=_("Has an e-mail address they read.")
    )
    preferred_channel = models.CharField(
        _("preferred channel"),
        max_length=16,
        choices=ContactChannel.choices,
        default=ContactChannel.PHONE,
    )
    fallback_channel = models.CharField(
        _("fallback channel"),
        max_length=16,
        choices=ContactChannel.choices,
        default=ContactChannel.LETTER,
    )
    lives_alone = models.BooleanField(_("lives alone"), null=True, blank=True)
    restricted_notes = models.TextField(
        _("restricted notes"),
        blank=True,
        help_text=_(
            "Seen by coordinators only. Write health information only when necessary and "
            "with the person's explicit consent."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=BeneficiaryStatus.choices,
        default=BeneficiaryStatus.ACTIVE,
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["territory", "phone"], name="bippop_benef_phone"),
            models.Index(fields=["territory", "name_key", "birth_year"], name="bippop_benef_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=MIN_BIRTH_YEAR),
                name="bippop_beneficiary_birth_year_plausible",
            ),
        ]

    def clean(self):
        super().clean()
        if self.birth_year and self.birth_year > datetime.date.today().year:
            raise ValidationError({"birth_year": _("The year of birth cannot be in the future.")})
        if self.preferred_channel == ContactChannel.EMAIL and not self.email:
            raise ValidationError({"email": _("An e-mail address is needed for this channel.")})
        if self.preferred_channel in (ContactChannel.PHONE, ContactChannel.SMS) and not self.phone:
            raise ValidationError({"phone": _("A phone number is needed for this channel.")})

    def duplicates(self):
        """People of the same territory with the same phone, or same name and birth year."""
        match = Q(name_key=name_key(self.first_name, self.last_name), birth_year=self.birth_year)
        if self.phone:
            match |= Q(phone=normalise_phone(self.phone))
        found = Beneficiary.objects.filter(territory_id=self.territory_id).filter(match)
        return found.exclude(pk=self.pk) if self.pk else found


class VettingStage(models.TextChoices):
    TO_VET = "to_vet", _("To vet")
    INTERVIEWED = "interviewed", _("Interviewed")
    CHARTER_SIGNED = "charter_signed", _("Charter signed")
    CHECKED = "checked", _("Honourability checked")
    TRAINED = "trained", _("Trained")
    ACTIVE = "active", _("Active (co-opted)")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left")


class Volunteer(Person, ClusterableModel):
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="volunteers",
        verbose_name=_("territory"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bippop_volunteer",
        verbose_name=_("user account"),
    )
    services = ParentalManyToManyField(
        "wagtail_bippop.ServiceType",
        blank=True,
        related_name="volunteers",
        verbose_name=_("services offered"),
    )
    organisation = models.ForeignKey(
        "wagtail_bippop.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteers",
        verbose_name=_("member of"),
    )
    stage = models.CharField(
        _("vetting stage"),
        max_length=16,
        choices=VettingStage.choices,
        default=VettingStage.TO_VET,
        db_index=True,
    )
    load_cap = models.PositiveSmallIntegerField(
        _("maximum missions at a time"),
        default=default_load_cap,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    has_car = models.BooleanField(_("has a car"), default=False)
    mobility_radius_km = models.PositiveSmallIntegerField(
        _("travels up to (km)"),
        default=2,
        validators=[MaxValueValidator(100)],
    )
    directory_opt_in = models.BooleanField(
        _("shown in the public directory"),
        default=False,
        help_text=_("First name and initial, area and services only; never a contact detail."),
    )
    interviewed_at = models.DateField(_("interviewed on"), null=True, blank=True)
    charter_signed_at = models.DateTimeField(_("charter accepted on"), null=True, blank=True)
    # Honourability check: only the date, who checked and the verdict; never the document.
    honourability_checked_on = models.DateField(
        _("honourability checked on"), null=True, blank=True
    )
    honourability_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("honourability checked by"),
    )
    honourability_compatible = models.BooleanField(
        _("compatible with volunteering"), null=True, blank=True
    )
    trained_at = models.DateField(_("trained on"), null=True, blank=True)
    activated_at = models.DateTimeField(_("co-opted on"), null=True, blank=True)
    left_at = models.DateTimeField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=255, blank=True)
    # Fairness: at equal fit, the volunteer solicited least recently comes first.
    last_solicited_at = models.DateTimeField(_("last solicited"), null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["territory", "stage"], name="bippop_volunteer_stage"),
            models.Index(fields=["territory", "phone"], name="bippop_volunteer_phone"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(load_cap__gte=1) & Q(load_cap__lte=20),
                name="bippop_volunteer_load_cap_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    honourability_checked_on__isnull=True, honourability_compatible__isnull=True
                )
                | Q(honourability_checked_on__isnull=False, honourability_compatible__isnull=False),
                name="bippop_volunteer_honourability_dated",
            ),
            # Nobody is co-opted without a compatible honourability check.
            models.CheckConstraint(
                # NULL would let a CHECK pass: require "not null and true" explicitly.
                condition=~Q(stage=VettingStage.ACTIVE)
                | Q(honourability_compatible__isnull=False, honourability_compatible=True),
                name="bippop_volunteer_active_needs_check",
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if (self.honourability_checked_on is None) != (self.honourability_compatible is None):
            errors["honourability_compatible"] = _(
                "Record both the date of the honourability check and its result."
            )
        if self.stage == VettingStage.ACTIVE and self.honourability_compatible is not True:
            errors["stage"] = _(
                "A volunteer can be co-opted only after a compatible honourability check."
            )
        if self.stage == VettingStage.LEFT and not self.left_reason:
            errors["left_reason"] = _("Say why the volunteer left.")
        if self.organisation_id and self.organisation.territory_id != self.territory_id:
            errors["organisation"] = _("This organisation belongs to another territory.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_active(self):
        return self.stage == VettingStage.ACTIVE


class AvailabilitySlot(WeeklySlot):
    volunteer = ParentalKey(Volunteer, on_delete=models.CASCADE, related_name="availability")

    class Meta(WeeklySlot.Meta):
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        # Matching looks volunteers up by the wanted half-days.
        indexes = [models.Index(fields=["weekday", "period"], name="bippop_availability_slot")]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "weekday", "period"], name="bippop_availability_unique"
            )
        ]


class Absence(models.Model):
    """Holidays and other absences: matching never proposes a volunteer during one."""

    volunteer = ParentalKey(Volunteer, on_delete=models.CASCADE, related_name="absences")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to (inclusive)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="bippop_absence_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.start_date} → {self.end_date}"

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date must be on or after the start.")})


class ConsentPurpose(models.TextChoices):
    PROCESSING = "processing", _("Processing of personal data for social support")
    SENSITIVE = "sensitive", _("Processing of health-related information")
    DIRECTORY = "directory", _("Appearing in the public directory")
    REGISTER = "register", _("Vulnerable persons register")


class ConsentMethod(models.TextChoices):
    WEB_FORM = "web_form", _("Online form")
    ORAL = "oral", _("Oral (phone or in person)")
    WRITTEN = "written", _("Written and signed")


class ConsentRecord(models.Model):
    """Who agreed to what, when, how, and who recorded it. Never edited: withdraw instead."""

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("beneficiary"),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("volunteer"),
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    method = models.CharField(_("how"), max_length=16, choices=ConsentMethod.choices)
    given_by = models.CharField(
        _("given by"),
        max_length=150,
        blank=True,
        help_text=_("Leave empty when the person consented themselves."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    notice_version = models.CharField(_("notice shown"), max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(beneficiary__isnull=False) & Q(volunteer__isnull=True))
                | (Q(beneficiary__isnull=True) & Q(volunteer__isnull=False)),
                name="bippop_consent_one_person",
            )
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.get_method_display()})"

    def clean(self):
        super().clean()
        if bool(self.beneficiary_id) == bool(self.volunteer_id):
            raise ValidationError(_("A consent belongs to exactly one person."))


class TrainingSession(models.Model):
    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="training_sessions",
        verbose_name=_("territory"),
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"


class TrainingAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("training session"),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="trainings",
        verbose_name=_("volunteer"),
    )
    attended = models.BooleanField(_("attended"), default=True)

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "volunteer"], name="bippop_training_attendance_unique"
            )
        ]

    def __str__(self):
        return f"{self.volunteer} – {self.session}"

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .territory import Territory


class Mobility(models.TextChoices):
    # "Mobilité inversée": someone comes to you. "Mobilité accompagnée": someone goes out with you.
    INVERSE = "inverse", _("Someone comes to you")
    ACCOMPANIED = "accompanied", _("Someone goes out with you")
    REMOTE = "remote", _("At a distance")


# The default catalogue every new territory starts with (editable afterwards).
DEFAULT_SERVICES = [
    ("visite-de-convivialite", _("Friendly visit"), Mobility.INVERSE),
    ("accompagnement-aux-courses", _("Shopping company"), Mobility.ACCOMPANIED),
    ("balade", _("Walk"), Mobility.ACCOMPANIED),
    ("accompagnement-evenement", _("Going to an event together"), Mobility.ACCOMPANIED),
    ("aide-informatique", _("Computer help"), Mobility.INVERSE),
    ("aide-demarches-administratives", _("Help with paperwork"), Mobility.INVERSE),
    ("lecture-a-voix-haute", _("Reading aloud"), Mobility.INVERSE),
    ("chant-musique", _("Singing and music"), Mobility.INVERSE),
    ("appel-de-convivialite", _("Friendly phone call"), Mobility.REMOTE),
]


class ServiceType(models.Model):
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="services", verbose_name=_("territory")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    mobility = models.CharField(
        _("mobility"), max_length=16, choices=Mobility.choices, default=Mobility.INVERSE
    )
    is_active = models.BooleanField(_("offered"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
        ordering = ["territory", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "slug"], name="bippop_service_unique_slug_per_territory"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120]
        super().save(*args, **kwargs)


def seed_default_services(territory):
    """Create the default catalogue for a territory; existing services are kept."""
    existing = set(territory.services.values_list("slug", flat=True))
    # Names are stored as data in the site's language, then edited freely.
    with translation.override(settings.LANGUAGE_CODE):
        _create_services(territory, existing)


def _create_services(territory, existing):
    ServiceType.objects.bulk_create(
        [
            ServiceType(
                territory=territory, slug=slug, name=str(name), mobility=mobility, sort_order=i
            )
            for i, (slug, name, mobility) in enumerate(DEFAULT_SERVICES)
            if slug not in existing
        ]
    )


class OrganisationKind(models.TextChoices):
    CCAS = "ccas", _("Social action centre (CCAS / CIAS)")
    EHPAD = "ehpad", _("Nursing home (EHPAD)")
    RPA = "rpa", _("Residence for older people (RPA)")
    MDS = "mds", _("Solidarity centre (MDS)")
    CLUB = "club", _("Seniors' club")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Other")


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Organisation(models.Model):
    """A partner structure: its volunteers and actions count in the territory's figures."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="organisations",
        verbose_name=_("territory"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    description = models.TextField(_("public description"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.APPROVED,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Filled when a structure asks to join through the public form.
    offers_summary = models.TextField(_("what it offers"), blank=True, max_length=2000)
    charter_accepted_at = models.DateTimeField(_("charter accepted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or rejected by"),
    )

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "name"], name="bippop_organisation_unique_name_per_territory"
            )
        ]

    def __str__(self):
        return self.name

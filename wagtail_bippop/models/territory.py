from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryQuerySet(models.QuerySet):
    def for_site(self, site):
        return self.filter(site=site, is_active=True)


class Territory(models.Model):
    """A commune, or a group of communes, running its own network on a Wagtail site.

    One site may hold several territories (the communes of an intercommunality).
    """

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.PROTECT,
        related_name="bippop_territories",
        verbose_name=_("site"),
    )
    insee_code = models.CharField(
        _("INSEE code"), max_length=5, blank=True, help_text=_("Official code of the commune.")
    )
    postcodes = models.CharField(
        _("postcodes"), max_length=200, blank=True, help_text=_("Separated by commas.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Area(models.Model):
    """A neighbourhood (quartier) or sector used to route requests to nearby volunteers."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="areas", verbose_name=_("territory")
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # A rough centre, enough to compare distances with a volunteer's mobility radius.
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["territory", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "name"], name="bippop_area_unique_name_per_territory"
            )
        ]

    def __str__(self):
        return self.name


class TerritoryAccess(models.Model):
    """Which staff member works for which territory: every admin view is scoped by it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bippop_territory_access",
        verbose_name=_("user"),
    )
    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="staff_access",
        verbose_name=_("territory"),
    )

    class Meta:
        verbose_name = _("territory access")
        verbose_name_plural = _("territory accesses")
        constraints = [
            models.UniqueConstraint(fields=["user", "territory"], name="bippop_access_unique")
        ]

    def __str__(self):
        return f"{self.user} → {self.territory}"

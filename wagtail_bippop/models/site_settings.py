from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField

from ..branding import validate_brand_colour


@register_setting(icon="group")
class SolidaritySettings(BaseSiteSetting):
    """Branding, contact and texts of the solidarity section, per site."""

    platform_name = models.CharField(
        _("platform name"),
        max_length=100,
        default="Réseau solidaire",
        help_text=_("Shown in titles and messages, e.g. “Bellerive Solidaire”."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
    )
    primary_colour = models.CharField(
        _("main colour"),
        max_length=7,
        default="#1d4e89",
        validators=[validate_brand_colour],
        help_text=_("Buttons and headings; white text must stay readable on it."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#8a3b12",
        validators=[validate_brand_colour],
        help_text=_("Second call to action and highlights."),
    )
    coordinator_phone = models.CharField(_("coordinator's phone"), max_length=32, blank=True)
    coordinator_email = models.EmailField(_("coordinator's e-mail"), blank=True)
    coordinator_address = models.TextField(_("coordinator's address"), blank=True)
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=255,
        blank=True,
        help_text=_("e.g. “Monday to Friday, 9 am to noon and 2 pm to 5 pm”."),
    )
    charter = RichTextField(
        _("volunteer charter"),
        blank=True,
        help_text=_("Volunteers accept it when they sign up."),
    )
    privacy_notice = RichTextField(
        _("privacy notice"),
        blank=True,
        help_text=_("Shown next to every form that collects personal data."),
    )
    callback_delay_days = models.PositiveSmallIntegerField(
        _("call-back delay (working days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Promised to people who ask for help."),
    )
    isolation_days = models.PositiveSmallIntegerField(
        _("isolation alert after (days)"),
        default=21,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("People with no visit and no call for longer appear in the isolation watch."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("platform_name"), FieldPanel("logo")],
            heading=_("Identity"),
        ),
        MultiFieldPanel(
            [FieldPanel("primary_colour"), FieldPanel("accent_colour")],
            heading=_("Colours"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("coordinator_phone"),
                FieldPanel("coordinator_email"),
                FieldPanel("coordinator_address"),
                FieldPanel("opening_hours"),
                FieldPanel("callback_delay_days"),
            ],
            heading=_("Coordinator contact"),
        ),
        FieldPanel("isolation_days"),
        FieldPanel("charter"),
        FieldPanel("privacy_notice"),
    ]

    class Meta:
        verbose_name = _("solidarity network")

"""The people who speak for a partner structure: they sign in to publish its offers and events."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrganisationRepresentative(models.Model):
    organisation = models.ForeignKey(
        "wagtail_bippop.Organisation",
        on_delete=models.CASCADE,
        related_name="representatives",
        verbose_name=_("partner organisation"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bippop_representative",
        verbose_name=_("user account"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role in the structure"), max_length=120, blank=True)
    is_active = models.BooleanField(
        _("may publish"),
        default=False,
        help_text=_("Set when the structure is approved; cleared to withdraw the right."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["organisation", "last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"], name="bippop_representative_unique_email"
            )
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

"""A receipt per public sign-up, so that a replayed or double-clicked POST creates one record.

Help requests carry their own submission key; volunteers get this small table instead, whose
unique key lets the database refuse a second record even under concurrent POSTs.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteerSignupReceipt(models.Model):
    submission_key = models.UUIDField(unique=True, editable=False)
    volunteer = models.OneToOneField(
        "wagtail_bippop.Volunteer",
        on_delete=models.CASCADE,
        related_name="signup_receipt",
        verbose_name=_("volunteer"),
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        app_label = "wagtail_bippop"
        verbose_name = _("volunteer sign-up receipt")
        verbose_name_plural = _("volunteer sign-up receipts")

    def __str__(self):
        return str(self.submission_key)

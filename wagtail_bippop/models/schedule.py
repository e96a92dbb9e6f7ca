from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Weekday(models.IntegerChoices):
    # A context of their own: Django's date formats must keep their lower-case French days.
    MONDAY = 0, pgettext_lazy("day of the week, as a label", "Monday")
    TUESDAY = 1, pgettext_lazy("day of the week, as a label", "Tuesday")
    WEDNESDAY = 2, pgettext_lazy("day of the week, as a label", "Wednesday")
    THURSDAY = 3, pgettext_lazy("day of the week, as a label", "Thursday")
    FRIDAY = 4, pgettext_lazy("day of the week, as a label", "Friday")
    SATURDAY = 5, pgettext_lazy("day of the week, as a label", "Saturday")
    SUNDAY = 6, pgettext_lazy("day of the week, as a label", "Sunday")


class DayPeriod(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


class WeeklySlot(models.Model):
    """A half-day of the week: a volunteer's availability or a requester's wish."""

    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    period = models.CharField(_("time of day"), max_length=16, choices=DayPeriod.choices)

    class Meta:
        abstract = True
        ordering = ["weekday", "period"]

    def __str__(self):
        return f"{self.get_weekday_display()} – {self.get_period_display()}"

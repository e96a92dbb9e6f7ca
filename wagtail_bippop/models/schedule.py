from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


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

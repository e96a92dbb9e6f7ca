"""Impact: the 3-item UCLA Loneliness Scale (Hughes et al., 2004) and one satisfaction question.

Each item is scored 1 (hardly ever) to 3 (often); the total goes from 3 to 9, higher
meaning lonelier. Taken at intake, then every few months (``BIPPOP_LONELINESS_EVERY_MONTHS``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import Beneficiary, Volunteer

ITEM_FIELDS = ("lacks_companionship", "feels_left_out", "feels_isolated")


class Frequency(models.IntegerChoices):
    HARDLY_EVER = 1, _("Hardly ever")
    SOME_OF_THE_TIME = 2, _("Some of the time")
    OFTEN = 3, _("Often")


class Satisfaction(models.IntegerChoices):
    NOT_AT_ALL = 1, _("Not at all satisfied")
    RATHER_NOT = 2, _("Rather not satisfied")
    RATHER = 3, _("Rather satisfied")
    VERY = 4, _("Very satisfied")


class AssessmentMoment(models.TextChoices):
    INTAKE = "intake", _("At the start")
    FOLLOW_UP = "follow_up", _("Follow-up")


def _item(label):
    return models.PositiveSmallIntegerField(label, choices=Frequency.choices)


class LonelinessAssessment(models.Model):
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.CASCADE,
        related_name="loneliness_assessments",
        verbose_name=_("beneficiary"),
    )
    taken_on = models.DateField(_("date"), default=timezone.localdate)
    moment = models.CharField(
        _("moment"),
        max_length=16,
        choices=AssessmentMoment.choices,
        default=AssessmentMoment.FOLLOW_UP,
    )
    lacks_companionship = _item(_("How often do you feel that you lack companionship?"))
    feels_left_out = _item(_("How often do you feel left out?"))
    feels_isolated = _item(_("How often do you feel isolated from others?"))
    score = models.PositiveSmallIntegerField(_("loneliness score (3 to 9)"), editable=False)
    satisfaction = models.PositiveSmallIntegerField(
        _("How satisfied are you with the help you receive?"),
        choices=Satisfaction.choices,
        null=True,
        blank=True,
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by volunteer"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("loneliness measure")
        verbose_name_plural = _("loneliness measures")
        ordering = ["beneficiary", "taken_on", "pk"]
        indexes = [
            models.Index(fields=["beneficiary", "taken_on"], name="bippop_loneliness_timeline"),
        ]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1}) & Q(**{f"{name}__lte": 3}),
                    name=f"bippop_loneliness_{name}_1_3",
                )
                for name in ITEM_FIELDS
            ),
            models.CheckConstraint(
                condition=Q(
                    score=F("lacks_companionship") + F("feels_left_out") + F("feels_isolated")
                ),
                name="bippop_loneliness_score_is_sum",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | (Q(satisfaction__gte=1) & Q(satisfaction__lte=4)),
                name="bippop_loneliness_satisfaction_1_4",
            ),
        ]

    def __str__(self):
        return f"{self.taken_on:%d/%m/%Y} – {self.score}"

    def clean(self):
        super().clean()
        errors = {}
        for name in ITEM_FIELDS:
            value = getattr(self, name)
            if value is not None and not 1 <= value <= 3:
                errors[name] = _("Answer with 1, 2 or 3.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.score = sum(getattr(self, name) or 0 for name in ITEM_FIELDS)
        super().save(*args, **kwargs)

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .people import Beneficiary, Volunteer
from .requests import HelpRequest

MAX_VISIT_MINUTES = 12 * 60


class MissionRecurrence(models.TextChoices):
    ONE_OFF = "one_off", _("Once")
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")


class MissionStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    ENDED = "ended", _("Ended")


class Mission(models.Model):
    """A volunteer paired with a request, once or on a recurring schedule."""

    request = models.ForeignKey(
        HelpRequest, on_delete=models.PROTECT, related_name="missions", verbose_name=_("request")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="missions", verbose_name=_("volunteer")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MissionStatus.choices,
        default=MissionStatus.ACTIVE,
        db_index=True,
    )
    recurrence = models.CharField(
        _("frequency"),
        max_length=16,
        choices=MissionRecurrence.choices,
        default=MissionRecurrence.ONE_OFF,
    )
    start_date = models.DateField(_("first visit on"), default=datetime.date.today)
    end_date = models.DateField(_("last visit on"), null=True, blank=True)
    usual_time = models.TimeField(_("usual time"), default=datetime.time(14, 0))
    usual_duration_minutes = models.PositiveSmallIntegerField(
        _("usual duration (minutes)"), default=60
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
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=255, blank=True)
    # When the day and hour of the visits were agreed with the person. A mission born of a
    # volunteer's "yes" has none until the coordinator records them: until then nothing is
    # planned and no message gives a date. Missions set up with their dates have it at once.
    schedule_agreed_at = models.DateTimeField(
        _("day and hour agreed on"), null=True, blank=True, default=timezone.now
    )

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["-created_at"]
        # Matching counts each volunteer's missions in progress against their cap.
        indexes = [models.Index(fields=["status", "volunteer"], name="bippop_mission_load")]
        constraints = [
            # The first acceptance wins: a request has one active mission at most, which
            # also means at most one active mission per volunteer and request.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status="active"),
                name="bippop_one_active_mission_per_request",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="bippop_mission_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(usual_duration_minutes__gte=1)
                & Q(usual_duration_minutes__lte=MAX_VISIT_MINUTES),
                name="bippop_mission_duration_range",
            ),
        ]

    def __str__(self):
        return f"{self.request} – {self.volunteer.public_name}"

    @property
    def beneficiary(self):
        return self.request.beneficiary

    @property
    def is_scheduled(self):
        """Whether the day and hour of the visits were agreed with the person."""
        return self.schedule_agreed_at is not None

    def clean(self):
        super().clean()
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last visit cannot come before the first.")
        if self.volunteer_id and self.request_id:
            if self.volunteer.territory_id != self.request.territory_id:
                errors["volunteer"] = _("This volunteer belongs to another territory.")
            if self.status == MissionStatus.ACTIVE:
                others = Mission.objects.filter(
                    request_id=self.request_id, status=MissionStatus.ACTIVE
                ).exclude(pk=self.pk)
                if others.exists():
                    errors["request"] = _("This request already has a mission in progress.")
        if errors:
            raise ValidationError(errors)


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Missed")


class Visit(models.Model):
    """One intervention of a mission: a visit, a walk, an outing, a call."""

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="visits", verbose_name=_("mission")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("actual duration (minutes)"), null=True, blank=True
    )
    report = models.TextField(_("report"), blank=True, max_length=4000)
    worry = models.BooleanField(
        _("worried about the person"),
        default=False,
        help_text=_("The coordinator is alerted at once."),
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="bippop_visit_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="bippop_visit_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True)
                | (Q(duration_minutes__gte=1) & Q(duration_minutes__lte=MAX_VISIT_MINUTES)),
                name="bippop_visit_duration_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(duration_minutes__isnull=False),
                name="bippop_visit_done_has_duration",
            ),
            models.UniqueConstraint(
                fields=["mission", "starts_at"], name="bippop_visit_once_per_slot"
            ),
        ]

    def __str__(self):
        return f"{self.mission} – {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A visit must end after it starts.")
        if self.status == VisitStatus.DONE and not self.duration_minutes:
            errors["duration_minutes"] = _("Give the duration of a visit that took place.")
        if (
            self.duration_minutes is not None
            and not 1 <= self.duration_minutes <= MAX_VISIT_MINUTES
        ):
            errors["duration_minutes"] = _("A visit lasts between 1 minute and 12 hours.")
        if errors:
            raise ValidationError(errors)


class ContactKind(models.TextChoices):
    CALL_OUT = "call_out", _("Call made")
    CALL_IN = "call_in", _("Call received")
    HOME_VISIT = "home_visit", _("Home visit by staff")
    MESSAGE = "message", _("Message sent (e-mail, SMS, letter)")
    NOTE = "note", _("Note")


class ContactLog(models.Model):
    """Follow-up of a person: calls and notes, the second half of the timeline."""

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("beneficiary"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ContactKind.choices)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("volunteer"),
    )
    reached = models.BooleanField(_("person reached"), default=True)
    summary = models.TextField(_("summary"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["beneficiary", "occurred_at"], name="bippop_contact_timeline"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {timezone.localtime(self.occurred_at):%d/%m/%Y}"


class Worry(models.Model):
    """A volunteer's worry about a person, raised in a visit report or between visits.

    It stays open until a coordinator of the person's territory marks it as handled.
    """

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="worries", verbose_name=_("person")
    )
    mission = models.ForeignKey(
        Mission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="worries",
        verbose_name=_("mission"),
    )
    visit = models.OneToOneField(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="worry_record",
        verbose_name=_("visit"),
    )
    raised_by = models.ForeignKey(
        Volunteer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="worries",
        verbose_name=_("raised by"),
    )
    text = models.TextField(_("what worries the volunteer"), blank=True, max_length=4000)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("worry", "handled by"),
    )
    handled_note = models.CharField(_("note on handling"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("worry")
        verbose_name_plural = _("worries")
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["handled_at", "raised_at"], name="bippop_worry_open"),
        ]

    def __str__(self):
        # Log labels keep this text: it names no one (anonymisation leaves it as is).
        return _("Worry of %(date)s") % {
            "date": f"{timezone.localtime(self.raised_at):%d/%m/%Y %H:%M}"
        }

    @property
    def is_open(self):
        return self.handled_at is None

    @classmethod
    def for_visit(cls, visit):
        """The worry raised in the report of ``visit`` (made once; its text follows the report)."""
        mission = visit.mission
        worry, created = cls.objects.get_or_create(
            visit=visit,
            defaults={
                "beneficiary_id": mission.request.beneficiary_id,
                "mission": mission,
                "raised_by_id": mission.volunteer_id,
                "text": visit.report,
                "raised_at": visit.reported_at or timezone.now(),
            },
        )
        if not created and worry.is_open and worry.text != visit.report:
            worry.text = visit.report
            worry.save(update_fields=["text"])
        return worry


@receiver(post_save, sender=Visit, dispatch_uid="bippop_visit_worry_opens_a_worry")
def open_worry_for_worried_visit(sender, instance, raw=False, update_fields=None, **kwargs):
    """A visit saved with the worry flag, from any screen, has its open worry."""
    if raw or not instance.worry:
        return
    if update_fields is not None and not {"worry", "report"} & set(update_fields):
        return
    Worry.for_visit(instance)

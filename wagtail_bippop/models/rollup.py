"""Daily roll-up of done visits, read by the dashboard instead of the visits themselves.

One row per territory × day × breakdown key × ``previous_day``, with the number of people
seen that day, their visits, minutes and worries. People cannot be summed across days, so
each row also says when those people (or volunteers) were last seen *under the same key*:
a person counts once in a period ``[start, end]`` on the first day they were seen in it,
that is on the rows with ``previous_day < start``. The sum stays exact for any period.

``RollupSource`` keeps, for each person and each volunteer, the facts their rows were
computed from, so that a write is applied as the difference between the old and the new
facts of the one person concerned (see ``dashboard/rollup.py``). Keeping both exact on
every write path is the job of the receivers below; bulk writes call ``rebuild``.
"""

import datetime

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _

from .territory import Territory

# "Never seen before": earlier than any period's start.
NO_PREVIOUS = datetime.date(1, 1, 1)


class RollupDimension(models.TextChoices):
    ALL = "all", _("All people")
    ONLINE = "online", _("Uses the internet")
    AREA = "area", _("Area")
    CHANNEL = "channel", _("Intake channel")
    SERVICE = "service", _("Service")
    VOLUNTEER = "volunteer", _("Volunteers")


class VisitRollup(models.Model):
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="+", verbose_name=_("territory")
    )
    day = models.DateField(_("day"))
    month = models.DateField(_("month"))
    dimension = models.CharField(_("breakdown"), max_length=16, choices=RollupDimension.choices)
    key = models.CharField(_("key"), max_length=64, blank=True)
    previous_day = models.DateField(_("previously seen on"))
    people = models.IntegerField(_("people"), default=0)
    visits = models.IntegerField(_("visits"), default=0)
    minutes = models.BigIntegerField(_("minutes"), default=0)
    worries = models.IntegerField(_("worries"), default=0)

    class Meta:
        verbose_name = _("daily visit roll-up")
        verbose_name_plural = _("daily visit roll-up")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "dimension", "day", "key", "previous_day"],
                name="bippop_rollup_unique_row",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.dimension} {self.key}"


class RollupSubject(models.TextChoices):
    BENEFICIARY = "beneficiary", _("Beneficiary")
    VOLUNTEER = "volunteer", _("Volunteer")


class RollupSource(models.Model):
    """The done visits of one person (or volunteer) in one territory, as last rolled up."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="+", verbose_name=_("territory")
    )
    subject = models.CharField(_("subject"), max_length=16, choices=RollupSubject.choices)
    subject_id = models.BigIntegerField(_("subject id"))
    facts = models.JSONField(_("facts"), default=dict)

    class Meta:
        verbose_name = _("roll-up source")
        verbose_name_plural = _("roll-up sources")
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "subject_id", "territory"], name="bippop_rollup_one_source"
            )
        ]

    def __str__(self):
        return f"{self.subject} {self.subject_id}"


class FirstVisit(models.Model):
    """When each request's first done visit took place, for the median delay to it."""

    request = models.OneToOneField(
        "wagtail_bippop.HelpRequest",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="rollup_first_visit",
        verbose_name=_("help request"),
    )
    starts_at = models.DateTimeField(_("first visit done"))

    class Meta:
        verbose_name = _("first visit of a request")
        verbose_name_plural = _("first visits of requests")

    def __str__(self):
        return f"{self.request_id} {self.starts_at}"


# Receivers: every write that changes a done visit, or what the breakdowns read from the
# visit's mission, request or person, refreshes the people concerned.


def _rollup():
    from ..dashboard import rollup

    return rollup


def _remember(instance, fields, update_fields, watched):
    """Before a save, the values the roll-up depends on: None for a new row, and nothing to
    remember (``{}``, no query) when only fields the roll-up ignores are saved."""
    if instance._state.adding:
        return None
    if update_fields is not None and not set(update_fields) & set(watched):
        return {}
    return type(instance)._default_manager.filter(pk=instance.pk).values(*fields).first()


VISIT_FIELDS = ("mission", "mission_id", "starts_at", "status", "duration_minutes", "worry")


def _visit_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw:
        instance._rollup_before = _remember(
            instance, ["mission_id", "status"], update_fields, VISIT_FIELDS
        )


def _visit_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_rollup_before", None)
    instance._rollup_before = None
    if before == {}:  # none of the fields the roll-up reads was saved
        return
    was_done = bool(before) and before["status"] == "done"
    if not was_done and instance.status != "done":
        return
    missions = {instance.mission_id} | ({before["mission_id"]} if before else set())
    _rollup().refresh_missions(missions)


def _mission_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw:
        fields = ["request_id", "volunteer_id"]
        watched = fields + ["request", "volunteer"]
        instance._rollup_before = _remember(instance, fields, update_fields, watched)


def _mission_saved(sender, instance, raw=False, created=False, **kwargs):
    before = getattr(instance, "_rollup_before", None)
    instance._rollup_before = None
    if raw or created or not before:
        return
    if (before["request_id"], before["volunteer_id"]) != (
        instance.request_id,
        instance.volunteer_id,
    ):
        rollup = _rollup()
        rollup.refresh_requests({before["request_id"], instance.request_id})
        rollup.refresh_volunteers({before["volunteer_id"], instance.volunteer_id})


def _request_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw:
        fields = ["territory_id", "beneficiary_id", "channel"]
        watched = fields + ["territory", "beneficiary"]
        instance._rollup_before = _remember(instance, fields, update_fields, watched)


def _request_saved(sender, instance, raw=False, created=False, **kwargs):
    before = getattr(instance, "_rollup_before", None)
    instance._rollup_before = None
    if raw or created or not before:
        return
    now = {
        "territory_id": instance.territory_id,
        "beneficiary_id": instance.beneficiary_id,
        "channel": instance.channel,
    }
    if before != now:
        rollup = _rollup()
        rollup.refresh_beneficiaries({before["beneficiary_id"], instance.beneficiary_id})
        if before["territory_id"] != instance.territory_id:
            rollup.refresh_volunteers(rollup.volunteers_of_requests([instance.pk]))


def _request_services_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    rollup = _rollup()
    if not reverse:
        rollup.refresh_requests({instance.pk})
    elif action == "pre_clear":
        instance._rollup_requests = set(instance.help_requests.values_list("pk", flat=True))
    elif action == "post_clear":
        rollup.refresh_requests(getattr(instance, "_rollup_requests", set()))
    else:
        rollup.refresh_requests(pk_set or set())


def _person_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw:
        fields = ["area_id", "is_online"]
        watched = fields + ["area"]
        instance._rollup_before = _remember(instance, fields, update_fields, watched)


def _person_saved(sender, instance, raw=False, created=False, **kwargs):
    before = getattr(instance, "_rollup_before", None)
    instance._rollup_before = None
    if raw or created or not before:
        return
    if before != {"area_id": instance.area_id, "is_online": instance.is_online}:
        _rollup().refresh_beneficiaries({instance.pk})


def _connect():
    visit, mission = "wagtail_bippop.Visit", "wagtail_bippop.Mission"
    request, person = "wagtail_bippop.HelpRequest", "wagtail_bippop.Beneficiary"
    uid = "bippop_rollup_"
    pre_save.connect(_visit_pre_save, sender=visit, dispatch_uid=uid + "visit_pre")
    post_save.connect(_visit_changed, sender=visit, dispatch_uid=uid + "visit_save")
    post_delete.connect(_visit_changed, sender=visit, dispatch_uid=uid + "visit_delete")
    pre_save.connect(_mission_pre_save, sender=mission, dispatch_uid=uid + "mission_pre")
    post_save.connect(_mission_saved, sender=mission, dispatch_uid=uid + "mission_save")
    pre_save.connect(_request_pre_save, sender=request, dispatch_uid=uid + "request_pre")
    post_save.connect(_request_saved, sender=request, dispatch_uid=uid + "request_save")
    pre_save.connect(_person_pre_save, sender=person, dispatch_uid=uid + "person_pre")
    post_save.connect(_person_saved, sender=person, dispatch_uid=uid + "person_save")
    m2m_changed.connect(
        _request_services_changed,
        sender="wagtail_bippop.HelpRequest_services",
        dispatch_uid=uid + "services",
    )


_connect()

"""The audit trail of the solidarity network, scoped by territory.

Log labels carry people's names ("Jeanne Martin", "Demande BIP-2026-0042"), so entries
about this app's records are kept apart from Wagtail's generic ``ModelLogEntry``: each
entry remembers the territory of its record, read when the action is logged, and every
log listing of the admin (site history, a record's history, the filters' choices) asks
``viewable_by_user`` which entries a user may see. Coordinators see their own
territories, superusers everything, the read-only role and everyone else nothing.
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import BaseLogEntry, Page
from wagtail.models.audit_log import ModelLogEntryManager

from .territory import Territory

# Actions recording reads of personal data (see ``wagtail_bippop.read_audit``).
READ_ACTIONS = ("wagtail_bippop.viewed", "wagtail_bippop.listed", "wagtail_bippop.exported")

# How far ``territory_id_for`` follows foreign keys (visit → mission → request → territory).
MAX_HOPS = 3


def _territory_field(model):
    try:
        field = model._meta.get_field("territory")
    except FieldDoesNotExist:
        return None
    if field.many_to_one and issubclass(field.related_model, Territory):
        return field
    return None


def _parent_fields(model):
    """Foreign keys to other records of this app, in declaration order."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.many_to_one
        and field.related_model is not model
        and field.related_model._meta.app_label == model._meta.app_label
    ]


def reaches_territory(model, hops=MAX_HOPS):
    """Whether records of ``model`` belong to a territory, directly or through a parent."""
    if issubclass(model, Territory) or _territory_field(model):
        return True
    if hops == 0:
        return False
    return any(reaches_territory(f.related_model, hops - 1) for f in _parent_fields(model))


def territory_id_for(instance, hops=MAX_HOPS):
    """The territory of a record: its own, or the first of its parents that has one."""
    if isinstance(instance, Territory):
        return instance.pk
    field = _territory_field(type(instance))
    if field is not None:
        return getattr(instance, field.attname)
    if hops == 0:
        return None
    for parent_field in _parent_fields(type(instance)):
        if getattr(instance, parent_field.attname) is None:
            continue
        territory_id = territory_id_for(getattr(instance, parent_field.name), hops - 1)
        if territory_id is not None:
            return territory_id
    return None


def logged_models(app_config):
    """The models whose actions go to ``BippopLogEntry``: those that belong to a territory.

    Pages keep Wagtail's page log; site settings and message templates, which name no one,
    keep the generic model log.
    """
    return [
        model
        for model in app_config.get_models()
        if not issubclass(model, (Page, BaseLogEntry)) and reaches_territory(model)
    ]


def _content_types_permitted(user):
    """Content types on which ``user`` holds at least one permission (cached on the user).

    Wagtail's own check caches its answer on the user too, computed from whichever log model
    asks first; with several log models that answer would depend on their order, so this
    manager keeps its own.
    """
    if not hasattr(user, "_bippop_log_content_type_ids"):
        user._bippop_log_content_type_ids = set(
            Permission.objects.filter(Q(user=user) | Q(group__user=user))
            .values_list("content_type_id", flat=True)
            .distinct()
        )
    return user._bippop_log_content_type_ids


class BippopLogEntryManager(ModelLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        kwargs.setdefault("territory_id", territory_id_for(instance))
        return super().log_action(instance, action, **kwargs)

    def viewable_by_user(self, user):
        from ..roles import is_read_only, territories_for_user

        if user.is_superuser:
            return self.all()
        if not user.is_authenticated or is_read_only(user):
            return self.none()
        # Who read what (``read_audit``) is for superusers only.
        return self.filter(
            content_type_id__in=_content_types_permitted(user),
            territory__in=territories_for_user(user).values("pk"),
        ).exclude(action__in=READ_ACTIONS)


class BippopLogEntry(BaseLogEntry):
    """One action on a record of the network, with the territory it concerns."""

    object_id = models.CharField(max_length=255, db_index=True)
    territory = models.ForeignKey(
        Territory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territory"),
    )

    objects = BippopLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("solidarity log entry")
        verbose_name_plural = _("solidarity log entries")
        indexes = [
            models.Index(fields=["uuid", "action", "-timestamp"], name="bippop_log_uuid_action"),
            models.Index(fields=["territory", "-timestamp"], name="bippop_log_territory"),
        ]

    def __str__(self):
        return f"BippopLogEntry {self.pk}: {self.action} on {self.content_type_id}/{self.object_id}"

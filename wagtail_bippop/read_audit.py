"""Who viewed or exported whose data: reads of personal data leave a trace.

Listing, inspecting and opening the timeline of people (beneficiaries, volunteers, requests,
missions, visits, worries, loneliness measures) and of the register, and their CSV / XLSX
exports, each write one ``BippopLogEntry`` with a read action:

- ``wagtail_bippop.viewed``: one record (model and id; its territory);
- ``wagtail_bippop.listed``: a list, with its filters, page and number of rows;
- ``wagtail_bippop.exported``: an export, with its format, filters and number of rows.

Labels name no one ("Beneficiary #12"): the trail itself holds no personal data to erase.
Only superusers see these entries (Wagtail's site history, filtered by action); they are
kept ``BIPPOP_READ_AUDIT_DAYS`` days and purged by ``manage.py bippop_purge_read_audit``.

Every viewset of the app gets this from ``ReadAuditedViewSetMixin``; custom screens call
``record_view`` / ``record_list``.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .conf import bippop_settings
from .models.audit import READ_ACTIONS

VIEWED, LISTED, EXPORTED = READ_ACTIONS

# Records about people, by model name: reading them is audited.
PERSONAL_MODELS = frozenset(
    {
        "beneficiary",
        "volunteer",
        "helprequest",
        "mission",
        "visit",
        "worry",
        "contactlog",
        "lonelinessassessment",
        "registerentry",
        "campaigncall",
    }
)

# Query parameters that are not filters.
_NOT_FILTERS = {"p", "page", "export", "_"}


def is_personal(model):
    return model is not None and model._meta.model_name in PERSONAL_MODELS


def _filters(request):
    return {
        key: values if len(values) > 1 else values[0]
        for key, values in request.GET.lists()
        if key not in _NOT_FILTERS and any(values)
    }


def _user_territory_ids(user):
    """The territories a user works on (cached on the user); None for a superuser (all)."""
    if user.is_superuser:
        return None
    if not hasattr(user, "_bippop_read_territories"):
        from .roles import territories_for_user

        user._bippop_read_territories = sorted(
            territories_for_user(user).values_list("pk", flat=True)
        )
    return user._bippop_read_territories


def _write(request, action, model, *, object_id=0, label, territory_id=None, data=None):
    from .models.audit import BippopLogEntry

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    # Lists and exports are about no single record: object id 0, which no record has.
    entry = BippopLogEntry(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id=str(object_id),
        label=label,
        action=action,
        user=user,
        timestamp=timezone.now(),
        territory_id=territory_id,
        data=data or {},
    )
    # One INSERT: ``save()`` would first validate every foreign key with a query each.
    BippopLogEntry.objects.bulk_create([entry])
    return entry


def record_view(request, instance, *, screen="inspect"):
    """``request.user`` saw one record (its inspect, edit or timeline screen)."""
    from .models.audit import territory_id_for

    model = type(instance)
    return _write(
        request,
        VIEWED,
        model,
        object_id=instance.pk,
        label=f"{model._meta.verbose_name} #{instance.pk}",
        territory_id=territory_id_for(instance),
        data={"screen": screen},
    )


def record_list(request, model, *, rows, export=None):
    """``request.user`` listed (or exported, ``export`` = its format) records of ``model``."""
    filters = _filters(request)
    territories = _user_territory_ids(request.user)
    territory_id = None
    chosen = filters.get("territory")
    if isinstance(chosen, str) and chosen.isdigit():
        if territories is None or int(chosen) in territories:
            territory_id = int(chosen)
    elif territories and len(territories) == 1:
        territory_id = territories[0]
    data = {"filters": filters, "rows": rows, "territories": territories}
    if export:
        data["format"] = export
        action, label = EXPORTED, f"{model._meta.verbose_name_plural} ({export})"
    else:
        data["page"] = request.GET.get("p") or "1"
        action, label = LISTED, str(model._meta.verbose_name_plural)
    if territory_id is not None:
        from .models.territory import Territory

        # The filter's value may be any number: only an existing territory is kept.
        if not Territory.objects.filter(pk=territory_id).exists():
            territory_id = None
    return _write(request, action, model, label=label, territory_id=territory_id, data=data)


class ReadAuditIndexMixin:
    """For index views: the list seen, or the export made, with filters and row count."""

    def render_to_response(self, context, **response_kwargs):
        if getattr(self, "is_export", False):
            object_list = context["object_list"]
            # Evaluated once here; the export then reads the same results.
            rows = len(object_list)
            record_list(self.request, self.model, rows=rows, export=self.request.GET["export"])
        else:
            paginator = context.get("paginator")
            rows = paginator.count if paginator is not None else len(context["object_list"])
            record_list(self.request, self.model, rows=rows)
        return super().render_to_response(context, **response_kwargs)


class ReadAuditObjectMixin:
    """For inspect and edit views: the record seen (on GET)."""

    audit_screen = "inspect"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        instance = getattr(self, "object", None)
        if instance is not None and response.status_code == 200:
            record_view(request, instance, screen=self.audit_screen)
        return response


_audited_classes = {}


def audited_view_class(view_class, model):
    """``view_class`` with read auditing when it shows people's data, else unchanged."""
    from wagtail.admin.views import generic

    if not is_personal(model):
        return view_class
    if issubclass(view_class, generic.IndexView):
        mixin, attrs = ReadAuditIndexMixin, {}
    elif issubclass(view_class, generic.InspectView):
        mixin, attrs = ReadAuditObjectMixin, {"audit_screen": "inspect"}
    elif issubclass(view_class, generic.EditView):
        mixin, attrs = ReadAuditObjectMixin, {"audit_screen": "edit"}
    else:
        return view_class
    if issubclass(view_class, mixin):
        return view_class
    key = (view_class, mixin)
    if key not in _audited_classes:
        _audited_classes[key] = type(
            f"ReadAudited{view_class.__name__}", (mixin, view_class), attrs
        )
    return _audited_classes[key]


class ReadAuditedViewSetMixin:
    """For model viewsets: their list, export, inspect and edit views audit reads."""

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(audited_view_class(view_class, self.model), **kwargs)


def purge(now=None, days=None):
    """Delete read entries older than the kept period; returns how many went."""
    from .models.audit import BippopLogEntry

    days = bippop_settings.READ_AUDIT_DAYS if days is None else days
    limit = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted, _details = BippopLogEntry.objects.filter(
        action__in=READ_ACTIONS, timestamp__lt=limit
    ).delete()
    return deleted


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(VIEWED, _("Viewed"), _("Personal data viewed"))
    actions.register_action(LISTED, _("Listed"), _("List of people viewed"))
    actions.register_action(EXPORTED, _("Exported"), _("Personal data exported"))

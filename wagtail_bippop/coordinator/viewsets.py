"""The "Solidarité" menu: one scoped viewset per record a coordinator works with."""

from django.db.models import Case, Count, IntegerField, Max, Min, OuterRef, Q, Subquery, Value, When
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from .. import scheduling
from ..exports import SafeExportViewSetMixin
from ..models import (
    OPEN_STATUSES,
    Area,
    Beneficiary,
    HelpRequest,
    Mission,
    MissionStatus,
    Organisation,
    RequestStatus,
    ServiceType,
    Territory,
    TrainingSession,
    Visit,
    VisitStatus,
    Volunteer,
)
from ..phones import display_phone
from ..read_audit import ReadAuditedViewSetMixin
from ..roles import is_read_only
from . import callback, event_pairing, filters, partners_moderation
from .forms import ScopedAdminForm
from .panels import LabelledInlinePanel
from .people_search import PersonSearchForm
from .scoping import ScopedChosenMixin, ScopedListingMixin
from .views import generic as views
from .views.intake import PhoneIntakeView

URL_NAMESPACE = "wagtail_bippop_coordinator"


def coordinator_url(name, *args):
    return reverse(f"{URL_NAMESPACE}:{name}", args=args)


def matching_url(help_request):
    """The suggestions page of the matching part, when it is installed."""
    try:
        return reverse(
            "wagtail_bippop_matching:suggestions", kwargs={"request_id": help_request.pk}
        )
    except NoReverseMatch:
        return None


# Exports show the readable label of a choice, under a readable heading.
CHOICE_HEADINGS = {
    "get_status_display": _("Status"),
    "get_stage_display": _("Vetting stage"),
    "get_channel_display": _("Received through"),
    "get_recurrence_display": _("Frequency"),
    "get_preferred_channel_display": _("Preferred channel"),
}


def short_datetime(value):
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def next_visit(instance):
    return short_datetime(instance.next_visit)


def service_names(instance):
    return ", ".join(service.name for service in instance.services.all())


class ScopedModelViewSet(SafeExportViewSetMixin, ReadAuditedViewSetMixin, ModelViewSet):
    """A model viewset whose every view is limited to the user's territories; its exports
    never carry a formula typed by someone.

    Reads of people's data (lists, exports, inspect and edit screens) are audited."""

    index_view_class = views.ScopedIndexView
    add_view_class = views.ScopedCreateView
    edit_view_class = views.ScopedEditView
    inspect_view_class = views.ScopedInspectView
    delete_view_class = views.ScopedDeleteView
    history_view_class = views.ScopedHistoryView
    usage_view_class = views.ScopedUsageView
    inspect_view_enabled = True
    copy_view_enabled = False
    base_form_class = ScopedAdminForm
    export_many_fields = ()
    person_search_paths = ()
    # Each screen's own words ("Ajouter une demande"), not the generic "Ajouter un(e) …".
    add_label = None
    new_title = None
    edit_title = None

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=self.base_form_class).bind_to_model(
            self.model
        )

    def object_actions(self, user, instance):
        """(label, url, icon) of the coordinator's actions on ``instance``."""
        return []

    def _labels(self, **labels):
        return {name: label for name, label in labels.items() if label is not None}

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            object_actions=self.object_actions,
            export_many_fields=self.export_many_fields,
            person_search_paths=self.person_search_paths,
            **self._labels(add_item_label=self.add_label),
            **kwargs,
        )

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(**self._labels(page_title=self.new_title), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(
            object_actions=self.object_actions,
            **self._labels(page_title=self.edit_title),
            **kwargs,
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(object_actions=self.object_actions, **kwargs)


# --- Requests -------------------------------------------------------------------------


class RequestIndexView(views.ScopedIndexView):
    # New requests waiting for their promised call-back first, then the other open ones,
    # the oldest at the top: the promise made longest ago is kept first.
    default_ordering = ("queue_rank", "created_at")

    def get_table(self, object_list):
        promises = callback.CallbackPromises()
        rows = [promises.decorate(help_request) for help_request in object_list]
        return super().get_table(rows)

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm(PhoneIntakeView.permission_required):
            buttons.insert(
                0,
                HeaderButton(
                    _("Phone intake"),
                    url=reverse("bippop_intake:index"),
                    icon_name="mail",
                ),
            )
        return buttons

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("beneficiary__area", "territory__site")
            .prefetch_related("services")
            .annotate(
                next_visit=Min(
                    "missions__visits__starts_at",
                    filter=Q(
                        missions__visits__status=VisitStatus.PLANNED,
                        missions__visits__starts_at__gte=timezone.now(),
                    ),
                ),
                queue_rank=Case(
                    When(status=RequestStatus.NEW, first_contact_at__isnull=True, then=Value(0)),
                    When(status__in=OPEN_STATUSES, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                ),
            )
        )


def request_is_open(instance):
    return instance.is_open


class CallbackColumn(Column):
    """When the promised call-back is due, and a visible flag once it is late."""

    cell_template_name = "wagtail_bippop/admin/columns/callback_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        due = getattr(instance, "callback_due", None)
        context["due"] = callback.short_day(due) if due else None
        context["late"] = getattr(instance, "callback_late", False)
        return context


class HelpRequestViewSet(ScopedModelViewSet):
    model = HelpRequest
    name = "bippop_requests"
    icon = "help"
    menu_label = _("Requests")
    add_label = _("Add a request")
    new_title = _("New request")
    edit_title = _("Edit the request")
    menu_order = 100
    index_view_class = RequestIndexView
    filterset_class = filters.HelpRequestFilterSet
    search_fields = ["reference", "requester_name"]
    person_search_paths = ("beneficiary",)
    list_display = [
        "reference",
        Column("beneficiary", label=_("Person")),
        StatusTagColumn(
            "get_status_display", label=_("Status"), sort_key="status", primary=request_is_open
        ),
        DateColumn("created_at", label=_("Received"), sort_key="created_at"),
        CallbackColumn("callback_due", label=_("Call back by"), sort_key="created_at"),
        Column("area", label=_("Area"), accessor="beneficiary.area"),
        Column("services", label=_("Services"), accessor=service_names),
        # How it came in stays in the filters, the export and the request's page: the list
        # keeps to what a coordinator acts on, readable at 1024 px.
        Column("next_visit", label=_("Next visit"), sort_key="next_visit", accessor=next_visit),
    ]
    list_export = [
        "reference",
        "get_status_display",
        "created_at",
        "beneficiary.full_name",
        "beneficiary.area",
        "services",
        "get_channel_display",
        "get_recurrence_display",
        "first_contact_at",
        "matched_at",
        "closed_at",
    ]
    export_headings = {
        "beneficiary.full_name": _("Person"),
        "beneficiary.area": _("Area"),
        **CHOICE_HEADINGS,
    }
    export_many_fields = ("services",)
    export_filename = "requests"
    inspect_view_fields = [
        "reference",
        "territory",
        "beneficiary",
        "services",
        "status",
        "channel",
        "requester_kind",
        "requester_name",
        "requester_phone",
        "requester_organisation",
        "recurrence",
        "wanted_from",
        "description",
        "created_at",
        "created_by",
        "first_contact_at",
        "matched_at",
        "closed_at",
        "close_reason",
    ]
    panels = [
        FieldPanel("territory"),
        FieldPanel("beneficiary"),
        FieldPanel("services"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("recurrence"), FieldPanel("wanted_from")]),
        LabelledInlinePanel(
            "wanted_slots", label=_("Wanted times"), add_label=_("Add a wanted time")
        ),
        MultiFieldPanel(
            [
                FieldPanel("channel"),
                FieldPanel("requester_kind"),
                FieldPanel("requester_name"),
                FieldPanel("requester_phone"),
                FieldPanel("requester_email"),
                FieldPanel("requester_organisation"),
            ],
            heading=_("Who asked"),
        ),
    ]

    def object_actions(self, user, instance):
        actions = []
        if instance.is_open and (url := matching_url(instance)):
            actions.append((_("Find a volunteer"), url, "user"))
        actions.extend(event_pairing.request_actions(user, instance))
        actions.append(
            (_("Timeline"), coordinator_url("timeline", instance.beneficiary_id), "history")
        )
        if any(instance.can_move_to(status) for status in RequestStatus.values):
            actions.append(
                (_("Change the status"), coordinator_url("request_status", instance.pk), "tasks")
            )
        return actions


# --- People ---------------------------------------------------------------------------


def _last_done_visit():
    return Subquery(
        Visit.objects.filter(mission__request__beneficiary=OuterRef("pk"), status=VisitStatus.DONE)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )


class BeneficiaryIndexView(views.ScopedIndexView):
    default_ordering = "last_name"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("area")
            .annotate(last_seen=_last_done_visit())
        )


class BeneficiaryViewSet(ScopedModelViewSet):
    model = Beneficiary
    name = "bippop_beneficiaries"
    icon = "group"
    menu_label = _("Beneficiaries")
    add_label = _("Add a person")
    new_title = _("New person")
    edit_title = _("Edit the person’s record")
    menu_order = 200
    index_view_class = BeneficiaryIndexView
    filterset_class = filters.BeneficiaryFilterSet
    search_fields = ["phone", "email", "address"]
    person_search_paths = ("",)
    list_display = [
        Column("full_name", label=_("Name"), sort_key="last_name"),
        "birth_year",
        Column("phone", label=_("Phone"), accessor=lambda obj: display_phone(obj.phone)),
        Column("area", label=_("Area")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("last_seen", label=_("Last visit"), sort_key="last_seen"),
    ]
    list_export = [
        "last_name",
        "first_name",
        "birth_year",
        "phone",
        "email",
        "address",
        "postcode",
        "city",
        "area",
        "get_preferred_channel_display",
        "get_status_display",
        "last_seen",
    ]
    export_headings = {"last_seen": _("Last visit"), **CHOICE_HEADINGS}
    export_filename = "beneficiaries"
    inspect_view_fields_exclude = ["id", "name_key", "anonymised_at"]
    panels = [
        FieldPanel("territory"),
        FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
        FieldPanel("birth_year"),
        MultiFieldPanel(
            [
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                FieldPanel("area"),
            ],
            heading=_("Contact"),
        ),
        FieldRowPanel([FieldPanel("preferred_channel"), FieldPanel("fallback_channel")]),
        FieldPanel("is_online"),
        FieldPanel("lives_alone"),
        FieldPanel("status"),
        FieldPanel("restricted_notes"),
    ]

    def object_actions(self, user, instance):
        return [(_("Timeline"), coordinator_url("timeline", instance.pk), "history")]


class VolunteerIndexView(views.ScopedIndexView):
    default_ordering = "last_name"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("area")
            .prefetch_related("services")
            .annotate(
                current_missions=Count("missions", filter=Q(missions__status=MissionStatus.ACTIVE))
            )
        )


class VolunteerViewSet(ScopedModelViewSet):
    model = Volunteer
    name = "bippop_volunteers"
    icon = "user"
    menu_label = _("Volunteers")
    add_label = _("Add a volunteer")
    new_title = _("New volunteer")
    edit_title = _("Edit the volunteer’s record")
    menu_order = 300
    index_view_class = VolunteerIndexView
    filterset_class = filters.VolunteerFilterSet
    search_fields = ["phone", "email"]
    person_search_paths = ("",)
    list_display = [
        Column("full_name", label=_("Name"), sort_key="last_name"),
        StatusTagColumn(
            "get_stage_display",
            label=_("Vetting stage"),
            sort_key="stage",
            primary=lambda obj: obj.is_active,
        ),
        Column("area", label=_("Area")),
        Column("services", label=_("Services"), accessor=service_names),
        Column(
            "current_missions",
            label=_("Missions / maximum"),
            accessor=lambda obj: f"{obj.current_missions} / {obj.load_cap}",
        ),
    ]
    list_export = [
        "last_name",
        "first_name",
        "get_stage_display",
        "phone",
        "email",
        "area",
        "services",
        "organisation",
        "current_missions",
        "load_cap",
        "interviewed_at",
        "charter_signed_at",
        "honourability_checked_on",
        "honourability_compatible",
        "trained_at",
        "activated_at",
    ]
    export_headings = {"current_missions": _("Missions in progress"), **CHOICE_HEADINGS}
    export_many_fields = ("services",)
    export_filename = "volunteers"
    inspect_view_fields_exclude = ["id", "name_key"]
    # The vetting stage and its dates change only through the vetting actions.
    panels = [
        FieldPanel("territory"),
        FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
        MultiFieldPanel(
            [
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                FieldPanel("area"),
            ],
            heading=_("Contact"),
        ),
        FieldPanel("services"),
        FieldPanel("organisation"),
        FieldRowPanel(
            [FieldPanel("load_cap"), FieldPanel("has_car"), FieldPanel("mobility_radius_km")]
        ),
        FieldPanel("directory_opt_in"),
        LabelledInlinePanel(
            "availability", label=_("Availability"), add_label=_("Add a time when free")
        ),
        LabelledInlinePanel("absences", label=_("Absences"), add_label=_("Add an absence")),
    ]

    def object_actions(self, user, instance):
        return [(_("Vetting"), coordinator_url("vetting", instance.pk), "tasks")]


# --- Missions and visits --------------------------------------------------------------


class MissionIndexView(views.ScopedIndexView):
    # Missions in progress first, the next visit soonest at the top.
    default_ordering = ("status", "next_visit")

    def get_base_queryset(self):
        now = timezone.now()
        return (
            super()
            .get_base_queryset()
            .select_related("request__beneficiary", "volunteer")
            .annotate(
                next_visit=Min(
                    "visits__starts_at",
                    filter=Q(visits__status=VisitStatus.PLANNED, visits__starts_at__gte=now),
                ),
                last_visit=Max("visits__starts_at", filter=Q(visits__status=VisitStatus.DONE)),
            )
        )


TO_SCHEDULE = _("To schedule")


def mission_next_visit(instance):
    if not instance.is_scheduled and instance.status == MissionStatus.ACTIVE:
        return TO_SCHEDULE
    return next_visit(instance)


class MissionInspectView(views.ScopedInspectView):
    def get_field_display_value(self, field_name, field):
        # A mission not agreed yet has no day or hour: nothing nobody agreed is shown.
        if field_name in ("start_date", "usual_time") and not self.object.is_scheduled:
            return TO_SCHEDULE
        return super().get_field_display_value(field_name, field)


class MissionCreateView(views.ScopedCreateView):
    def save_instance(self):
        mission = super().save_instance()
        # A mission set up by hand gets its visits planned at once, like an accepted one.
        scheduling.plan_visits(mission, user=self.request.user)
        return mission


class MissionViewSet(ScopedModelViewSet):
    model = Mission
    add_view_class = MissionCreateView
    inspect_view_class = MissionInspectView
    name = "bippop_missions"
    icon = "link"
    menu_label = _("Missions")
    add_label = _("Add a mission")
    new_title = _("New mission")
    edit_title = _("Edit the mission")
    menu_order = 400
    index_view_class = MissionIndexView
    filterset_class = filters.MissionFilterSet
    search_fields = ["request__reference"]
    person_search_paths = ("request__beneficiary", "volunteer")
    list_display = [
        Column("request", label=_("Request")),
        Column("beneficiary", label=_("Person"), accessor="request.beneficiary"),
        Column("volunteer", label=_("Volunteer")),
        Column("recurrence", label=_("Frequency"), accessor="get_recurrence_display"),
        StatusTagColumn(
            "get_status_display",
            label=_("Status"),
            sort_key="status",
            primary=lambda obj: obj.status == MissionStatus.ACTIVE,
        ),
        Column(
            "next_visit",
            label=_("Next visit"),
            sort_key="next_visit",
            accessor=mission_next_visit,
        ),
        DateColumn("last_visit", label=_("Last visit done"), sort_key="last_visit"),
    ]
    list_export = [
        "request.reference",
        "request.beneficiary.full_name",
        "volunteer.full_name",
        "get_recurrence_display",
        "get_status_display",
        "start_date",
        "end_date",
        "next_visit",
        "last_visit",
        "ended_at",
        "end_reason",
    ]
    export_headings = {
        "request.reference": _("Request"),
        "request.beneficiary.full_name": _("Person"),
        "volunteer.full_name": _("Volunteer"),
        "next_visit": _("Next visit"),
        "last_visit": _("Last visit done"),
        **CHOICE_HEADINGS,
    }
    export_filename = "missions"
    panels = [
        FieldPanel("request"),
        FieldPanel("volunteer"),
        FieldPanel("recurrence"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldRowPanel([FieldPanel("usual_time"), FieldPanel("usual_duration_minutes")]),
    ]
    # Once made, a mission's day and hour change only through the schedule screen, which
    # tells the person and the volunteer.
    edit_panels = [FieldPanel("request"), FieldPanel("volunteer")]

    def get_edit_view_kwargs(self, **kwargs):
        handler = ObjectList(self.edit_panels, base_form_class=self.base_form_class)
        handler = handler.bind_to_model(self.model)
        return super().get_edit_view_kwargs(
            panel=handler, form_class=handler.get_form_class(), **kwargs
        )

    def object_actions(self, user, instance):
        actions = [
            (
                _("Timeline"),
                coordinator_url("timeline", instance.request.beneficiary_id),
                "history",
            )
        ]
        if instance.status == MissionStatus.ACTIVE:
            url = coordinator_url("mission_schedule", instance.pk)
            if instance.is_scheduled:
                actions.append((_("Change the day or time"), url, "date"))
            else:
                # What the coordinator must do first: agree the first visit with the person.
                actions.insert(0, (_("Agree the first visit"), url, "date"))
            url = coordinator_url("end_mission", instance.pk)
            if instance.is_scheduled:
                actions.append((_("Plan the next visits"), f"{url}#plan", "date"))
            actions.append((_("End the mission"), url, "cross"))
        return actions


class VisitIndexView(views.ScopedIndexView):
    default_ordering = "-starts_at"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("mission__request__beneficiary", "mission__volunteer")
        )


class VisitViewSet(ScopedModelViewSet):
    model = Visit
    name = "bippop_visits"
    icon = "date"
    menu_label = _("Visits")
    add_label = _("Add a visit")
    new_title = _("New visit")
    edit_title = _("Edit the visit")
    menu_order = 500
    index_view_class = VisitIndexView
    filterset_class = filters.VisitFilterSet
    search_fields = ["mission__request__reference"]
    person_search_paths = ("mission__request__beneficiary", "mission__volunteer")
    list_display = [
        Column(
            "starts_at",
            label=_("Date"),
            sort_key="starts_at",
            accessor=lambda obj: short_datetime(obj.starts_at),
        ),
        Column("beneficiary", label=_("Person"), accessor="mission.request.beneficiary"),
        Column("volunteer", label=_("Volunteer"), accessor="mission.volunteer"),
        StatusTagColumn(
            "get_status_display",
            label=_("Status"),
            sort_key="status",
            primary=lambda obj: obj.status == VisitStatus.PLANNED,
        ),
        Column("duration_minutes", label=_("Duration (minutes)")),
        Column("worry", label=_("Worried"), accessor="worry"),
    ]
    list_export = [
        "starts_at",
        "mission.request.beneficiary.full_name",
        "mission.volunteer.full_name",
        "get_status_display",
        "duration_minutes",
        "worry",
        "report",
    ]
    export_headings = {
        "mission.request.beneficiary.full_name": _("Person"),
        "mission.volunteer.full_name": _("Volunteer"),
        **CHOICE_HEADINGS,
    }
    export_filename = "visits"
    panels = [
        FieldPanel("mission"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
    ]

    def object_actions(self, user, instance):
        actions = []
        if instance.status == VisitStatus.PLANNED:
            actions.append(
                (_("Report the visit"), coordinator_url("visit_report", instance.pk), "edit")
            )
        actions.append(
            (
                _("Timeline"),
                coordinator_url("timeline", instance.mission.request.beneficiary_id),
                "history",
            )
        )
        return actions


# --- Catalogue and territories ----------------------------------------------------------


class OrganisationViewSet(ScopedModelViewSet):
    model = Organisation
    name = "bippop_organisations"
    icon = "home"
    menu_label = _("Organisations")
    add_label = _("Add an organisation")
    new_title = _("New organisation")
    edit_title = _("Edit the organisation")
    menu_order = 600
    filterset_class = filters.territory_filterset(Organisation, ["kind", "status"])
    search_fields = ["name", "contact_name"]
    list_display = ["name", "kind", "status", "contact_name", "territory"]
    object_actions = partners_moderation.organisation_actions
    list_export = ["name", "kind", "status", "contact_name", "phone", "email", "territory"]
    export_filename = "organisations"
    panels = [
        FieldPanel("territory"),
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("status"),
        FieldPanel("description"),
        FieldPanel("contact_name"),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
        FieldPanel("website"),
        FieldPanel("address"),
    ]


class ServiceTypeViewSet(ScopedModelViewSet):
    model = ServiceType
    name = "bippop_services"
    icon = "list-ul"
    menu_label = _("Services")
    add_label = _("Add a service")
    new_title = _("New service")
    edit_title = _("Edit the service")
    menu_order = 700
    filterset_class = filters.territory_filterset(ServiceType, ["mobility", "is_active"])
    search_fields = ["name"]
    list_display = ["name", "mobility", "is_active", "territory"]
    list_export = ["name", "mobility", "is_active", "territory"]
    export_filename = "services"
    panels = [
        FieldPanel("territory"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("mobility"),
        FieldPanel("is_active"),
        FieldPanel("sort_order"),
    ]


class AreaViewSet(ScopedModelViewSet):
    model = Area
    name = "bippop_areas"
    icon = "site"
    menu_label = _("Areas")
    add_label = _("Add an area")
    new_title = _("New area")
    edit_title = _("Edit the area")
    menu_order = 800
    filterset_class = filters.territory_filterset(Area)
    search_fields = ["name"]
    list_display = ["name", "territory"]
    list_export = ["name", "territory", "latitude", "longitude"]
    export_filename = "areas"
    panels = [
        FieldPanel("territory"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldPanel("sort_order"),
    ]


class TerritoryViewSet(ScopedModelViewSet):
    model = Territory
    name = "bippop_territories"
    icon = "globe"
    menu_label = _("Territories")
    add_label = _("Add a territory")
    new_title = _("New territory")
    edit_title = _("Edit the territory")
    menu_order = 900
    search_fields = ["name", "insee_code", "postcodes"]
    list_display = ["name", "insee_code", "postcodes", "is_active"]
    list_export = ["name", "slug", "insee_code", "postcodes", "is_active"]
    export_filename = "territories"
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("site"),
        FieldRowPanel([FieldPanel("insee_code"), FieldPanel("postcodes")]),
        FieldPanel("is_active"),
    ]


class TrainingSessionViewSet(ScopedModelViewSet):
    model = TrainingSession
    name = "bippop_trainings"
    icon = "doc-full"
    menu_label = _("Training sessions")
    add_label = _("Add a training session")
    new_title = _("New training session")
    edit_title = _("Edit the training session")
    menu_order = 350
    filterset_class = filters.territory_filterset(TrainingSession)
    search_fields = ["title", "place"]
    list_display = ["title", "date", "place", "territory"]
    list_export = ["title", "date", "place", "territory"]
    export_filename = "training-sessions"
    panels = [
        FieldPanel("territory"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("place")]),
        FieldPanel("description"),
    ]


class PermissionMenuItem(MenuItem):
    permission = None

    def is_shown(self, request):
        user = request.user
        return not is_read_only(user) and user.has_perm(self.permission)


class IntakeViewSet(ViewSet):
    """The phone intake screen, first in the menu: most requests arrive by phone."""

    name = "bippop_intake"
    icon = "mail"
    menu_label = _("Phone intake")
    menu_order = 50

    @property
    def menu_item_class(self):
        return type(
            "IntakeMenuItem",
            (PermissionMenuItem,),
            {"permission": PhoneIntakeView.permission_required},
        )

    def get_urlpatterns(self):
        return [path("", PhoneIntakeView.as_view(), name="index")]


class SolidarityViewSetGroup(ViewSetGroup):
    menu_label = _("Solidarity")
    menu_icon = "group"
    menu_order = 150
    # Other parts of the app (offers…) add their viewsets to this menu through this hook.
    extra_items_hook = "register_bippop_solidarity_viewset"
    items = (
        IntakeViewSet,
        HelpRequestViewSet,
        BeneficiaryViewSet,
        VolunteerViewSet,
        TrainingSessionViewSet,
        MissionViewSet,
        VisitViewSet,
        OrganisationViewSet,
        ServiceTypeViewSet,
        AreaViewSet,
        TerritoryViewSet,
    )

    def __init__(self):
        super().__init__()
        self.registerables += [make() for make in hooks.get_hooks(self.extra_items_hook)]


# --- Choosers (used by every form that picks a person) -----------------------------------


class ScopedChooseView(ScopedListingMixin, chooser_views.ChooseView):
    filter_form_class = PersonSearchForm


class ScopedChooseResultsView(ScopedListingMixin, chooser_views.ChooseResultsView):
    filter_form_class = PersonSearchForm


class ScopedChosenView(ScopedChosenMixin, chooser_views.ChosenView):
    pass


class ScopedChosenMultipleView(ScopedChosenMixin, chooser_views.ChosenMultipleView):
    pass


class ScopedChooserViewSet(ChooserViewSet):
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView


class BeneficiaryChooserViewSet(ScopedChooserViewSet):
    model = Beneficiary
    name = "bippop_beneficiary_chooser"
    icon = "group"
    choose_one_text = _("Choose a person")
    choose_another_text = _("Choose another person")


class VolunteerChooserViewSet(ScopedChooserViewSet):
    model = Volunteer
    name = "bippop_volunteer_chooser"
    icon = "user"
    choose_one_text = _("Choose a volunteer")
    choose_another_text = _("Choose another volunteer")

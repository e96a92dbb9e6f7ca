"""Coordinator entry of the register and of loneliness measures, scoped by territory."""

import csv
import datetime

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.forms import modelform_factory
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.mixins import Echo
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from ..coordinator.filters import ScopedFilterSet
from ..exports import SafeExportViewSetMixin
from ..models import Beneficiary, LonelinessAssessment, RegisterEntry, Territory
from ..read_audit import ReadAuditedViewSetMixin
from ..roles import is_read_only, territories_for_user
from .tables import csv_value


class RegisterEntryForm(WagtailAdminModelForm):
    acknowledge = forms.BooleanField(
        label=_("Acknowledgement sent to the person"),
        required=False,
        help_text=_("The law asks for it within 8 days of the request."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["territory"].queryset = territories_for_user(self.for_user)
        if self.instance.acknowledged_at:
            self.fields["acknowledge"].initial = True
            self.fields["acknowledge"].disabled = True
        if "staff_entry_basis" in self.fields and not self.instance.pk:
            # Staff type an entry in only at the person's request: say how it came.
            self.fields["staff_entry_basis"].required = True

    def save(self, commit=True):
        entry = super().save(commit=False)
        if not entry.pk:
            entry.created_by = self.for_user
            if entry.staff_entry_basis and not entry.agreement_at:
                entry.agreement_at = entry.received_at
                entry.agreement_channel = entry.channel
        acknowledged_now = self.cleaned_data.get("acknowledge") and not entry.acknowledged_at
        if acknowledged_now:
            entry.acknowledged_at = max(timezone.now(), entry.received_at)
            entry.acknowledged_by = self.for_user
        if commit:
            entry.save()
            if acknowledged_now:
                log(entry, "wagtail_bippop.register_acknowledge", user=self.for_user)
        return entry


class ScopedObjectMixin:
    """The record of the URL only within the user's territories (404 for any other), and
    never for the read-only role."""

    territory_lookup = "territory"

    def dispatch(self, request, *args, **kwargs):
        if is_read_only(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def in_scope(self, queryset):
        territories = territories_for_user(self.request.user)
        return queryset.filter(**{f"{self.territory_lookup}__in": territories})

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is not None and not self.in_scope(type(obj).objects.filter(pk=obj.pk)).exists():
            raise Http404
        return obj


class ScopedMixin(ScopedObjectMixin):
    """Only the objects of the user's territories, in lists too."""

    def get_base_queryset(self):
        return self.in_scope(super().get_base_queryset())


SCOPED_VIEWS = (
    generic.IndexView,
    generic.CreateView,
    generic.EditView,
    generic.DeleteView,
    history.HistoryView,
    usage.UsageView,
)
OBJECT_ONLY_VIEWS = (history.HistoryView, usage.UsageView)


def scoped_views(territory_lookup):
    """Index, create, edit, delete, history and usage views of a viewset, scoped by territory.

    History (and its results) and usage are Wagtail's own views: left as they are, they would
    show any record by id.
    """
    attrs = {"territory_lookup": territory_lookup}
    return tuple(
        type(
            f"Scoped{view.__name__}",
            # The lists of history and usage are of log entries and references, not records.
            (ScopedObjectMixin if view in OBJECT_ONLY_VIEWS else ScopedMixin, view),
            attrs,
        )
        for view in SCOPED_VIEWS
    )


class RegisterFilterSet(ScopedFilterSet):
    """The register's filters; the territory lists only the user's territories."""

    territory = django_filters.ModelChoiceFilter(
        queryset=Territory.objects.all(), label=_("Territory")
    )

    class Meta:
        model = RegisterEntry
        fields = ["category", "withdrawn_at"]


class FrenchSpreadsheetMixin:
    """Wagtail's list export, written for the spreadsheet programs of French staff.

    CSV: UTF-8 with a BOM, ``;`` between columns, dates as 31/12/2026, yes/no in words,
    French decimals. Both formats: the label of a choice rather than its code, and times in
    the site's time zone (Wagtail writes them in UTC).
    """

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for name in row:
            try:
                field = item._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.choices and row[name]:
                row[name] = getattr(item, f"get_{name}_display")()
        return row

    def preprocess_field_value(self, field, value, export_format):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.make_naive(value)
        if export_format == self.FORMAT_CSV:
            if isinstance(value, bool):
                return _("Yes") if value else _("No")
            if isinstance(value, datetime.datetime):
                return value.strftime("%d/%m/%Y %H:%M")
            if isinstance(value, datetime.date):
                return value.strftime("%d/%m/%Y")
            if isinstance(value, int | float):
                return csv_value(value)
        return super().preprocess_field_value(field, value, export_format)

    def stream_csv(self, queryset):
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export, delimiter=";")
        yield "\ufeff".encode()  # lets spreadsheet software read the accents correctly
        yield writer.writerow(
            {field: self.get_heading(queryset, field) for field in self.list_export}
        )
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response


class AcknowledgementColumn(Column):
    def get_value(self, instance):
        if instance.acknowledged_at:
            return _("Sent on %(date)s") % {
                "date": timezone.localtime(instance.acknowledged_at).strftime("%d/%m/%Y")
            }
        due = timezone.localtime(instance.acknowledgement_due).strftime("%d/%m/%Y")
        if instance.acknowledgement_late:
            return _("Late: was due on %(date)s") % {"date": due}
        return _("Due by %(date)s") % {"date": due}


_index, *_others = scoped_views("territory")


class WithdrawnLeaveExportsMixin:
    """A withdrawn entry stays in the list (marked) but leaves every export at once."""

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if self.is_export:
            queryset = queryset.filter(withdrawn_at__isnull=True)
        return queryset


REGISTER_VIEWS = (
    type("RegisterIndexView", (WithdrawnLeaveExportsMixin, FrenchSpreadsheetMixin, _index), {}),
    *_others,
)


class RegisterEntryViewSet(SafeExportViewSetMixin, ReadAuditedViewSetMixin, ModelViewSet):
    model = RegisterEntry
    icon = "list-ul"
    menu_label = _("Vulnerable persons register")
    url_prefix = "bippop-register"
    name = "bippop_register"
    add_to_admin_menu = False
    copy_view_enabled = False
    (
        index_view_class,
        add_view_class,
        edit_view_class,
        delete_view_class,
        history_view_class,
        usage_view_class,
    ) = REGISTER_VIEWS
    filterset_class = RegisterFilterSet
    form_fields = [
        "territory",
        "first_name",
        "last_name",
        "birth_date",
        "category",
        "address",
        "phone",
        "lives_alone",
        "emergency_contact",
        "emergency_phone",
        "home_services",
        "requested_by",
        "requester_name",
        "requester_relation",
        "requester_phone",
        "channel",
        "staff_entry_basis",
        "received_at",
        "withdrawn_at",
    ]
    list_display = [
        "__str__",
        "category",
        "phone",
        "received_at",
        AcknowledgementColumn("acknowledgement", label=_("Acknowledgement")),
        "withdrawn_at",
    ]
    search_fields = ["first_name", "last_name", "address"]
    list_export = [
        "last_name",
        "first_name",
        "birth_date",
        "category",
        "address",
        "phone",
        "lives_alone",
        "emergency_contact",
        "emergency_phone",
        "home_services",
        "received_at",
        "acknowledged_at",
        "withdrawn_at",
    ]
    export_filename = "register"

    def get_form_class(self, for_update=False):
        return modelform_factory(
            self.model,
            form=RegisterEntryForm,
            fields=self.form_fields,
            formfield_callback=self.formfield_for_dbfield,
        )


register_viewset = RegisterEntryViewSet()


class LonelinessForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["beneficiary"].queryset = Beneficiary.objects.filter(
                territory__in=territories_for_user(self.for_user)
            )

    def save(self, commit=True):
        measure = super().save(commit=False)
        if not measure.pk:
            measure.taken_by = self.for_user
        if commit:
            measure.save()
        return measure


class LonelinessViewSet(SafeExportViewSetMixin, ReadAuditedViewSetMixin, ModelViewSet):
    """3-item UCLA scale at intake and every few months; never shown to the read-only role."""

    model = LonelinessAssessment
    icon = "pick"
    menu_label = _("Loneliness measures")
    url_prefix = "bippop-loneliness"
    name = "bippop_loneliness"
    add_to_admin_menu = False
    copy_view_enabled = False
    (
        index_view_class,
        add_view_class,
        edit_view_class,
        delete_view_class,
        history_view_class,
        usage_view_class,
    ) = scoped_views("beneficiary__territory")
    form_fields = [
        "beneficiary",
        "taken_on",
        "moment",
        "lacks_companionship",
        "feels_left_out",
        "feels_isolated",
        "satisfaction",
    ]
    list_display = ["beneficiary", "taken_on", "moment", "score", "satisfaction"]
    list_filter = ["moment", "taken_on"]
    search_fields = ["beneficiary__last_name", "beneficiary__first_name"]

    def get_form_class(self, for_update=False):
        # The person is picked with the coordinators' person chooser: searchable, and
        # scoped to their territories like the form's own choices.
        from ..coordinator.viewsets import BeneficiaryChooserViewSet

        return modelform_factory(
            self.model,
            form=LonelinessForm,
            fields=self.form_fields,
            formfield_callback=self.formfield_for_dbfield,
            widgets={"beneficiary": BeneficiaryChooserViewSet().widget_class()},
        )


loneliness_viewset = LonelinessViewSet()

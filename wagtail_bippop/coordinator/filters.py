"""List filters of the coordinator section; related choices stay within the user's scope."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from ..models import (
    OPEN_STATUSES,
    Area,
    Beneficiary,
    HelpRequest,
    Mission,
    Organisation,
    ServiceType,
    Territory,
    Visit,
    Volunteer,
)
from .scoping import ScopedFilterMixin


class ScopedFilterSet(ScopedFilterMixin, WagtailFilterSet):
    pass


def _territory_filter():
    return django_filters.ModelChoiceFilter(queryset=Territory.objects.all(), label=_("Territory"))


class HelpRequestFilterSet(ScopedFilterSet):
    waiting = django_filters.BooleanFilter(
        label=_("Still waiting for an answer"), method="filter_waiting"
    )
    territory = _territory_filter()
    area = django_filters.ModelChoiceFilter(
        field_name="beneficiary__area", queryset=Area.objects.all(), label=_("Area")
    )
    services = django_filters.ModelChoiceFilter(
        queryset=ServiceType.objects.all(), label=_("Service")
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Received between"), widget=DateRangePickerWidget
    )

    class Meta:
        model = HelpRequest
        fields = ["status", "channel", "recurrence"]

    def filter_waiting(self, queryset, name, value):
        if value is None:
            return queryset
        open_ = Q(status__in=OPEN_STATUSES)
        return queryset.filter(open_ if value else ~open_)


class BeneficiaryFilterSet(ScopedFilterSet):
    territory = _territory_filter()
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), label=_("Area"))

    class Meta:
        model = Beneficiary
        fields = ["status", "preferred_channel", "lives_alone", "is_online"]


class VolunteerFilterSet(ScopedFilterSet):
    territory = _territory_filter()
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), label=_("Area"))
    services = django_filters.ModelChoiceFilter(
        queryset=ServiceType.objects.all(), label=_("Service")
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(), label=_("Member of")
    )

    class Meta:
        model = Volunteer
        fields = ["stage", "has_car"]


class MissionFilterSet(ScopedFilterSet):
    area = django_filters.ModelChoiceFilter(
        field_name="request__beneficiary__area", queryset=Area.objects.all(), label=_("Area")
    )

    class Meta:
        model = Mission
        fields = ["status", "recurrence"]


class VisitFilterSet(ScopedFilterSet):
    starts_at = django_filters.DateFromToRangeFilter(
        label=_("Between"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Visit
        fields = ["status", "worry"]


def territory_filterset(model, fields=()):
    """For catalogue records that belong to one territory (areas, services, partners)."""

    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    return type(
        f"{model.__name__}FilterSet",
        (ScopedFilterSet,),
        {"Meta": meta, "territory": _territory_filter()},
    )

"""The public directory: partner organisations and volunteers who chose to appear.

Only what the public may see leaves this module: a volunteer's first name and initial,
area and services; an organisation's public details. Never a volunteer's contact.
"""

import django_filters
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from ..models import Area, OrganisationStatus, ServiceType, VettingStage


class DirectoryFilterSet(django_filters.FilterSet):
    service = django_filters.ModelChoiceFilter(
        label=_("Kind of help"),
        field_name="services",
        queryset=ServiceType.objects.none(),
        empty_label=_("All kinds of help"),
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Neighbourhood"),
        queryset=Area.objects.none(),
        empty_label=_("All neighbourhoods"),
    )

    def __init__(self, data=None, *, territory, **kwargs):
        queryset = (
            territory.volunteers.filter(directory_opt_in=True, stage=VettingStage.ACTIVE)
            .select_related("area")
            .prefetch_related("services")
            .order_by("first_name", "last_name", "pk")
        )
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["service"].queryset = territory.services.filter(is_active=True)
        self.filters["area"].queryset = territory.areas.all()
        for field in self.form.fields.values():
            field.required = False
        self.form.use_required_attribute = False


def directory_context(request, territory, per_page):
    """Everything the directory template needs, with a fixed number of queries."""
    filterset = DirectoryFilterSet(request.GET or None, territory=territory)
    volunteers = Paginator(filterset.qs, per_page).get_page(request.GET.get("page"))
    organisations = Paginator(
        territory.organisations.filter(status=OrganisationStatus.APPROVED).order_by("name", "pk"),
        per_page,
    ).get_page(request.GET.get("organisations_page"))
    return {
        "filterset": filterset,
        "volunteers": volunteers,
        "organisations": organisations,
        "filter_query": _query_without(request, "page"),
        "organisations_query": _query_without(request, "organisations_page"),
    }


def _query_without(request, name):
    """The current query string minus ``name``, to build pagination links."""
    query = request.GET.copy()
    query.pop(name, None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""

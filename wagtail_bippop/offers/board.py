"""The public board of offers: current offers of a territory, filtered and paginated.

Only what the public may see leaves this module: title, service, when, the area or a
public meeting point, places left and access. Never who offers it by name, never an
address or a phone number.
"""

import django_filters
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ..models import Area, Offer, ServiceType, Weekday


def board_offers(territory):
    # Offers to accompany someone to an event are paired from the event's page instead.
    return (
        Offer.objects.current()
        .filter(territory=territory, event__isnull=True)
        .select_related("service", "area", "organisation")
        .order_by("first_date", "start_time", "title", "pk")
    )


class OfferBoardFilterSet(django_filters.FilterSet):
    service = django_filters.ModelChoiceFilter(
        label=_("Kind of help"),
        queryset=ServiceType.objects.none(),
        empty_label=_("All kinds of help"),
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Neighbourhood"),
        queryset=Area.objects.none(),
        empty_label=_("All neighbourhoods"),
        method="filter_area",
    )
    day = django_filters.ChoiceFilter(
        label=_("Day"),
        field_name="weekday",
        choices=Weekday.choices,
        empty_label=_("Any day"),
    )

    def __init__(self, data=None, *, territory, **kwargs):
        super().__init__(data, queryset=board_offers(territory), **kwargs)
        self.filters["service"].queryset = territory.services.filter(is_active=True)
        self.filters["area"].queryset = territory.areas.all()
        for field in self.form.fields.values():
            field.required = False
        self.form.use_required_attribute = False

    def filter_area(self, queryset, name, value):
        # An offer for the whole territory suits every neighbourhood.
        if value is None:
            return queryset
        return queryset.filter(Q(area=value) | Q(area__isnull=True))


def board_context(request, territory, per_page):
    """What the board template needs, with a fixed number of queries."""
    filterset = OfferBoardFilterSet(request.GET or None, territory=territory)
    offers = Paginator(filterset.qs, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return {
        "filterset": filterset,
        "offers": offers,
        "filter_query": f"{encoded}&" if encoded else "",
    }


def current_offer_or_404(territory, pk):
    offer = board_offers(territory).filter(pk=pk).first()
    if offer is None:
        raise Http404
    return offer

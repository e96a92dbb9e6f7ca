"""Summary panel of the steering figures on the Wagtail admin home page."""

from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from ..roles import is_read_only, territories_for_user
from . import metrics
from .access import small_cell_threshold
from .tables import COUNT, HOURS, PEOPLE, Cell


class SteeringPanel(Component):
    name = "bippop_steering"
    order = 110
    template_name = "wagtail_bippop/dashboard/home_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        from .views import default_period, isolation_days

        user = self.request.user
        territories = list(territories_for_user(user).select_related("site"))
        start, end = default_period()
        period = metrics.Period(tuple(t.pk for t in territories), start, end)
        totals = metrics.visit_totals(period)
        threshold = small_cell_threshold(user)
        figures = [
            (_("People helped"), Cell(totals["people"], PEOPLE)),
            (_("Visits done"), Cell(totals["visits"], COUNT)),
            (_("Volunteer hours given"), Cell(totals["hours"], HOURS)),
        ]
        if not is_read_only(user):
            days = isolation_days(self.request, territories)
            isolated = metrics.isolation_count(period.territory_ids, days)
            figures.append(
                (
                    _("People without contact for %(days)s days") % {"days": days},
                    Cell(isolated, PEOPLE),
                )
            )
        hidden = _("< %(n)s") % {"n": threshold} if threshold else ""
        return {
            "figures": [
                (label, hidden if cell.masked(threshold) else cell.text())
                for label, cell in figures
            ],
            "start": start,
            "end": end,
        }

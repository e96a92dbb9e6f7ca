"""The form to propose an offer of help: the same for a volunteer and a partner structure.

Its fields were first written for the partner space; the volunteer space uses them as they
are, so that both ways of proposing an offer ask the same questions with the same checks.
"""

from ..partners.space_forms import PartnerOfferForm


class OfferForm(PartnerOfferForm):
    """Service, title, dates, time of day, area, meeting point, places and access."""

    # Fields a service may copy onto an Offer as they are.
    offer_fields = (
        "service",
        "title",
        "description",
        "area",
        "meeting_point",
        "recurrence",
        "first_date",
        "last_date",
        "period",
        "start_time",
        "capacity",
        "step_free",
        "car_available",
        "accessibility_notes",
    )

    def offer_data(self):
        return {name: self.cleaned_data.get(name) for name in self.offer_fields}

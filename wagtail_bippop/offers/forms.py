"""The form to propose an offer of help: the same for a volunteer and a partner structure,
so that both ways of proposing an offer ask the same questions with the same checks.
"""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import MAX_OFFER_PLACES, Area, DayPeriod, OfferRecurrence, ServiceType
from ..public.fields import (
    MAX_DAYS_AHEAD,
    SpaceForm,
    check_in_the_coming_year,
    date_field,
    time_field,
)
from ..public.forms import required_message

# Fields copied onto an Offer as they are.
OFFER_FIELDS = (
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


class OfferForm(SpaceForm):
    """Service, title, dates, time of day, area, meeting point, places and access."""

    service = forms.ModelChoiceField(
        label=_("Kind of help"),
        queryset=ServiceType.objects.none(),
        empty_label=_("Choose…"),
        error_messages=required_message(_("Choose the kind of help.")),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("For example: Walk on Tuesday afternoon."),
        error_messages=required_message(_("Enter a title.")),
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    area = forms.ModelChoiceField(
        label=_("Neighbourhood (optional)"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("The whole town"),
    )
    meeting_point = forms.CharField(
        label=_("Meeting point (optional)"),
        max_length=200,
        required=False,
        help_text=_("A public place, such as the town hall square. Never a home address."),
    )
    recurrence = forms.ChoiceField(
        label=_("How often?"),
        choices=OfferRecurrence.choices,
        initial=OfferRecurrence.ONCE,
        widget=forms.RadioSelect,
        error_messages=required_message(_("Choose how often.")),
    )
    first_date = date_field(_("Date (or first date)"), message=_("Enter the date."))
    last_date = date_field(_("Last date (when it repeats)"), required=False)
    period = forms.ChoiceField(
        label=_("Time of day"),
        choices=DayPeriod.choices,
        widget=forms.RadioSelect,
        error_messages=required_message(_("Choose the time of day.")),
    )
    start_time = time_field(_("Start time (optional)"), required=False)
    capacity = forms.IntegerField(
        label=_("Number of places"),
        min_value=1,
        max_value=MAX_OFFER_PLACES,
        initial=3,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the number of places."),
            "invalid": _("Enter a number of places, for example 3."),
            "min_value": _("At least one place."),
            "max_value": _("At most %(limit_value)s places."),
        },
    )
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    car_available = forms.BooleanField(label=_("A car is available"), required=False)
    accessibility_notes = forms.CharField(
        label=_("Accessibility notes (optional)"), max_length=255, required=False
    )

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = territory.services.filter(is_active=True)
        self.fields["area"].queryset = territory.areas.all()

    def clean_first_date(self):
        value = self.cleaned_data["first_date"]
        check_in_the_coming_year(value)
        return value

    def clean(self):
        data = super().clean()
        first, last = data.get("first_date"), data.get("last_date")
        if data.get("recurrence") == OfferRecurrence.ONCE or not last:
            data["last_date"] = first
        elif first and last < first:
            self.add_error("last_date", _("The last date cannot come before the first one."))
        elif first and last > first + datetime.timedelta(days=MAX_DAYS_AHEAD):
            self.add_error("last_date", _("Choose a date within the next year."))
        return data

    def offer_data(self):
        """The cleaned values an Offer takes as they are."""
        return {name: self.cleaned_data.get(name) for name in OFFER_FIELDS}

"""Forms of the partner space: signing in, publishing an offer, proposing an event."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    MAX_OFFER_PLACES,
    Area,
    DayPeriod,
    OfferRecurrence,
    ServiceType,
)
from ..public.forms import required_message

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
MAX_DAYS_AHEAD = 366


def date_field(label, *, required=True, message=None):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=DATE_FORMATS,
        help_text=_("For example 15/06/2027."),
        error_messages={
            "required": message or _("Enter a date."),
            "invalid": _("Enter a date such as 15/06/2027."),
        },
    )


def time_field(label, *, required=True, message=None):
    return forms.TimeField(
        label=label,
        required=required,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%Hh%M", "%H h %M", "%Hh"],
        help_text=_("For example 14:30."),
        error_messages={
            "required": message or _("Enter a time."),
            "invalid": _("Enter a time such as 14:30."),
        },
    )


def check_in_the_coming_year(value):
    today = timezone.localdate()
    if value < today:
        raise ValidationError(_("This date is in the past. Choose today or a later date."))
    if value > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError(_("Choose a date within the next year."))


class SpaceForm(forms.Form):
    use_required_attribute = False
    required_css_class = "bippop-field--required"


class PartnerSigninForm(SpaceForm):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("The one given when the structure joined. We send you a link to sign in."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address, for example nom@exemple.fr"),
        },
    )


class PartnerOfferForm(SpaceForm):
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


class EventProposalForm(SpaceForm):
    title = forms.CharField(
        label=_("Name of the event"),
        max_length=200,
        help_text=_("For example: Christmas market, shared meal, carers' café."),
        error_messages=required_message(_("Enter the name of the event.")),
    )
    date = date_field(_("Date"), message=_("Enter the date of the event."))
    start_time = time_field(_("Start time"), message=_("Enter the start time."))
    end_time = time_field(_("End time (optional)"), required=False)
    place_name = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_("For example: village hall."),
        error_messages=required_message(_("Enter the place.")),
    )
    place_address = forms.CharField(
        label=_("Address of the place (optional)"), max_length=255, required=False
    )
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    accessibility_notes = forms.CharField(
        label=_("Accessibility notes (optional)"), max_length=255, required=False
    )
    summary = forms.CharField(
        label=_("Summary (optional)"),
        max_length=255,
        required=False,
        help_text=_("One sentence shown in the agenda."),
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_date(self):
        value = self.cleaned_data["date"]
        check_in_the_coming_year(value)
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must come after the start time."))
        return data

    def moments(self):
        """(starts_at, ends_at) as aware datetimes in the site's time zone."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        starts_at = timezone.make_aware(
            datetime.datetime.combine(data["date"], data["start_time"]), zone
        )
        ends_at = (
            timezone.make_aware(datetime.datetime.combine(data["date"], data["end_time"]), zone)
            if data.get("end_time")
            else None
        )
        return starts_at, ends_at

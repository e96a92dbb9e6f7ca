"""Forms of the partner space: signing in and proposing an event (offers use OfferForm)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..public.fields import SpaceForm, check_in_the_coming_year, date_field, time_field
from ..public.forms import required_message


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

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import DayPeriod, VisitStatus, Weekday
from ..models.missions import MAX_VISIT_MINUTES
from ..models.outbox import VolunteerChannel


class SigninForm(forms.Form):
    identifier = forms.CharField(
        label=_("Your e-mail address or mobile phone number"),
        max_length=254,
        help_text=_("The one you gave when you signed up. We send you a link to sign in."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class OpenLinkForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=500)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("yes", _("Yes, I can")), ("no", _("No, not this time"))])


REPORT_STATUSES = [
    (VisitStatus.DONE.value, _("The visit took place")),
    (VisitStatus.CANCELLED.value, _("The visit was cancelled")),
    (VisitStatus.MISSED.value, _("Nobody was there / the visit was missed")),
]


class ReportForm(forms.Form):
    status = forms.ChoiceField(
        label=_("How did it go?"), choices=REPORT_STATUSES, widget=forms.RadioSelect
    )
    duration_minutes = forms.IntegerField(
        label=_("How long did it last (in minutes)?"),
        min_value=1,
        max_value=MAX_VISIT_MINUTES,
        required=False,
    )
    report = forms.CharField(
        label=_("A few words (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    worry = forms.BooleanField(
        label=_("I am worried about this person"),
        required=False,
        help_text=_("The coordinator is told at once and will call."),
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == VisitStatus.DONE and not data.get("duration_minutes"):
            raise ValidationError({"duration_minutes": _("Please give the duration of the visit.")})
        return data


class WorryForm(forms.Form):
    text = forms.CharField(
        label=_("What worries you?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The coordination is told at once and will call. In an emergency, call 15 "
            "(medical emergency) or 112 first."
        ),
    )


SLOT_CHOICES = [
    (f"{day.value}:{period.value}", f"{day.label} – {period.label}")
    for day in Weekday
    for period in DayPeriod
]


class AvailabilityForm(forms.Form):
    slots = forms.MultipleChoiceField(
        label=_("When are you usually free?"),
        choices=SLOT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def cleaned_slots(self):
        pairs = (value.split(":") for value in self.cleaned_data["slots"])
        return [(int(day), period) for day, period in pairs]


class AbsenceForm(forms.Form):
    start_date = forms.DateField(
        label=pgettext_lazy("first day of an absence", "From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_date = forms.DateField(
        label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            raise ValidationError({"end_date": _("The end date must be on or after the start.")})
        return data


class PreferencesForm(forms.Form):
    preferred_channel = forms.ChoiceField(
        label=_("How should we reach you?"),
        choices=VolunteerChannel.choices,
        widget=forms.RadioSelect,
    )
    directory_opt_in = forms.BooleanField(
        label=_("Show me in the public directory"),
        required=False,
        help_text=_("Only your first name and initial, your area and what you offer."),
    )

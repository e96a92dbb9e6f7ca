"""The phone intake form: a person and their request in one screen."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from ..models import (
    Area,
    Beneficiary,
    ContactChannel,
    IntakeChannel,
    Recurrence,
    RequesterKind,
    ServiceType,
    Territory,
)
from ..models.people import MIN_BIRTH_YEAR
from ..public.forms import SLOT_CHOICES, PublicForm, parse_slots
from .scoping import scope_form_choices

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "birth_year",
    "phone",
    "email",
    "address",
    "postcode",
    "city",
    "area",
    "preferred_channel",
    "lives_alone",
)


class PhoneIntakeForm(forms.Form):
    # The person (left empty when an existing person was chosen).
    beneficiary = forms.ModelChoiceField(
        queryset=Beneficiary.objects.all(), required=False, widget=forms.HiddenInput
    )
    territory = forms.ModelChoiceField(queryset=Territory.objects.all(), label=_("Territory"))
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        validators=[MinValueValidator(MIN_BIRTH_YEAR)],
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("Town"), max_length=120, required=False)
    area = forms.ModelChoiceField(queryset=Area.objects.all(), label=_("Area"), required=False)
    preferred_channel = forms.ChoiceField(
        label=_("How to reach them"),
        choices=ContactChannel.choices,
        initial=ContactChannel.PHONE,
        required=False,
    )
    lives_alone = forms.NullBooleanField(label=_("Lives alone"), required=False)
    # The request.
    services = forms.ModelMultipleChoiceField(
        queryset=ServiceType.objects.filter(is_active=True),
        label=_("What help is wanted"),
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("In their words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    recurrence = forms.ChoiceField(
        label=_("How often"), choices=Recurrence.choices, initial=Recurrence.ONE_OFF
    )
    # The same days × times of day as the public form, read back the same way.
    wanted_slots = forms.MultipleChoiceField(
        label=_("Which days and times suit the person?"),
        choices=SLOT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick as many as you like, or none if any time is fine."),
    )
    wanted_from = forms.DateField(
        label=_("Wanted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(
        label=_("Received through"), choices=IntakeChannel.choices, initial=IntakeChannel.PHONE
    )
    requester_kind = forms.ChoiceField(
        label=_("Who is calling"), choices=RequesterKind.choices, initial=RequesterKind.SELF
    )
    requester_name = forms.CharField(
        label=_("Caller's name (if not the person)"), max_length=150, required=False
    )
    requester_phone = forms.CharField(label=_("Caller's phone"), max_length=20, required=False)
    # Consent, said aloud and recorded with who took it and when.
    consent = forms.BooleanField(
        label=_("The person agrees that we keep their details to organise the help"),
        help_text=_("Read the short notice aloud, then tick once they said yes."),
    )
    consent_given_by = forms.CharField(
        label=_("Consent given by (if not the person)"), max_length=150, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form_choices(self, user)
        territories = list(self.fields["territory"].queryset[:2])
        if len(territories) == 1:
            self.fields["territory"].initial = territories[0].pk
            self.fields["territory"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        beneficiary = cleaned.get("beneficiary")
        territory = cleaned.get("territory")
        if beneficiary is not None:
            if territory and beneficiary.territory_id != territory.pk:
                raise ValidationError(_("This person belongs to another territory."))
            return cleaned
        for name in ("first_name", "last_name"):
            if not cleaned.get(name):
                self.add_error(name, _("This field is required."))
        year = cleaned.get("birth_year")
        if year and year > datetime.date.today().year:
            self.add_error("birth_year", _("The year of birth cannot be in the future."))
        if territory:
            for name in ("services", "area"):
                value = cleaned.get(name)
                items = value if name == "services" else [value] if value else []
                if any(item.territory_id != territory.pk for item in items):
                    self.add_error(name, _("This belongs to another territory."))
        return cleaned

    @property
    def wanted_slot_days(self):
        """The checkboxes grouped by day, as the public form's week grid shows them."""
        return PublicForm.slots_by_day(self, "wanted_slots")

    def wanted_slot_pairs(self):
        return parse_slots(self.cleaned_data.get("wanted_slots") or [])

    def person_fields(self):
        fields = {name: self.cleaned_data.get(name) for name in PERSON_FIELDS}
        for name, value in fields.items():
            if value is None and name not in ("birth_year", "area", "lives_alone"):
                fields[name] = ""
        fields["preferred_channel"] = fields["preferred_channel"] or ContactChannel.PHONE
        return fields

    def request_fields(self):
        data = self.cleaned_data
        return {
            "description": data["description"],
            "recurrence": data["recurrence"],
            "wanted_from": data["wanted_from"],
            "requester_kind": data["requester_kind"],
            "requester_name": data["requester_name"],
            "requester_phone": data["requester_phone"],
        }

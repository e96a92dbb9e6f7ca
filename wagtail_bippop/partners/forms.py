"""The public form through which a structure asks to join the network.

Same rules as the other public forms (``public/forms.py``): checked on the server, with a
replay key and a spam trap; nothing is stored until every answer is right.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import OrganisationKind
from ..public.forms import PublicForm, required_message

DUPLICATE_NAME = _(
    "A structure with this name is already part of the network or has already asked to join. "
    "Call us if you think it is a mistake."
)


class PartnerJoinForm(PublicForm):
    name = forms.CharField(
        label=_("Name of the structure"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages=required_message(_("Enter the name of the structure.")),
    )
    kind = forms.ChoiceField(
        label=_("Kind of structure"),
        choices=[("", _("Choose…"))] + list(OrganisationKind.choices),
        error_messages=required_message(_("Choose the kind of structure.")),
    )
    description = forms.CharField(
        label=_("Who you are, in a few words"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown in the public directory once the structure is approved."),
        error_messages=required_message(_("Say in a few words who you are.")),
    )
    offers_summary = forms.CharField(
        label=_("What you can offer to the network"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: a weekly meal, outings, a café for carers, volunteers."),
        error_messages=required_message(_("Say what the structure can offer.")),
    )
    address = forms.CharField(
        label=_("Address (optional)"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    website = forms.URLField(
        label=_("Website (optional)"),
        max_length=200,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
        help_text=_("For example https://www.club-aines.fr"),
        error_messages={"invalid": _("Enter a web address, for example https://www.club.fr")},
    )
    first_name = forms.CharField(
        label=_("Your first name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages=required_message(_("Enter your first name.")),
    )
    last_name = forms.CharField(
        label=_("Your last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages=required_message(_("Enter your last name.")),
    )
    role = forms.CharField(
        label=_("Your role in the structure"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
        help_text=_("For example: president, director, volunteer in charge."),
        error_messages=required_message(_("Enter your role in the structure.")),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send the link to publish offers and events to this address."),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address, for example nom@exemple.fr"),
        },
    )
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("For example 06 12 34 56 78."),
        error_messages=required_message(_("Enter your phone number.")),
    )
    charter = forms.BooleanField(
        label=_("We have read the charter of the network and we accept it."),
        error_messages=required_message(_("Tick this box to accept the charter.")),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the town's social services use this information to study our request."
        ),
        error_messages=required_message(_("Tick this box so that we can study your request.")),
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(self.fields["name"].error_messages["required"])
        if self.territory.organisations.filter(name__iexact=name).exists() and not self.is_replay(
            name
        ):
            raise ValidationError(DUPLICATE_NAME)
        return name

    def is_replay(self, name):
        """The same sign-up sent twice (double click, back button): not a duplicate."""
        from .submissions import replayed_organisation

        return replayed_organisation(self.territory, name, self.data.get("email", "")) is not None

    def clean_phone(self):
        return self.clean_phone_field("phone", required=True)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

"""The two public forms: asking for help and signing up as a volunteer.

Plain Django forms: every rule is checked on the server (the browser's own validation is
switched off so that messages are the same for everyone, next to each field).
"""

import datetime
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    Area,
    DayPeriod,
    EventPage,
    Offer,
    Organisation,
    OrganisationStatus,
    Recurrence,
    RequesterKind,
    ServiceType,
    Weekday,
)
from ..phones import normalise_phone
from .fields import clean_text_data

NAME_MAX = 100
HONEYPOT_FIELD = "homepage"


def slot_value(weekday, period):
    return f"{weekday}-{period}"


SLOT_CHOICES = [
    (slot_value(day.value, period.value), f"{day.label} – {period.label}")
    for day in Weekday
    for period in DayPeriod
]


def parse_slots(values):
    """``["0-morning", …]`` → ``[(0, "morning"), …]`` (values were checked by the field)."""
    pairs = []
    for value in values:
        day, _sep, period = value.partition("-")
        pairs.append((int(day), period))
    return pairs


def _parse_key(value):
    try:
        return uuid.UUID(str(value or ""))
    except ValueError:
        return None


def required_message(text):
    return {"required": text}


# The catalogue's service for going to an event together (see models.catalogue).
EVENT_COMPANION_SERVICE = "accompagnement-evenement"


def open_offers(territory):
    """Offers a resident can still ask to join: current, approved, with a place left.

    Offers to accompany someone to an event are not joined this way: the event's own
    "I need someone to go with me" leads to the coordinator's pairing.
    """
    return Offer.objects.current().filter(
        territory=territory, event__isnull=True, places_taken__lt=F("capacity")
    )


def coming_events(section):
    """Live events of the section that have not started yet."""
    if section is None:
        return EventPage.objects.none()
    return (
        EventPage.objects.live()
        .public()
        .descendant_of(section)
        .filter(starts_at__gte=timezone.now())
    )


# Largest id a database column can hold: larger numbers typed in a URL or a form are not
# sent to the database (SQLite raises OverflowError, PostgreSQL an out-of-range error).
MAX_ID = 2**63 - 1


def _find(queryset, value):
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    if not 0 < pk <= MAX_ID:
        return None
    return queryset.filter(pk=pk).first()


def safe_id(value):
    """``value`` unchanged, unless it is a number no row can have: then "0" (no such row)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return value
    return value if 0 <= number <= MAX_ID else "0"


class PublicForm(forms.Form):
    """What both forms share: a replay key, a honeypot, no browser-side validation."""

    use_required_attribute = False
    required_css_class = "bippop-field--required"

    # Read leniently: a hidden field must never show an error to a person.
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    # Spam trap: hidden from everyone (CSS and aria-hidden); only robots fill it in.
    homepage = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, territory, section=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.territory = territory
        # The section's home page: where the form's page lives (events are looked up under it).
        self.section = section
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
        elif not _parse_key(self.data.get("submission_key")):
            # Keep one key across the error round-trips of this visit, even without one sent.
            self.data = self.data.copy()
            self.data["submission_key"] = str(uuid.uuid4())
        if self.is_bound:
            self._bound_ids()
            clean_text_data(self)
        for name in self.territory_fields:
            self.fields[name].queryset = self.fields[name].queryset.filter(territory=territory)

    territory_fields = ()

    def _bound_ids(self):
        """Ids sent back for choices: a number out of the database's range is no choice."""
        data = None
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or name not in self.data:
                continue
            if data is None:
                data = self.data = self.data.copy()
            if hasattr(data, "getlist"):
                data.setlist(name, [safe_id(value) for value in data.getlist(name)])
            elif isinstance(data[name], list | tuple):
                data[name] = [safe_id(value) for value in data[name]]
            else:
                data[name] = safe_id(data[name])

    @property
    def is_spam(self):
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    def get_submission_key(self):
        # A missing or forged key must not stop a genuine person: a fresh one was given.
        return _parse_key(self.data.get("submission_key")) or uuid.uuid4()

    def clean_phone_field(self, name, *, required):
        value = self.cleaned_data.get(name, "")
        if not value:
            if required:
                raise ValidationError(self.fields[name].error_messages["required"])
            return ""
        return normalise_phone(value)

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT_FIELD]

    def slots_by_day(self, name):
        """The day × time-of-day checkboxes of ``name``: ``[(day, [(box, period), …]), …]``."""
        boxes = list(self[name])
        periods = [period.label for period in DayPeriod]
        per_day = len(periods)
        return [
            (day.label, list(zip(boxes[i * per_day : (i + 1) * per_day], periods, strict=True)))
            for i, day in enumerate(Weekday)
        ]


class ContactFieldsMixin(forms.Form):
    first_name = forms.CharField(
        max_length=NAME_MAX,
        error_messages=required_message(_("Enter the first name.")),
    )
    last_name = forms.CharField(
        max_length=NAME_MAX,
        error_messages=required_message(_("Enter the last name.")),
    )
    phone = forms.CharField(
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
        help_text=_("For example 06 12 34 56 78."),
        error_messages=required_message(_("Enter a phone number.")),
    )
    address = forms.CharField(max_length=255, required=False)
    postcode = forms.CharField(
        max_length=10, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    area = forms.ModelChoiceField(queryset=Area.objects.all(), required=False)
    services = forms.ModelMultipleChoiceField(
        queryset=ServiceType.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages=required_message(_("Choose at least one kind of help.")),
    )

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].replace(" ", "")
        if value and not (value.isascii() and value.isdigit() and len(value) == 5):
            raise ValidationError(_("A postcode has five digits, for example 60999."))
        return value


class HelpRequestForm(ContactFieldsMixin, PublicForm):
    territory_fields = ("area", "services")

    requester_kind = forms.ChoiceField(
        label=_("Who is filling in this form?"),
        choices=[
            (RequesterKind.SELF, _("I am asking for myself")),
            (RequesterKind.RELATIVE, _("I am asking for a relative or a neighbour")),
            (RequesterKind.PROFESSIONAL, _("I am a professional")),
        ],
        initial=RequesterKind.SELF,
        widget=forms.RadioSelect,
        error_messages=required_message(_("Say who is filling in this form.")),
    )
    requester_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages=required_message(_("Enter your name.")),
    )
    requester_phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        required=False,
        help_text=_("For example 06 12 34 56 78."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages=required_message(_("Enter your phone number.")),
    )
    requester_organisation = forms.CharField(
        label=_("Your organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages=required_message(_("Enter the name of your organisation.")),
    )
    recurrence = forms.ChoiceField(
        label=_("How often?"),
        choices=Recurrence.choices,
        initial=Recurrence.ONE_OFF,
        widget=forms.RadioSelect,
        error_messages=required_message(_("Choose how often help is wanted.")),
    )
    wanted_slots = forms.MultipleChoiceField(
        label=_("Which days and times suit the person?"),
        choices=SLOT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick as many as you like, or none if any time is fine."),
    )
    wanted_from = forms.DateField(
        label=_("From when? (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"],
        help_text=_("For example 15/06/2027."),
    )
    description = forms.CharField(
        label=_("Anything else we should know? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Do not write health details here: the coordinator will ask you."),
    )
    email = forms.EmailField(
        label=_("E-mail address (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send your reference number to this address."),
    )
    consent = forms.BooleanField(
        label=_("I agree that the town's social services use this information to organise help."),
        error_messages=required_message(_("Tick this box so that we can process the request.")),
    )
    # Set from the offers board ("?offre=<id>") or an event page ("?evenement=<id>").
    offer = forms.ModelChoiceField(
        queryset=Offer.objects.none(), required=False, widget=forms.HiddenInput
    )
    event = forms.ModelChoiceField(
        queryset=EventPage.objects.none(), required=False, widget=forms.HiddenInput
    )

    field_order = [
        "requester_kind",
        "requester_name",
        "requester_phone",
        "requester_organisation",
        "first_name",
        "last_name",
        "phone",
        "address",
        "postcode",
        "area",
        "services",
        "recurrence",
        "wanted_slots",
        "wanted_from",
        "description",
        "email",
        "consent",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "first_name": _("First name of the person who needs help"),
            "last_name": _("Last name of the person who needs help"),
            "phone": _("Phone number of the person who needs help"),
            "address": _("Address of the person who needs help"),
            "postcode": _("Postcode (optional)"),
            "area": _("Neighbourhood (optional)"),
            "services": _("What kind of help?"),
        }
        for name, label in labels.items():
            self.fields[name].label = label
        self.fields["address"].required = True
        self.fields["address"].error_messages["required"] = _("Enter the address.")
        self.fields["area"].empty_label = _("I don't know")
        self.fields["offer"].queryset = open_offers(self.territory)
        self.fields["event"].queryset = coming_events(self.section)
        self.lost_choice = False
        if self.is_bound:
            self._drop_lost_choice()

    def _drop_lost_choice(self):
        """An offer that filled up or an event that passed since the page was opened.

        The person is told, not blocked: the value is dropped, so sending again makes an
        ordinary request with everything else they typed.
        """
        for name in ("offer", "event"):
            value = self.data.get(name)
            if not value:
                continue
            try:
                found = self.fields[name].queryset.filter(pk=int(value)).exists()
            except (TypeError, ValueError):
                found = False
            if not found:
                self.data = self.data.copy()
                self.data[name] = ""
                self.lost_choice = True

    def prefill(self, query):
        """Fill the form from ``?offre=<id>`` or ``?evenement=<id>``; unknown ids are ignored."""
        offer = _find(self.fields["offer"].queryset.select_related("service"), query.get("offre"))
        if offer is not None:
            self.initial["offer"] = offer.pk
            self.initial["services"] = [offer.service_id]
            return
        event = _find(self.fields["event"].queryset, query.get("evenement"))
        if event is not None:
            self.initial["event"] = event.pk
            service = self.territory.services.filter(
                slug=EVENT_COMPANION_SERVICE, is_active=True
            ).first()
            if service is not None:
                self.initial["services"] = [service.pk]

    @property
    def chosen_offer(self):
        return self._chosen("offer")

    @property
    def chosen_event(self):
        return self._chosen("event")

    def _chosen(self, name):
        """The offer or event this form is about, for the summary shown above it."""
        cache_name = f"_chosen_{name}"
        if not hasattr(self, cache_name):
            value = self.data.get(name) if self.is_bound else self.initial.get(name)
            queryset = self.fields[name].queryset
            if name == "offer":
                queryset = queryset.select_related("service", "area")
            setattr(self, cache_name, _find(queryset, value))
        return getattr(self, cache_name)

    @property
    def wanted_slot_days(self):
        return self.slots_by_day("wanted_slots")

    def asks_for_someone_else(self):
        return self.cleaned_data.get("requester_kind", RequesterKind.SELF) != RequesterKind.SELF

    def clean_phone(self):
        # Required only when asking for oneself: checked in clean(), once the kind is known.
        return self.clean_phone_field("phone", required=False)

    def clean_requester_phone(self):
        return self.clean_phone_field("requester_phone", required=False)

    def clean_wanted_from(self):
        value = self.cleaned_data["wanted_from"]
        if value and value < timezone.localdate():
            raise ValidationError(_("This date is in the past. Choose today or a later date."))
        if value and value > timezone.localdate() + datetime.timedelta(days=366):
            raise ValidationError(_("Choose a date within the next year."))
        return value

    def clean(self):
        data = super().clean()
        kind = data.get("requester_kind")
        if kind == RequesterKind.SELF:
            if not data.get("phone") and "phone" not in self.errors:
                self.add_error("phone", _("Enter your phone number so that we can call you."))
        elif kind:
            for name in ("requester_name", "requester_phone"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, self.fields[name].error_messages["required"])
            if kind == RequesterKind.PROFESSIONAL and not data.get("requester_organisation"):
                self.add_error(
                    "requester_organisation",
                    self.fields["requester_organisation"].error_messages["required"],
                )
        if self.lost_choice:
            self.add_error(
                None,
                _(
                    "The outing you chose is no longer open: it is full or it is over. "
                    "Send the form again to ask for help all the same, or go back to choose "
                    "another one."
                ),
            )
        return data


class VolunteerSignupForm(ContactFieldsMixin, PublicForm):
    territory_fields = ("area", "services", "organisation")

    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send your confirmation to this address."),
        error_messages=required_message(_("Enter your e-mail address.")),
    )
    availability = forms.MultipleChoiceField(
        label=_("When are you usually available?"),
        choices=SLOT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the half-days that suit you. You can change them later."),
    )
    has_car = forms.BooleanField(label=_("I have a car"), required=False)
    mobility_radius_km = forms.IntegerField(
        label=_("How far can you go? (kilometres)"),
        min_value=0,
        max_value=100,
        initial=2,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages=required_message(_("Enter a distance in kilometres, for example 2.")),
    )
    organisation = forms.ModelChoiceField(
        label=_("Are you a member of a partner association? (optional)"),
        queryset=Organisation.objects.filter(status=OrganisationStatus.APPROVED),
        required=False,
    )
    directory_opt_in = forms.BooleanField(
        label=_("Show my first name, initial, neighbourhood and services in the public directory"),
        help_text=_("Never your address, phone number or e-mail."),
        required=False,
    )
    charter = forms.BooleanField(
        label=_("I have read the volunteer charter and I accept it."),
        error_messages=required_message(_("Tick this box to accept the charter.")),
    )
    consent = forms.BooleanField(
        label=_("I agree that the town's social services use this information to organise help."),
        error_messages=required_message(_("Tick this box so that we can record your offer.")),
    )

    field_order = [
        "first_name",
        "last_name",
        "phone",
        "email",
        "address",
        "postcode",
        "area",
        "services",
        "availability",
        "has_car",
        "mobility_radius_km",
        "organisation",
        "directory_opt_in",
        "charter",
        "consent",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "phone": _("Phone number"),
            "address": _("Address (optional)"),
            "postcode": _("Postcode (optional)"),
            "area": _("Your neighbourhood (optional)"),
            "services": _("What would you like to do?"),
        }
        for name, label in labels.items():
            self.fields[name].label = label
        autocomplete = {
            "first_name": "given-name",
            "last_name": "family-name",
            "phone": "tel",
            "address": "street-address",
            "postcode": "postal-code",
        }
        for name, token in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["area"].empty_label = _("I don't know")
        self.fields["organisation"].empty_label = _("No")

    @property
    def availability_days(self):
        return self.slots_by_day("availability")

    def clean_phone(self):
        return self.clean_phone_field("phone", required=True)

"""The public request to be put on the vulnerable persons register: form and recording.

Served like the other public forms (per-client limit, spam trap, replay key, redirect to a
confirmation page); the person's agreement is stored with the entry.
"""

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from ..models.register import RegisterChannel, RegisterEntry, RegisterRequester
from ..phones import normalise_phone
from .forms import PublicForm

AGREEMENT_WORDING = _(
    "The person agrees to be on the register. The information is used only to "
    "contact them during a heatwave, a cold spell or another emergency."
)


class RegisterRequestForm(PublicForm, forms.ModelForm):
    """The public request: the shared replay key and spam trap of the public forms."""

    agreement = forms.BooleanField(label=AGREEMENT_WORDING)

    class Meta:
        model = RegisterEntry
        fields = [
            "requested_by",
            "requester_name",
            "requester_relation",
            "requester_phone",
            "first_name",
            "last_name",
            "birth_date",
            "category",
            "address",
            "phone",
            "lives_alone",
            "emergency_contact",
            "emergency_phone",
            "home_services",
        ]
        widgets = {
            "requested_by": forms.RadioSelect,
            "category": forms.RadioSelect,
            "birth_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, territory, section=None, **kwargs):
        super().__init__(*args, territory=territory, section=section, **kwargs)
        self.instance.territory = territory
        self.instance.channel = RegisterChannel.WEB
        autocomplete = {
            "first_name": "given-name",
            "last_name": "family-name",
            "address": "street-address",
            "phone": "tel",
            "birth_date": "bday",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        for name in ("requested_by", "category"):
            # Radio buttons: no empty "---------" choice.
            field = self.fields[name]
            field.choices = [choice for choice in field.choices if choice[0]]

    def clean(self):
        data = super().clean()
        for name in ("phone", "emergency_phone", "requester_phone"):
            if data.get(name):
                data[name] = normalise_phone(data[name])
        return data

    def save(self, commit=True):
        entry = super().save(commit=False)
        entry.submission_key = self.get_submission_key()
        if entry.requested_by == RegisterRequester.SELF:
            entry.requester_name = entry.requester_relation = entry.requester_phone = ""
        # The agreement as given: when, the exact wording shown, and the channel.
        entry.agreement_at = timezone.now()
        entry.agreement_wording = str(self.fields["agreement"].label)
        entry.agreement_channel = RegisterChannel.WEB
        return entry


def record_registration(form):
    """Store the request once, even when the form is sent twice."""
    key = form.get_submission_key()
    existing = RegisterEntry.objects.filter(submission_key=key).first()
    if existing:
        return existing
    entry = form.save(commit=False)
    entry.submission_key = key
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        return RegisterEntry.objects.get(submission_key=key)
    log(entry, "wagtail_bippop.register_request", user=None)
    return entry

"""Public page to ask for a registration on the vulnerable persons register.

Registration happens only at the request of the person or of a third party (CASF
L121-6-1); the town acknowledges it within 8 days. The entry goes into the register only,
never into the beneficiaries of the solidarity network.
"""

import uuid

from django import forms
from django.db import IntegrityError, transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import Page

from .models.register import RegisterChannel, RegisterEntry, RegisterRequester
from .pages import FormPageMixin
from .phones import normalise_phone


class RegisterRequestForm(forms.ModelForm):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    agreement = forms.BooleanField(
        label=_(
            "The person agrees to be on the register. The information is used only to "
            "contact them during a heatwave, a cold spell or another emergency."
        ),
    )

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

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
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
        if not self.is_bound:
            self.initial["submission_key"] = uuid.uuid4()

    def clean(self):
        data = super().clean()
        for name in ("phone", "emergency_phone", "requester_phone"):
            if data.get(name):
                data[name] = normalise_phone(data[name])
        return data

    def save(self, commit=True):
        entry = super().save(commit=False)
        entry.submission_key = self.cleaned_data["submission_key"]
        if entry.requested_by == RegisterRequester.SELF:
            entry.requester_name = entry.requester_relation = entry.requester_phone = ""
        return entry


def record_registration(form):
    """Store the request once, even when the form is sent twice."""
    key = form.cleaned_data["submission_key"]
    existing = RegisterEntry.objects.filter(submission_key=key).first()
    if existing:
        return existing
    entry = form.save(commit=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        return RegisterEntry.objects.get(submission_key=key)
    log(entry, "wagtail_bippop.register_request", user=None)
    return entry


class RegisterPageMixin(FormPageMixin):
    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        territory = self.get_territory()
        if request.method == "POST":
            form = RegisterRequestForm(request.POST, territory=territory)
            if form.is_valid():
                entry = record_registration(form)
                context = self.get_context(request)
                context.update(entry=entry, sent=True)
                return TemplateResponse(request, self.get_template(request), context)
        else:
            form = RegisterRequestForm(territory=territory)
        context = self.get_context(request)
        context["form"] = form
        return TemplateResponse(request, self.get_template(request), context)


class RegisterPage(RegisterPageMixin, Page):
    template = "wagtail_bippop/register/register_page.html"
    parent_page_types = ["wagtail_bippop.SolidarityIndexPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("vulnerable persons register form")

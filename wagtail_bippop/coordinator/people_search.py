"""Finding a person by name or phone, however it was typed ("lefevre", "06 11 22 33 55")."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm

from ..models.people import name_key
from ..phones import normalise_phone


def person_match(query):
    """A filter on beneficiaries or volunteers, or None when the query is too short."""
    query = (query or "").strip()
    if len(query) < 2:
        return None
    match = Q(name_key__contains=name_key("", query))
    try:
        phone = normalise_phone(query)
    except ValidationError:
        phone = ""
    if phone:
        match |= Q(phone=phone)
    return match


class PersonSearchForm(BaseFilterForm):
    """Search field of the person choosers."""

    q = forms.CharField(
        label=_("Name or phone"),
        widget=forms.TextInput(attrs={"placeholder": _("Name or phone")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q")
        match = person_match(query)
        if match is not None:
            objects = objects.filter(match)
            self.is_searching = True
            self.search_query = query
        return objects

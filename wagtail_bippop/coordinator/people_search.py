"""Finding a person by name or phone, however it was typed ("lefevre", "06 11 22 33 55")."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm

from ..models.people import name_key
from ..phones import normalise_phone


def person_match(query, prefix=""):
    """A filter on beneficiaries or volunteers, or None when the query is too short.

    Every word typed must be in the person's name, in any order and whatever the accents,
    case or hyphens: "Germaine Roux", "roux germaine" and "Roux" find Germaine Roux.
    ``prefix`` is the path from the searched model to the person ("request__beneficiary").
    """
    query = (query or "").strip()
    if len(query) < 2:
        return None
    field = f"{prefix}__" if prefix else ""
    words = name_key("", query).split()
    match = Q()
    for word in words:
        match &= Q(**{f"{field}name_key__contains": word})
    if not words:
        match = Q(pk__in=[])
    try:
        phone = normalise_phone(query)
    except ValidationError:
        phone = ""
    if phone:
        match |= Q(**{f"{field}phone": phone})
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

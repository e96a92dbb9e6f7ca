"""Who sees which records: every coordinator view goes through the territory scope.

A coordinator sees only the territories they work for (``TerritoryAccess``); a superuser
sees them all; the read-only role and anyone without access see no record at all.
Listing, export, inspect, edit, delete, history, usage, chooser and search views are all
built from the mixins below, so that a record of another territory is a 404 everywhere.
"""

from django import forms
from django.http import Http404

from ..models import (
    Area,
    Beneficiary,
    ContactLog,
    HelpRequest,
    Mission,
    Offer,
    OfferParticipation,
    Organisation,
    ServiceType,
    Solicitation,
    Territory,
    TrainingSession,
    Visit,
    Volunteer,
)
from ..roles import is_read_only, territories_for_user

# How each model reaches its territory (a field path usable in ``filter``).
TERRITORY_PATHS = {
    Territory: "pk",
    Area: "territory",
    ServiceType: "territory",
    Organisation: "territory",
    Beneficiary: "territory",
    Volunteer: "territory",
    HelpRequest: "territory",
    TrainingSession: "territory",
    Mission: "request__territory",
    Solicitation: "request__territory",
    Visit: "mission__request__territory",
    ContactLog: "beneficiary__territory",
    Offer: "territory",
    OfferParticipation: "offer__territory",
}


def territory_path(model):
    try:
        return TERRITORY_PATHS[model]
    except KeyError:
        raise LookupError(f"No territory scope is defined for {model.__name__}.")


def scope_queryset(queryset, user):
    """Restrict ``queryset`` to the records ``user`` may see (a single SQL query)."""
    if user.is_superuser:
        return queryset
    if is_read_only(user):
        return queryset.none()
    path = territory_path(queryset.model)
    return queryset.filter(**{f"{path}__in": territories_for_user(user)})


def can_see(user, instance):
    return scope_queryset(type(instance)._default_manager.filter(pk=instance.pk), user).exists()


def get_scoped_object_or_404(model, user, **lookup):
    try:
        return scope_queryset(model._default_manager.all(), user).get(**lookup)
    except (model.DoesNotExist, ValueError):
        raise Http404


class ScopedListingMixin:
    """For index (and export) views and chooser listings."""

    def get_base_queryset(self):
        return scope_queryset(super().get_base_queryset(), self.request.user)

    def get_object_list(self):
        return scope_queryset(super().get_object_list(), self.request.user)


class ScopedObjectMixin:
    """For views on one record: a record out of scope does not exist for this user."""

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        if instance is not None and not can_see(self.request.user, instance):
            raise Http404
        return instance


class ScopedChosenMixin:
    def get_object(self, pk):
        return scope_queryset(self.model_class._default_manager.all(), self.request.user).get(pk=pk)

    def get_objects(self, pks):
        return scope_queryset(super().get_objects(pks), self.request.user)


def scope_form_choices(form, user):
    """Limit every model choice of ``form`` to records of ``user``'s territories."""
    if user is None:
        return
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.queryset.model in TERRITORY_PATHS:
            field.queryset = scope_queryset(field.queryset, user)


class ScopedFilterMixin:
    """A filterset whose choices (area, service, territory…) stay within the user's scope."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            scope_form_choices(self.form, request.user)

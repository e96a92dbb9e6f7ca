"""Offers of help in the coordinator section: moderation and the residents who take part.

The list shows the offers of the coordinator's territories, those waiting for approval
first. Each offer has a moderation page (approve, reject with a reason, withdraw) that also
lists the participations with their confirm / decline / cancel buttons.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn

from ..models import (
    Area,
    Offer,
    OfferParticipation,
    OfferStatus,
    ParticipationStatus,
    ServiceType,
    Territory,
)
from ..offers import participation as participations
from ..offers import services
from .filters import ScopedFilterSet
from .forms import ScopedAdminForm
from .views import generic as views
from .views.base import CoordinatorView
from .viewsets import CHOICE_HEADINGS, ScopedModelViewSet

URL_NAME = "bippop_offers"


def offer_url(name, *args):
    return reverse(f"{URL_NAME}:{name}", args=args)


class OfferFilterSet(ScopedFilterSet):
    territory = django_filters.ModelChoiceFilter(
        queryset=Territory.objects.all(), label=_("Territory")
    )
    service = django_filters.ModelChoiceFilter(
        queryset=ServiceType.objects.all(), label=_("Service")
    )
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), label=_("Area"))

    class Meta:
        model = Offer
        fields = ["status", "recurrence"]


class OfferIndexView(views.ScopedIndexView):
    # Offers waiting for approval first, then the published ones, soonest first.
    default_ordering = ("moderation_rank", "first_date")

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("service", "area", "volunteer", "organisation")
            .annotate(
                asked=Count(
                    "participations",
                    filter=Q(participations__status=ParticipationStatus.ASKED),
                ),
                moderation_rank=Case(
                    When(status=OfferStatus.PENDING, then=Value(0)),
                    When(status=OfferStatus.APPROVED, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                ),
            )
        )


class OfferCreateView(views.ScopedCreateView):
    def save_instance(self):
        offer = super().save_instance()
        # Typed by a coordinator for a volunteer or a structure: no second check needed.
        return services.created_by_coordinator(offer, user=self.request.user)


class OfferAdminForm(ScopedAdminForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last_date = self.fields.get("last_date")
        if last_date is not None:
            # A one-off offer ends on its date: the model fills the last date in.
            last_date.required = False
            last_date.help_text = _("Only for an offer that repeats.")


def offered_by(offer):
    names = [str(author) for author in (offer.volunteer, offer.organisation) if author]
    return " – ".join(names)


def places(offer):
    return f"{offer.places_taken} / {offer.capacity}"


class OfferViewSet(ScopedModelViewSet):
    model = Offer
    name = URL_NAME
    icon = "calendar-check"
    menu_label = _("Offers of help")
    menu_order = 450
    index_view_class = OfferIndexView
    add_view_class = OfferCreateView
    filterset_class = OfferFilterSet
    base_form_class = OfferAdminForm
    search_fields = ["title", "volunteer__last_name", "organisation__name"]
    list_display = [
        Column("title", label=_("Title"), sort_key="title"),
        StatusTagColumn(
            "get_status_display",
            label=_("Status"),
            sort_key="status",
            primary=lambda obj: obj.status == OfferStatus.PENDING,
        ),
        DateColumn("first_date", label=_("Date"), sort_key="first_date"),
        Column("recurrence", label=_("Frequency"), accessor="get_recurrence_display"),
        Column("service", label=_("Service")),
        Column("area", label=_("Area")),
        Column("places", label=_("Places taken"), accessor=places),
        Column("asked", label=_("Waiting to be confirmed"), sort_key="asked"),
        Column("offered_by", label=_("Offered by"), accessor=offered_by),
    ]
    list_export = [
        "title",
        "get_status_display",
        "service",
        "area",
        "first_date",
        "last_date",
        "get_recurrence_display",
        "capacity",
        "places_taken",
        "volunteer",
        "organisation",
    ]
    export_headings = dict(CHOICE_HEADINGS)
    export_filename = "offers"
    inspect_view_fields_exclude = ["id", "weekday"]
    panels = [
        FieldPanel("territory"),
        MultiFieldPanel(
            [FieldPanel("volunteer"), FieldPanel("organisation")],
            heading=_("Offered by"),
        ),
        FieldPanel("service"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("area"), FieldPanel("meeting_point")]),
        FieldPanel("recurrence"),
        FieldRowPanel([FieldPanel("first_date"), FieldPanel("last_date")]),
        FieldRowPanel([FieldPanel("period"), FieldPanel("start_time")]),
        FieldPanel("capacity"),
        MultiFieldPanel(
            [
                FieldPanel("step_free"),
                FieldPanel("car_available"),
                FieldPanel("accessibility_notes"),
            ],
            heading=_("Access"),
        ),
    ]

    def object_actions(self, user, instance):
        return [(_("Moderation and participants"), offer_url("moderation", instance.pk), "tasks")]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/moderation/", OfferModerationView.as_view(), name="moderation"),
            path(
                "participations/<int:pk>/",
                ParticipationActionView.as_view(),
                name="participation",
            ),
        ]


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (required to reject)"),
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


MODERATION_ACTIONS = {
    "approve": (OfferStatus.APPROVED, _("Approve and publish"), _("The offer is published.")),
    "reject": (OfferStatus.REJECTED, _("Reject"), _("The offer is rejected.")),
    "withdraw": (OfferStatus.WITHDRAWN, _("Withdraw"), _("The offer is withdrawn.")),
}


class OfferModerationView(CoordinatorView):
    template_name = "wagtail_bippop/offers/admin_moderation.html"
    permission_required = "wagtail_bippop.change_offer"
    header_icon = "calendar-check"

    def get_page_title(self):
        return _("Moderation and participants")

    def get_page_subtitle(self):
        return str(self.offer)

    def dispatch(self, request, *args, pk, **kwargs):
        self.offer = self.get_scoped(Offer, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offer = self.offer
        context.update(
            offer=offer,
            actions=[
                (name, label)
                for name, (status, label, _done) in MODERATION_ACTIONS.items()
                if offer.status in services.ALLOWED_FROM[status]
            ],
            participations=offer.participations.select_related(
                "request__beneficiary__area", "decided_by"
            ).order_by("asked_at"),
            edit_url=reverse(f"{URL_NAME}:edit", args=[offer.pk]),
            can_decide=self.request.user.has_perm(ParticipationActionView.permission_required),
        )
        context.setdefault("form", RejectionForm())
        return context

    def post(self, request, *args, **kwargs):
        form = RejectionForm(request.POST)
        action = MODERATION_ACTIONS.get(request.POST.get("action"))
        if action is None or not form.is_valid():
            form.add_error(None, _("Choose one of the buttons."))
            return self.render_to_response(self.get_context_data(form=form))
        status, _label, done = action
        try:
            services.moderate(
                self.offer, status, user=request.user, reason=form.cleaned_data["reason"]
            )
        except services.ModerationError as error:
            form.add_error("reason" if status == OfferStatus.REJECTED else None, error.message)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, done)
        return redirect(offer_url("moderation", self.offer.pk))


PARTICIPATION_ACTIONS = {
    "confirm": (participations.confirm, _("Participation confirmed: one place is taken.")),
    "decline": (participations.decline, _("Participation declined.")),
    "cancel": (participations.cancel, _("Participation cancelled: the place is free again.")),
}


class ParticipationActionView(CoordinatorView):
    """Confirm, decline or cancel one participation (POST only), then back to the offer."""

    permission_required = "wagtail_bippop.change_offerparticipation"
    http_method_names = ["post"]

    def dispatch(self, request, *args, pk, **kwargs):
        self.participation = self.get_scoped(OfferParticipation, pk)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        action = PARTICIPATION_ACTIONS.get(request.POST.get("action"))
        if action is None:
            return HttpResponseBadRequest()
        function, done = action
        try:
            function(self.participation, user=request.user)
        except participations.ParticipationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
        return redirect(offer_url("moderation", self.participation.offer_id))

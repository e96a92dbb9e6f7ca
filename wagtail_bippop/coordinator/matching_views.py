"""The suggestions page of a request: ranked volunteers, asking them, their answers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..matching import suggest_volunteers
from ..models import HelpRequest, ServiceType, Solicitation, SolicitationStatus, WantedSlot
from ..roles import is_read_only, territories_for_user
from ..solicitations import SOLICITABLE_STATUSES, Outcome, respond, solicit

PERMISSION = "wagtail_bippop.add_solicitation"


class RequestScreen(WagtailAdminTemplateMixin, TemplateView):
    """A coordinator's screen about one request of their own territories (any other: 404)."""

    header_icon = "group"
    # ``select_related`` paths, and extra conditions a request must meet to be shown.
    related = ("beneficiary",)
    request_filters = {}

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if is_read_only(user) or not user.has_perm(PERMISSION):
            raise PermissionDenied
        # Another territory's request does not exist for this user.
        self.help_request = get_object_or_404(
            HelpRequest.objects.select_related(*self.related),
            pk=kwargs["request_id"],
            territory__in=territories_for_user(user),
            **self.request_filters,
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.help_request.reference

    def get_breadcrumbs_items(self):
        return []


class SuggestionsView(RequestScreen):
    template_name = "wagtail_bippop/admin/matching/suggestions.html"
    page_title = gettext_lazy("Find a volunteer")
    related = ("beneficiary__area", "territory")

    def get_context_data(self, **kwargs):
        help_request = self.help_request
        is_open = help_request.status in SOLICITABLE_STATUSES
        return super().get_context_data(
            help_request=help_request,
            services=ServiceType.objects.filter(help_requests=help_request),
            wanted_slots=WantedSlot.objects.filter(request=help_request),
            is_open=is_open,
            suggestions=suggest_volunteers(help_request) if is_open else [],
            solicitations=Solicitation.objects.filter(request=help_request)
            .select_related("volunteer")
            .order_by("-sent_at", "pk"),
            pending=SolicitationStatus.PENDING,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if "answer" in request.POST:
            self.record_answer(request.POST)
        else:
            self.ask(request.POST.getlist("volunteer"))
        return redirect(self.url())

    def url(self):
        return reverse("wagtail_bippop_matching:suggestions", args=[self.help_request.pk])

    def ask(self, raw_ids):
        ids = [int(value) for value in raw_ids if value.isdecimal()]
        if not ids:
            messages.error(self.request, _("Tick at least one volunteer to ask."))
            return
        volunteers = self.help_request.territory.volunteers.filter(pk__in=ids)
        try:
            created = solicit(self.help_request, volunteers, user=self.request.user)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return
        messages.success(
            self.request,
            ngettext(
                "%(count)s volunteer asked. They receive a personal link to answer.",
                "%(count)s volunteers asked. They receive a personal link to answer.",
                len(created),
            )
            % {"count": len(created)},
        )

    def record_answer(self, data):
        """A volunteer who answered by phone: the coordinator records it for them."""
        solicitation = Solicitation.objects.filter(
            request=self.help_request, pk=data.get("solicitation") or 0
        ).first()
        if solicitation is None:
            raise Http404
        response = respond(solicitation, data.get("answer") == "yes", user=self.request.user)
        level = messages.success if response.outcome == Outcome.ACCEPTED else messages.info
        level(self.request, f"{solicitation.volunteer.full_name}: {response.message}")

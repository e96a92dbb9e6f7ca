"""A beneficiary's timeline with "log a call", and a volunteer's vetting steps."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ...models import Beneficiary, ContactKind, ContactLog, Volunteer
from ...read_audit import record_view
from .. import vetting
from ..timeline import build_timeline
from .base import CoordinatorView


class ContactLogForm(forms.ModelForm):
    class Meta:
        model = ContactLog
        fields = ["kind", "occurred_at", "reached", "summary"]
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }


def contact_form(data=None):
    return ContactLogForm(
        data,
        initial={
            "kind": ContactKind.CALL_OUT,
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )


class TimelineView(CoordinatorView):
    template_name = "wagtail_bippop/admin/timeline.html"
    permission_required = "wagtail_bippop.view_beneficiary"
    header_icon = "history"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.form = None

    def get_page_title(self):
        return _("Timeline")

    def get_page_subtitle(self):
        return self.beneficiary.full_name

    def dispatch(self, request, *args, pk, **kwargs):
        self.beneficiary = (
            self.get_scoped(Beneficiary, pk) if request.user.is_authenticated else None
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["beneficiary"] = self.beneficiary
        context["timeline"] = build_timeline(self.beneficiary)
        record_view(self.request, self.beneficiary, screen="timeline")
        context["form"] = self.form or contact_form()
        context["can_log"] = self.request.user.has_perm("wagtail_bippop.add_contactlog")
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtail_bippop.add_contactlog"):
            raise PermissionDenied
        self.form = contact_form(request.POST)
        if not self.form.is_valid():
            return self.render_to_response(self.get_context_data())
        contact = self.form.save(commit=False)
        contact.beneficiary = self.beneficiary
        contact.author = request.user
        contact.save()
        log(
            self.beneficiary,
            "wagtail_bippop.contact.log",
            user=request.user,
            data={"kind": contact.kind, "reached": contact.reached},
        )
        messages.success(request, _("Follow-up recorded."))
        return redirect(request.path)


class VettingView(CoordinatorView):
    template_name = "wagtail_bippop/admin/vetting.html"
    permission_required = "wagtail_bippop.change_volunteer"
    header_icon = "tasks"

    def get_page_title(self):
        return _("Vetting")

    def get_page_subtitle(self):
        return self.volunteer.full_name

    def dispatch(self, request, *args, pk, **kwargs):
        self.volunteer = self.get_scoped(Volunteer, pk) if request.user.is_authenticated else None
        self.bound = {}
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["volunteer"] = self.volunteer
        context["actions"] = [
            (action, self.bound.get(action.name) or action.make_form(self.volunteer))
            for action in vetting.available_actions(self.volunteer)
        ]
        context["trainings"] = self.volunteer.trainings.select_related("session")
        return context

    def post(self, request, *args, **kwargs):
        action = vetting.ACTIONS.get(request.POST.get("action"))
        if action is None or not action.is_available(self.volunteer):
            messages.error(request, _("This step is not possible at this stage."))
            return redirect(request.path)
        form = action.make_form(self.volunteer, request.POST)
        if not form.is_valid():
            self.bound[action.name] = form
            return self.render_to_response(self.get_context_data())
        try:
            vetting.apply_action(self.volunteer, action.name, form.cleaned_data, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        messages.success(request, _("Step recorded: %(step)s.") % {"step": action.label})
        return redirect(request.path)

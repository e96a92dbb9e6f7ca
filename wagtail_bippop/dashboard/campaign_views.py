"""Admin views of the call campaigns (heatwave, cold, other emergency)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from ..conf import bippop_settings
from ..models import CallStatus, Campaign, CampaignCall
from ..models.register import CampaignKind
from ..phones import display_phone
from . import campaigns
from .access import BreadcrumbsMixin, get_scoped, require_register_access
from .tables import COUNT, Cell, Table, export_response

REFRESH_SECONDS = 60
SHOW = ("mine", "open", "all")


class StartCampaignForm(forms.Form):
    territory = forms.ModelChoiceField(label=gettext_lazy("Territory"), queryset=None)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CampaignKind.choices)
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        help_text=gettext_lazy("e.g. “Heatwave, July 2026”."),
    )

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories


class CallForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Result"),
        choices=[c for c in CallStatus.choices if c[0] != CallStatus.TO_CALL],
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)


class CloseForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Closing report"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What happened, what was learnt, what to do better next time."),
    )


class CampaignIndexView(BreadcrumbsMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_bippop/register/campaign_index.html"
    page_title = gettext_lazy("Call campaigns")
    header_icon = "mail"

    def get_context_data(self, **kwargs):
        territories = kwargs.pop("territories")
        kwargs.setdefault(
            "campaigns",
            Campaign.objects.filter(territory__in=territories).select_related("territory"),
        )
        # Who will receive calls, territory by territory: nobody finds out after the launch.
        kwargs["callers"] = [
            (territory, list(campaigns.possible_callers(territory))) for territory in territories
        ]
        return super().get_context_data(**kwargs)

    def get(self, request, *args, **kwargs):
        territories = require_register_access(request.user)
        return self.render_to_response(
            self.get_context_data(
                territories=territories, form=StartCampaignForm(territories=territories)
            )
        )

    def post(self, request, *args, **kwargs):
        territories = require_register_access(request.user)
        form = StartCampaignForm(request.POST, territories=territories)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(territories=territories, form=form)
            )
        territory = form.cleaned_data["territory"]
        campaign = campaigns.start_campaign(
            **form.cleaned_data, callers=campaigns.possible_callers(territory), user=request.user
        )
        messages.success(request, _("Campaign started: the call list is ready."))
        return redirect("wagtail_bippop_steering:campaign", pk=campaign.pk)


def _campaign(request, pk):
    require_register_access(request.user)
    return get_scoped(Campaign.objects.select_related("territory"), request.user, pk=pk)


class CampaignView(BreadcrumbsMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_bippop/register/campaign.html"
    header_icon = "mail"

    def get_page_title(self):
        return self.campaign.title

    def get(self, request, *args, **kwargs):
        self.campaign = _campaign(request, kwargs["pk"])
        own = campaigns.calls_to_make(self.campaign, caller=request.user).exists()
        # Whoever has calls to make starts with their own; whoever launched or follows the
        # campaign without calls of their own starts with every call, by caller.
        default = "mine" if own else "all"
        show = request.GET.get("show", default)
        show = show if show in SHOW else default
        if show == "all":
            calls = self.campaign.calls.select_related("entry", "caller").order_by(
                "entry__last_name", "entry__first_name", "pk"
            )
        else:
            calls = campaigns.calls_to_make(
                self.campaign, caller=request.user if show == "mine" else None
            )
        calls = list(calls)
        for call in calls:
            call.entry.phone_display = display_phone(call.entry.phone)
            call.entry.emergency_phone_display = display_phone(call.entry.emergency_phone)
        # The page updates itself only when asked (WCAG 2.2.1): a reload would wipe a note
        # being typed, and a screen reader would start the page again.
        follow = self.campaign.is_open and request.GET.get("follow") == "1"
        if show == "all":
            call_groups = campaigns.calls_grouped_by_caller(calls)
        else:
            call_groups = [{"caller": None, "calls": calls}] if calls else []
        return self.render_to_response(
            self.get_context_data(
                campaign=self.campaign,
                progress=campaigns.progress(self.campaign),
                by_caller=campaigns.calls_by_caller(self.campaign),
                calls=calls,
                call_groups=call_groups,
                show=show,
                call_form=CallForm(),
                close_form=CloseForm(),
                refresh=REFRESH_SECONDS if follow else None,
                follow=follow,
                updated_at=timezone.now(),
                update_query=urlencode({"show": show, **({"follow": "1"} if follow else {})}),
                follow_query=urlencode({"show": show, "follow": "1"}),
                stop_query=urlencode({"show": show}),
                max_attempts=bippop_settings.CAMPAIGN_MAX_ATTEMPTS,
            )
        )


class CampaignCallView(View):
    """POST only: a GET answers 405."""

    def post(self, request, *args, **kwargs):
        require_register_access(request.user)
        call = get_scoped(
            CampaignCall.objects.select_related("campaign"),
            request.user,
            territory_field="campaign__territory",
            pk=kwargs["pk"],
        )
        form = CallForm(request.POST)
        if not call.campaign.is_open:
            messages.error(request, _("This campaign is closed."))
        elif form.is_valid():
            campaigns.record_call(call, user=request.user, **form.cleaned_data)
            messages.success(request, _("Call recorded for %(name)s.") % {"name": call.entry})
        else:
            messages.error(request, _("Choose the result of the call."))
        show = request.POST.get("show", "mine")
        query = {"show": show if show in SHOW else "mine"}
        if request.POST.get("follow") == "1":
            query["follow"] = "1"
        return redirect(f"{_campaign_url(call.campaign_id)}?{urlencode(query)}")


def _campaign_url(pk):
    return reverse("wagtail_bippop_steering:campaign", args=[pk])


class CampaignCloseView(View):
    """POST only: a GET answers 405."""

    def post(self, request, *args, **kwargs):
        campaign = _campaign(request, kwargs["pk"])
        form = CloseForm(request.POST)
        if campaign.is_open and form.is_valid():
            campaigns.close_campaign(campaign, note=form.cleaned_data["note"], user=request.user)
            messages.success(request, _("Campaign closed."))
        elif campaign.is_open:
            messages.error(request, _("Write a short closing report to close the campaign."))
        return redirect(_campaign_url(campaign.pk))


def prefecture_table(campaign):
    """Every registered person called, the result and the attempts: for the prefecture."""
    # A person who left the register leaves the export at once.
    calls = (
        campaign.calls.filter(entry__withdrawn_at__isnull=True)
        .select_related("entry", "caller")
        .order_by("entry__last_name", "entry__first_name")
    )
    rows = []
    for call in calls:
        entry = call.entry
        last = call.last_attempt_at
        rows.append(
            [
                Cell(entry.last_name),
                Cell(entry.first_name),
                Cell(entry.birth_date.strftime("%d/%m/%Y") if entry.birth_date else ""),
                Cell(entry.get_category_display()),
                Cell(entry.address),
                Cell(entry.phone),
                Cell(entry.emergency_contact),
                Cell(entry.emergency_phone),
                Cell(call.get_status_display()),
                Cell(call.attempts, COUNT),
                Cell(timezone.localtime(last).strftime("%d/%m/%Y %H:%M") if last else ""),
                Cell(call.note),
            ]
        )
    columns = [
        _("Last name"),
        _("First name"),
        _("Date of birth"),
        _("Registered as"),
        _("Address"),
        _("Phone"),
        _("Emergency contact"),
        _("Their phone"),
        _("Result"),
        _("Attempts"),
        _("Last attempt"),
        _("Note"),
    ]
    return Table(f"campaign-{campaign.pk}", str(campaign.title), columns, rows)


class CampaignExportView(TemplateView):
    def get(self, request, *args, **kwargs):
        campaign = _campaign(request, kwargs["pk"])
        file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
        log(campaign, "wagtail_bippop.campaign_export", user=request.user)
        return export_response(prefecture_table(campaign), file_format, filename_prefix="calls")

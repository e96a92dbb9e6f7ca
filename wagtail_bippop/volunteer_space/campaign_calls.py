"""Heatwave and cold campaigns in the volunteer space: the calls shared out to a volunteer.

A volunteer sees only the calls of open campaigns given to them; the phone numbers only
while the call is still to make. Each result is recorded (and logged) by the same rule as
the staff's, ``dashboard.campaigns.record_call``.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..conf import bippop_settings
from ..dashboard import campaigns
from ..models import CallStatus, CampaignCall
from .views import render, url, volunteer_required

OPEN_CALLS = [CallStatus.TO_CALL, CallStatus.NOT_REACHED]


class CallResultForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("How did the call go?"),
        choices=[c for c in CallStatus.choices if c[0] != CallStatus.TO_CALL],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose how the call went.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the coordinator (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def calls_of(volunteer):
    """This volunteer's calls in the open campaigns of their territory."""
    if not volunteer.user_id:
        return CampaignCall.objects.none()
    return CampaignCall.objects.filter(
        caller_id=volunteer.user_id,
        campaign__territory_id=volunteer.territory_id,
        campaign__closed_at__isnull=True,
    ).select_related("entry", "campaign")


def open_calls_of(volunteer):
    return calls_of(volunteer).filter(status__in=OPEN_CALLS)


@volunteer_required
def call_list(page, request):
    calls = list(calls_of(request.volunteer).order_by("campaign__started_at", "attempts"))
    return render(
        page,
        request,
        "campaign_calls",
        to_make=[c for c in calls if c.status in OPEN_CALLS],
        settled=[c for c in calls if c.status not in OPEN_CALLS],
        max_attempts=bippop_settings.CAMPAIGN_MAX_ATTEMPTS,
    )


@volunteer_required
def call(page, request, pk):
    found = open_calls_of(request.volunteer).filter(pk=pk).first()
    if found is None:  # another's call, a settled one or a closed campaign: nothing to show
        raise Http404
    form = CallResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaigns.record_call(found, user=request.user, **form.cleaned_data)
        if form.cleaned_data["status"] == CallStatus.NOT_REACHED:
            messages.info(request, _("Noted: this person stays on your list to call again."))
        else:
            messages.success(request, _("Thank you, the result of the call is recorded."))
        return HttpResponseRedirect(url(page, "campaign_calls"))
    return render(
        page,
        request,
        "campaign_call",
        status=400 if form.errors else 200,
        call=found,
        entry=found.entry,
        form=form,
        list_url=url(page, "campaign_calls"),
    )

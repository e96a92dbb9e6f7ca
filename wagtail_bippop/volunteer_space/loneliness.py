"""The short loneliness scale, asked by a volunteer of a person they visit.

Only while a mission with that person is active; the three items of the UCLA scale
(Hughes et al., 2004) and the satisfaction question, as radio buttons. A measure is due
when the person has none from the last ``BIPPOP_LONELINESS_EVERY_MONTHS`` months.
"""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from ..conf import bippop_settings
from ..dashboard.metrics import months_before
from ..models import AssessmentMoment, LonelinessAssessment
from ..models.impact import ITEM_FIELDS, Frequency, Satisfaction
from . import services
from .views import render, url, volunteer_required


def _field(name, required=True):
    model_field = LonelinessAssessment._meta.get_field(name)
    choices = Frequency.choices if name in ITEM_FIELDS else Satisfaction.choices
    return forms.TypedChoiceField(
        label=model_field.verbose_name,
        choices=choices,
        coerce=int,
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": gettext_lazy("Choose one answer.")},
    )


class LonelinessMeasureForm(forms.Form):
    lacks_companionship = _field("lacks_companionship")
    feels_left_out = _field("feels_left_out")
    feels_isolated = _field("feels_isolated")
    satisfaction = _field("satisfaction", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"].help_text = gettext_lazy("Optional.")

    def clean_satisfaction(self):
        return self.cleaned_data.get("satisfaction") or None


def measure_due(beneficiary, *, today=None):
    """No measure of this person in the last ``LONELINESS_EVERY_MONTHS`` months."""
    today = today or timezone.localdate()
    since = months_before(today, bippop_settings.LONELINESS_EVERY_MONTHS)
    return not LonelinessAssessment.objects.filter(
        beneficiary=beneficiary, taken_on__gt=since, taken_on__lte=today
    ).exists()


@transaction.atomic
def record_measure(beneficiary, volunteer, *, user, **answers):
    first = not LonelinessAssessment.objects.filter(beneficiary=beneficiary).exists()
    measure = LonelinessAssessment(
        beneficiary=beneficiary,
        volunteer=volunteer,
        taken_by=user,
        moment=AssessmentMoment.INTAKE if first else AssessmentMoment.FOLLOW_UP,
        **answers,
    )
    measure.full_clean()
    measure.save()
    log(measure, "wagtail_bippop.loneliness_measure", user=user)
    return measure


@volunteer_required
def measure(page, request, pk):
    beneficiary = services.beneficiary_for_or_none(request.volunteer, pk)
    if beneficiary is None:  # no active mission with this person: not theirs to ask
        raise Http404
    form = LonelinessMeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record_measure(beneficiary, request.volunteer, user=request.user, **form.cleaned_data)
        messages.success(request, _("Thank you. The answers are passed on to the coordinator."))
        return HttpResponseRedirect(url(page, "home"))
    return render(
        page,
        request,
        "loneliness",
        status=400 if form.errors else 200,
        beneficiary=beneficiary,
        form=form,
        due=measure_due(beneficiary),
    )

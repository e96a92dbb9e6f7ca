"""The volunteer vetting pipeline: each step is an explicit, logged transition.

to vet → interviewed → charter signed → honourability checked → trained → active
("coopté"), plus suspended and left. The honourability check keeps only its date, who
checked and the verdict: never the document.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from ..models import TrainingAttendance, TrainingSession, VettingStage, Volunteer

S = VettingStage


class InterviewForm(forms.Form):
    interviewed_at = forms.DateField(
        label=_("Interview date"),
        initial=datetime.date.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class CharterForm(forms.Form):
    confirm = forms.BooleanField(label=_("The volunteer has signed the charter"))


class HonourabilityForm(forms.Form):
    checked_on = forms.DateField(
        label=_("Date of the check"),
        initial=datetime.date.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    compatible = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("yes", _("Compatible with volunteering")), ("no", _("Not compatible"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=_("Record only the result. Never keep a copy of the document."),
    )


class TrainingForm(forms.Form):
    """A session held in the territory, or a training given outside any session.

    Without any session recorded, the step would be a dead end: the coordinator can then
    record the training given (e.g. one to one) with its date, or create the session first.
    """

    session = forms.ModelChoiceField(
        label=_("Training session attended"),
        queryset=TrainingSession.objects.none(),
        required=False,
    )
    trained_on = forms.DateField(
        label=_("Or: date of a training given outside a session"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For instance a training given one to one. Leave empty to pick a session."),
    )
    title = forms.CharField(
        label=_("What was that training?"),
        required=False,
        max_length=200,
        help_text=_("Optional. By default: “Individual training”."),
    )

    def __init__(self, *args, volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = TrainingSession.objects.filter(
            territory_id=volunteer.territory_id, date__lte=timezone.localdate()
        )
        self.has_sessions = self.sessions.exists()
        # The training sessions admin's add form: another way forward from this step.
        self.add_session_url = reverse("bippop_trainings:add")
        if self.has_sessions:
            self.fields["session"].queryset = self.sessions
        else:
            del self.fields["session"]
            self.fields["trained_on"].label = _("Date of the training given")
            self.fields["trained_on"].help_text = _("For instance a training given one to one.")

    def clean_trained_on(self):
        day = self.cleaned_data.get("trained_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("A training is recorded once it has taken place."))
        return day

    def clean(self):
        data = super().clean()
        session, day = data.get("session"), data.get("trained_on")
        if self.errors:
            return data
        if session and day:
            raise ValidationError(_("Pick a session or give a date, not both."))
        if not session and not day:
            raise ValidationError(
                _("Pick the session attended, or give the date of the training given.")
                if self.has_sessions
                else _("Give the date of the training given.")
            )
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)


class NoFieldsForm(forms.Form):
    pass


@dataclass(frozen=True)
class VettingAction:
    name: str
    label: str
    sources: frozenset
    form_class: type
    button_class: str = "button"

    def is_available(self, volunteer):
        return volunteer.stage in self.sources

    def make_form(self, volunteer, data=None):
        kwargs = {"volunteer": volunteer} if self.form_class is TrainingForm else {}
        return self.form_class(data, prefix=self.name, **kwargs)


ACTIONS = {
    action.name: action
    for action in [
        VettingAction("interview", _("Record the interview"), frozenset({S.TO_VET}), InterviewForm),
        VettingAction("charter", _("Charter signed"), frozenset({S.INTERVIEWED}), CharterForm),
        VettingAction(
            "honourability",
            _("Record the honourability check"),
            frozenset({S.CHARTER_SIGNED}),
            HonourabilityForm,
        ),
        VettingAction("training", _("Record the training"), frozenset({S.CHECKED}), TrainingForm),
        VettingAction(
            "activate", _("Co-opt as an active volunteer"), frozenset({S.TRAINED}), NoFieldsForm
        ),
        VettingAction(
            "suspend",
            _("Suspend"),
            frozenset({S.ACTIVE, S.TRAINED, S.CHECKED}),
            ReasonForm,
            "button button-secondary",
        ),
        VettingAction("reinstate", _("Reinstate"), frozenset({S.SUSPENDED}), NoFieldsForm),
        VettingAction(
            "leave",
            _("Has left the network"),
            frozenset(set(S) - {S.LEFT}),
            ReasonForm,
            "button no",
        ),
    ]
}


def available_actions(volunteer):
    return [action for action in ACTIONS.values() if action.is_available(volunteer)]


def can_vet(user):
    return user.has_perm("wagtail_bippop.change_volunteer")


def apply_action(volunteer, action_name, data, *, user):
    """Apply a vetting step with the cleaned ``data`` of its form, logged; returns the volunteer."""
    if not can_vet(user):
        raise PermissionDenied
    action = ACTIONS[action_name]
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if not action.is_available(volunteer):
            raise ValidationError(
                _("This step is not possible at the stage “%(stage)s”."),
                params={"stage": volunteer.get_stage_display()},
            )
        previous = volunteer.stage
        log_data = _apply(volunteer, action_name, data, user)
        volunteer.full_clean()
        volunteer.save()
        log(
            volunteer,
            f"wagtail_bippop.vetting.{action_name}",
            user=user,
            data={"from": previous, "to": volunteer.stage, **log_data},
        )
    if action_name == "activate":
        welcome(volunteer)
    return volunteer


def welcome(volunteer):
    """Tell a volunteer just co-opted that their space is open, and where to sign in."""
    from ..notifications import notify
    from ..volunteer_space.links import signin_url

    return notify(
        "volunteer_coopted",
        person=volunteer,
        values={"first_name": volunteer.first_name, "link": signin_url(volunteer.territory)},
        dedupe_key=f"volunteer_coopted:{volunteer.pk}",
    )


def _apply(volunteer, name, data, user):
    now = timezone.now()
    if name == "interview":
        volunteer.interviewed_at = data["interviewed_at"]
        volunteer.stage = S.INTERVIEWED
    elif name == "charter":
        volunteer.charter_signed_at = now
        volunteer.stage = S.CHARTER_SIGNED
    elif name == "honourability":
        volunteer.honourability_checked_on = data["checked_on"]
        volunteer.honourability_checked_by = user
        volunteer.honourability_compatible = data["compatible"]
        if data["compatible"]:
            volunteer.stage = S.CHECKED
        else:
            volunteer.stage = S.LEFT
            volunteer.left_at = now
            volunteer.left_reason = str(_("Honourability check not compatible"))
        return {"compatible": data["compatible"]}
    elif name == "training":
        session = data.get("session") or TrainingSession.objects.create(
            territory_id=volunteer.territory_id,
            title=data.get("title") or str(_("Individual training")),
            date=data["trained_on"],
        )
        TrainingAttendance.objects.update_or_create(
            session=session, volunteer=volunteer, defaults={"attended": True}
        )
        volunteer.trained_at = session.date
        volunteer.stage = S.TRAINED
        return {"session": session.pk, "outside_a_session": not data.get("session")}
    elif name == "activate":
        volunteer.activated_at = now
        volunteer.stage = S.ACTIVE
    elif name == "suspend":
        volunteer.stage = S.SUSPENDED
        return {"reason": data["reason"]}
    elif name == "reinstate":
        # Back to where a suspended volunteer can be: active if they were ever co-opted.
        if volunteer.activated_at and volunteer.honourability_compatible:
            volunteer.stage = S.ACTIVE
        elif volunteer.trained_at:
            volunteer.stage = S.TRAINED
        else:
            volunteer.stage = S.CHECKED
    elif name == "leave":
        volunteer.stage = S.LEFT
        volunteer.left_at = now
        volunteer.left_reason = data["reason"]
        return {"reason": data["reason"]}
    return {}

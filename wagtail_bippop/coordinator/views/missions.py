"""Report a visit, plan or end a mission, move a request along its lifecycle."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.log_actions import log

from ... import scheduling
from ...models import (
    HelpRequest,
    Mission,
    MissionRecurrence,
    MissionStatus,
    Recurrence,
    RequestStatus,
    Visit,
    VisitStatus,
)
from ...models.missions import MAX_VISIT_MINUTES
from .base import CoordinatorView

REPORTABLE = [
    (VisitStatus.DONE, VisitStatus.DONE.label),
    (VisitStatus.CANCELLED, VisitStatus.CANCELLED.label),
    (VisitStatus.MISSED, VisitStatus.MISSED.label),
]


class VisitReportForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("What happened"), choices=REPORTABLE, widget=forms.RadioSelect
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duration (minutes)"),
        min_value=1,
        max_value=MAX_VISIT_MINUTES,
        required=False,
    )
    report = forms.CharField(
        label=gettext_lazy("How was it?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )
    worry = forms.BooleanField(label=gettext_lazy("I am worried about the person"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == VisitStatus.DONE and not cleaned.get("duration_minutes"):
            self.add_error("duration_minutes", _("Give the duration of a visit that took place."))
        return cleaned


def report_visit(visit, *, status, duration_minutes, report, worry, user):
    """Record what happened at a planned visit; logged. Raises ValidationError otherwise."""
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        if visit.status != VisitStatus.PLANNED:
            raise ValidationError(_("This visit has already been reported."))
        visit.status = status
        visit.duration_minutes = duration_minutes if status == VisitStatus.DONE else None
        visit.report = report
        visit.worry = worry
        visit.reported_at = timezone.now()
        visit.reported_by = user
        visit.full_clean()
        visit.save()
        log(
            visit,
            f"wagtail_bippop.visit.{status}",
            user=user,
            data={"duration_minutes": visit.duration_minutes, "worry": worry},
        )
    return visit


class VisitReportView(CoordinatorView):
    template_name = "wagtail_bippop/admin/visit_report.html"
    permission_required = "wagtail_bippop.change_visit"
    header_icon = "date"

    def get_page_title(self):
        return _("Report the visit")

    def get_page_subtitle(self):
        return str(self.visit)

    def dispatch(self, request, *args, pk, **kwargs):
        self.visit = self.get_scoped(Visit, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["visit"] = self.visit
        context.setdefault(
            "form",
            VisitReportForm(
                initial={
                    "status": VisitStatus.DONE,
                    "duration_minutes": self.visit.mission.usual_duration_minutes,
                }
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = VisitReportForm(request.POST)
        if form.is_valid():
            try:
                report_visit(self.visit, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Visit reported."))
                return redirect(reverse("bippop_visits:index"))
        return self.render_to_response(self.get_context_data(form=form))


class EndMissionForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why does the mission end?"), max_length=255)


class MissionActionView(CoordinatorView):
    template_name = "wagtail_bippop/admin/end_mission.html"
    permission_required = "wagtail_bippop.change_mission"
    header_icon = "link"

    def get_page_title(self):
        return _("Visits and end of the mission")

    def get_page_subtitle(self):
        return str(self.mission)

    def dispatch(self, request, *args, pk, **kwargs):
        self.mission = self.get_scoped(Mission, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["mission"] = self.mission
        context["planned"] = self.mission.visits.filter(
            status=VisitStatus.PLANNED, starts_at__gt=timezone.now()
        ).count()
        context.setdefault("form", EndMissionForm())
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("plan"):
            created = scheduling.plan_visits(self.mission, user=request.user)
            messages.success(
                request,
                ngettext("%(count)s visit planned.", "%(count)s visits planned.", created)
                % {"count": created},
            )
            return redirect(reverse("bippop_missions:inspect", args=[self.mission.pk]))
        form = EndMissionForm(request.POST)
        if not form.is_valid() or self.mission.status != MissionStatus.ACTIVE:
            return self.render_to_response(self.get_context_data(form=form))
        cancelled = scheduling.end_mission(
            self.mission, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            ngettext(
                "Mission ended; %(count)s planned visit cancelled.",
                "Mission ended; %(count)s planned visits cancelled.",
                cancelled,
            )
            % {"count": cancelled},
        )
        return redirect(reverse("bippop_missions:inspect", args=[self.mission.pk]))


class ScheduleForm(forms.Form):
    """The day, hour and rhythm agreed with the person (nothing filled in beforehand)."""

    start_date = forms.DateField(
        label=gettext_lazy("Day of the first visit"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=gettext_lazy(
            "As agreed with the person and the volunteer. For a change, the day from which "
            "the new schedule applies."
        ),
    )
    usual_time = forms.TimeField(
        label=gettext_lazy("Time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    usual_duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duration (minutes)"), min_value=1, max_value=MAX_VISIT_MINUTES
    )
    recurrence = forms.ChoiceField(
        label=gettext_lazy("Rhythm"), choices=MissionRecurrence.choices, widget=forms.RadioSelect
    )
    end_date = forms.DateField(
        label=gettext_lazy("Last visit on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def clean_start_date(self):
        day = self.cleaned_data["start_date"]
        if day < timezone.localdate():
            raise ValidationError(_("The day agreed cannot be in the past."))
        return day

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last visit cannot come before the first."))
        return cleaned


class MissionScheduleView(CoordinatorView):
    """Record the first visit agreed with the person; then they and the volunteer are told."""

    template_name = "wagtail_bippop/admin/mission_schedule.html"
    permission_required = "wagtail_bippop.change_mission"
    header_icon = "date"

    def get_page_title(self):
        if self.mission.is_scheduled:
            return _("Change the day or time")
        return _("Agree the first visit")

    def get_page_subtitle(self):
        return str(self.mission)

    def dispatch(self, request, *args, pk, **kwargs):
        self.mission = self.get_scoped(Mission, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        mission = self.mission
        if mission.is_scheduled:
            return {field: getattr(mission, field) for field in scheduling.SCHEDULE_FIELDS}
        recurring = mission.request.recurrence == Recurrence.RECURRING
        return {
            "recurrence": MissionRecurrence.WEEKLY if recurring else MissionRecurrence.ONE_OFF,
            "usual_duration_minutes": mission.usual_duration_minutes,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mission = self.mission
        context["mission"] = mission
        context["beneficiary"] = mission.request.beneficiary
        context["wanted_slots"] = mission.request.wanted_slots.all()
        context["schedule"] = scheduling.describe_schedule(mission) if mission.is_scheduled else ""
        context.setdefault("form", ScheduleForm(initial=self.get_initial()))
        return context

    def post(self, request, *args, **kwargs):
        form = ScheduleForm(request.POST)
        if form.is_valid() and self.mission.status == MissionStatus.ACTIVE:
            try:
                outcome = scheduling.agree_schedule(
                    self.mission, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                text = {
                    "scheduled": _(
                        "First visit recorded. The person and the volunteer are told, "
                        "each through their own channel."
                    ),
                    "changed": _(
                        "New schedule recorded. The person and the volunteer are told of "
                        "the change."
                    ),
                    "": _("Nothing changed."),
                }[outcome]
                messages.success(request, text)
                return redirect(reverse("bippop_missions:inspect", args=[self.mission.pk]))
        elif form.is_valid():
            form.add_error(None, _("This mission has ended."))
        return self.render_to_response(self.get_context_data(form=form))


class RequestStatusForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (for closing or cancelling)"), max_length=255, required=False
    )


def move_request(help_request, status, *, reason, user):
    """Move a request along its lifecycle; logged. Raises ValidationError if not allowed."""
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        previous = locked.status
        locked.move_to(status, reason=reason)
        locked.save()
        log(
            locked,
            "wagtail_bippop.request.status",
            user=user,
            data={"from": previous, "to": status, "reason": reason},
        )
    return locked


class RequestStatusView(CoordinatorView):
    """One button per status the request may move to next."""

    template_name = "wagtail_bippop/admin/request_status.html"
    permission_required = "wagtail_bippop.change_helprequest"
    header_icon = "help"

    def get_page_title(self):
        return _("Change the status")

    def get_page_subtitle(self):
        return str(self.help_request)

    def dispatch(self, request, *args, pk, **kwargs):
        self.help_request = self.get_scoped(HelpRequest, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["help_request"] = self.help_request
        context["targets"] = [
            RequestStatus(status)
            for status in RequestStatus.values
            if self.help_request.can_move_to(status)
        ]
        context.setdefault("form", RequestStatusForm())
        return context

    def post(self, request, *args, **kwargs):
        form = RequestStatusForm(request.POST)
        status = request.POST.get("status")
        if form.is_valid() and status in RequestStatus.values:
            try:
                move_request(
                    self.help_request, status, reason=form.cleaned_data["reason"], user=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Status changed."))
                return redirect(reverse("bippop_requests:inspect", args=[self.help_request.pk]))
        return self.render_to_response(self.get_context_data(form=form))

"""Admin views: the dashboard and the isolation watch."""

import datetime

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from ..conf import bippop_settings
from ..models import Beneficiary, ContactKind, ContactLog, SolidaritySettings
from ..phones import display_phone
from . import metrics
from .access import (
    BreadcrumbsMixin,
    get_scoped,
    require_person_access,
    small_cell_threshold,
    visible_territories,
)
from .tables import build_tables, export_response


class PeriodForm(forms.Form):
    territory = forms.ChoiceField(label=gettext_lazy("Territory"), required=False)
    start = forms.DateField(
        label=pgettext_lazy("start of a period", "From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("end of a period", "To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, territories, min_days=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.territories = list(territories)
        self.min_days = min_days
        choices = [(str(t.pk), t.name) for t in self.territories]
        if len(choices) > 1:
            choices.insert(0, ("", _("All my territories")))
        self.fields["territory"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period must come after its start."))
        if (
            self.min_days
            and data.get("start")
            and data.get("end")
            and (data["end"] - data["start"]).days + 1 < self.min_days
        ):
            raise forms.ValidationError(
                _(
                    "To protect the people behind the figures, the period must cover at "
                    "least %(days)s days. The figures shown are those of the last twelve months."
                )
                % {"days": self.min_days}
            )
        return data

    def period(self):
        chosen = self.cleaned_data.get("territory")
        ids = [t.pk for t in self.territories if not chosen or str(t.pk) == chosen]
        return metrics.Period(tuple(ids), self.cleaned_data["start"], self.cleaned_data["end"])


def default_period():
    """The last twelve months, today included."""
    today = timezone.localdate()
    return metrics.months_before(today, 12) + datetime.timedelta(days=1), today


def isolation_days(request, territories):
    """The delay of the site the territories belong to (the current site when mixed)."""
    sites = {t.site_id for t in territories}
    if len(sites) == 1:
        return SolidaritySettings.for_site(territories[0].site).isolation_days
    return SolidaritySettings.for_request(request).isolation_days


class DashboardView(BreadcrumbsMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_bippop/dashboard/dashboard.html"
    page_title = gettext_lazy("Dashboard")
    header_icon = "site"

    def get(self, request, *args, **kwargs):
        territories = list(visible_territories(request.user).select_related("site"))
        start, end = default_period()
        data = request.GET.copy()
        data.setdefault("start", start.isoformat())
        data.setdefault("end", end.isoformat())
        threshold = small_cell_threshold(request.user)
        # The read-only role may not narrow the figures down to a few people.
        min_days = bippop_settings.READ_ONLY_MIN_PERIOD_DAYS if threshold else None
        form = PeriodForm(data, territories=territories, min_days=min_days)
        period_form = form
        if not form.is_valid():
            # The figures of the default period, under the refused choice and its reason.
            period_form = PeriodForm(
                {"start": start, "end": end, "territory": ""}, territories=territories
            )
            period_form.is_valid()
        period = period_form.period()
        chosen = [t for t in territories if t.pk in period.territory_ids]
        figures = metrics.dashboard_figures(period, isolation_days=isolation_days(request, chosen))
        tables = build_tables(figures, hour_value=bippop_settings.VOLUNTEER_HOUR_VALUE)
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            table = next((t for t in tables if t.slug == request.GET.get("table")), None)
            if table is None:
                raise Http404
            return export_response(table, export, threshold)
        query = request.GET.copy()
        query.pop("export", None)
        query.pop("table", None)
        context = self.get_context_data(
            form=form,
            period=period,
            tables=[table.present(threshold) for table in tables],
            threshold=threshold,
            export_query=query.urlencode(),
            show_people=threshold is None,
        )
        return self.render_to_response(context)


class LogCallForm(forms.Form):
    reached = forms.BooleanField(label=gettext_lazy("Person reached"), required=False)
    summary = forms.CharField(
        label=gettext_lazy("Note (optional)"), required=False, max_length=4000
    )


def record_call(beneficiary, user, *, reached=True, summary=""):
    contact = ContactLog.objects.create(
        beneficiary=beneficiary,
        kind=ContactKind.CALL_OUT,
        author=user,
        reached=reached,
        summary=summary,
    )
    log(beneficiary, "wagtail_bippop.log_call", user=user, data={"reached": reached})
    return contact


class IsolationWatchView(BreadcrumbsMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_bippop/dashboard/isolation.html"
    page_title = gettext_lazy("Isolation watch")
    header_icon = "warning"
    page_size = 200

    def get_context_data(self, **kwargs):
        territories = list(require_person_access(self.request.user).select_related("site"))
        days = isolation_days(self.request, territories)
        people = metrics.isolated_people([t.pk for t in territories], days)
        total = people.count()
        now = timezone.now()
        rows = list(people[: self.page_size])
        for person in rows:
            person.days_without_contact = (now - person.last_contact_at).days
            person.last_contact = _last_contact(person)
            person.phone_display = display_phone(person.phone)
        return super().get_context_data(
            people=rows, total=total, days=days, form=LogCallForm(initial={"reached": True})
        )

    def get(self, request, *args, **kwargs):
        if "pk" in kwargs:
            # The call URL of a person is for POST; it names nobody outside the user's scope.
            require_person_access(request.user)
            get_scoped(Beneficiary.objects.all(), request.user, pk=kwargs["pk"])
            return redirect(reverse("wagtail_bippop_steering:isolation"))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        require_person_access(request.user)
        beneficiary = get_scoped(Beneficiary.objects.all(), request.user, pk=kwargs["pk"])
        form = LogCallForm(request.POST)
        if form.is_valid():
            record_call(beneficiary, request.user, **form.cleaned_data)
            messages.success(request, _("Call with %(name)s logged.") % {"name": beneficiary})
        else:
            messages.error(request, _("The call could not be logged: the note is too long."))
        return redirect(reverse("wagtail_bippop_steering:isolation"))


def _last_contact(person):
    """The most recent of the last visit and the last call, and who made it."""
    visit, call = person.last_visit_at, person.last_call_at
    if call and (not visit or call >= visit):
        name = f"{person.last_call_by_first or ''} {person.last_call_by_last or ''}".strip()
        return {"at": call, "by": name or person.last_call_by_username or "", "what": _("call")}
    if visit:
        name = f"{person.last_visit_by_first or ''} {person.last_visit_by_last or ''}".strip()
        return {"at": visit, "by": name, "what": _("visit")}
    return None

"""A person's data rights from the coordinator's screen: export everything, or anonymise."""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ...models import OPEN_STATUSES, Beneficiary, BeneficiaryStatus, MissionStatus
from ...privacy import SUBJECT_ACCESS_EXPORTED, anonymise_beneficiary, subject_access
from .base import CoordinatorView


class PersonDataView(CoordinatorView):
    def dispatch(self, request, *args, pk, **kwargs):
        self.beneficiary = (
            self.get_scoped(Beneficiary, pk) if request.user.is_authenticated else None
        )
        return super().dispatch(request, *args, **kwargs)


class SubjectAccessView(PersonDataView):
    """Downloads the person's data as JSON (RGPD right of access); the download is logged."""

    permission_required = "wagtail_bippop.change_beneficiary"

    def get(self, request, *args, **kwargs):
        text = json.dumps(subject_access(self.beneficiary), ensure_ascii=False, indent=2)
        log(self.beneficiary, SUBJECT_ACCESS_EXPORTED, user=request.user)
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="donnees-personne-{self.beneficiary.pk}.json"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


class AnonymiseView(PersonDataView):
    """Confirms, then anonymises: only once nothing is in progress for the person."""

    template_name = "wagtail_bippop/admin/anonymise.html"
    permission_required = "wagtail_bippop.delete_beneficiary"
    header_icon = "warning"

    def get_page_title(self):
        return _("Anonymise this person")

    def get_page_subtitle(self):
        return self.beneficiary.full_name

    def blockers(self):
        person = self.beneficiary
        reasons = []
        if person.status == BeneficiaryStatus.ANONYMISED:
            reasons.append(_("This person is already anonymised."))
        if person.help_requests.filter(status__in=OPEN_STATUSES).exists():
            reasons.append(_("A request is still open: close or cancel it first."))
        if person.help_requests.filter(missions__status=MissionStatus.ACTIVE).exists():
            reasons.append(_("A mission is in progress: end it first."))
        return reasons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(beneficiary=self.beneficiary, blockers=self.blockers())
        return context

    def post(self, request, *args, **kwargs):
        if self.blockers():
            return self.get(request, *args, **kwargs)
        anonymise_beneficiary(self.beneficiary, user=request.user)
        messages.success(request, _("The person's data has been anonymised."))
        return redirect(reverse("bippop_beneficiaries:index"))

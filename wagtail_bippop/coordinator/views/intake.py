"""Phone intake in one screen: find the person, or create them, and record the request.

Nothing is created while a possible duplicate (same normalised phone, or same name and
year of birth) has not been answered with "use this person" or "create anyway".
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from ...intake import find_duplicates, record_request
from ...models import Beneficiary, ConsentMethod, IntakeChannel
from ...phones import normalise_phone
from ..intake_forms import PhoneIntakeForm
from ..people_search import person_match
from ..scoping import scope_queryset
from .base import CoordinatorView

CREATE_ANYWAY = "create_anyway"


def search_people(user, query, limit=20):
    """People of the user's territories whose name or phone matches ``query``."""
    match = person_match(query)
    if match is None:
        return Beneficiary.objects.none()
    people = Beneficiary.objects.filter(match).select_related("area")
    return scope_queryset(people, user)[:limit]


class PhoneIntakeView(CoordinatorView):
    template_name = "wagtail_bippop/admin/intake.html"
    permission_required = "wagtail_bippop.add_helprequest"
    page_title = gettext_lazy("Take a request by phone")
    header_icon = "mail"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")
        context["query"] = query
        context["found"] = search_people(self.request.user, query)
        context.setdefault("form", self.get_form())
        return context

    def get_form(self, data=None):
        initial = {}
        chosen = self.request.GET.get("beneficiary")
        if chosen and chosen.isdecimal():
            person = self.get_scoped(Beneficiary, chosen)
            initial = {"beneficiary": person.pk, "territory": person.territory_id}
        return PhoneIntakeForm(data, initial=initial, user=self.request.user)

    def get(self, request, *args, **kwargs):
        context = self.get_context_data()
        context["chosen"] = context["form"].initial.get("beneficiary") and self.get_scoped(
            Beneficiary, context["form"].initial["beneficiary"]
        )
        return self.render_to_response(context)

    def post(self, request, *args, **kwargs):
        form = PhoneIntakeForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(form=form, chosen=form.cleaned_data.get("beneficiary"))
            )
        data = form.cleaned_data
        beneficiary = data["beneficiary"]
        if beneficiary is None and request.POST.get("decision") != CREATE_ANYWAY:
            duplicates = find_duplicates(
                data["territory"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=_safe_phone(data["phone"]),
                birth_year=data["birth_year"],
            )
            duplicates = scope_queryset(duplicates, request.user)
            if duplicates:
                return self.render_to_response(
                    self.get_context_data(form=form, duplicates=duplicates)
                )
        try:
            result = self.record(form, beneficiary)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            _("Request %(reference)s recorded for %(name)s.")
            % {"reference": result.request.reference, "name": result.beneficiary.full_name},
        )
        return redirect(reverse("bippop_requests:inspect", args=[result.request.pk]))

    @transaction.atomic
    def record(self, form, beneficiary):
        data = form.cleaned_data
        user = self.request.user
        created = False
        if beneficiary is None:
            # Created here rather than in record_request so that "create anyway" really
            # creates a new person even when the phone is already known.
            beneficiary = Beneficiary(territory=data["territory"], **form.person_fields())
            beneficiary.created_by = user
            beneficiary.full_clean()
            beneficiary.save()
            created = True
            log(beneficiary, "wagtail.create", user=user)
        result = record_request(
            territory=data["territory"],
            person=None,
            beneficiary=beneficiary,
            services=data["services"],
            channel=data["channel"],
            consent_method=(
                ConsentMethod.WEB_FORM
                if data["channel"] == IntakeChannel.WEB
                else ConsentMethod.ORAL
            ),
            consent_given_by=data["consent_given_by"],
            recorded_by=user,
            request_fields=form.request_fields(),
            wanted_slots=form.wanted_slot_pairs(),
        )
        # Services are a parental relation: they reach the database when the request is saved.
        result.request.save()
        result.beneficiary_created = created
        log(
            result.request,
            "wagtail_bippop.intake",
            user=user,
            data={"channel": data["channel"], "beneficiary_created": created},
        )
        return result


def _safe_phone(value):
    try:
        return normalise_phone(value)
    except ValidationError:
        return ""

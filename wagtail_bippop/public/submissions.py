"""What happens when a public form is sent: records stored, logged, people told.

Views stay thin: they validate the form, then call ``submit_help_request`` or
``submit_volunteer_signup``, which return what the confirmation page shows.
"""

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from .. import notifications
from ..intake import IntakeResult, record_request
from ..models import (
    AvailabilitySlot,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    ContactChannel,
    HelpRequest,
    IntakeChannel,
    OfferParticipation,
    VettingStage,
    Volunteer,
)
from ..notifications.recipients import coordinator_emails
from .forms import parse_slots
from .models import VolunteerSignupReceipt

logger = logging.getLogger(__name__)

REQUEST_RECEIVED = "wagtail_bippop.request_received_online"
VOLUNTEER_SIGNED_UP = "wagtail_bippop.volunteer_signed_up"


def notice_version(solidarity_settings):
    """A short fingerprint of the privacy notice shown, kept with each consent."""
    text = solidarity_settings.privacy_notice or ""
    return hashlib.sha256(text.encode()).hexdigest()[:12] if text else ""


def admin_url(path):
    """Absolute address of an admin page, for the staff's e-mails."""
    return f"{getattr(settings, 'WAGTAILADMIN_BASE_URL', '').rstrip('/')}{path}"


def coordinator_addresses(territory, solidarity_settings):
    """The coordinators working for ``territory``, and the section's own address."""
    addresses = coordinator_emails(territory)
    if solidarity_settings.coordinator_email:
        addresses.append(solidarity_settings.coordinator_email)
    return addresses


def apply_model_errors(form, error):
    """Show a model's ValidationError on the form: next to the field when it has one."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def _send_safely(kind, **kwargs):
    # Written in the record's transaction (an outbox: both commit together, delivered after
    # the commit). A message that cannot be written must not lose the record: savepoint.
    try:
        with transaction.atomic():
            notifications.send(kind, **kwargs)
    except Exception:
        logger.exception("Could not send the %s notification", kind)


def _record(form, territory, solidarity_settings, key):
    data = form.cleaned_data
    someone_else = form.asks_for_someone_else()
    person = {
        "first_name": data["first_name"],
        "last_name": data["last_name"],
        "phone": data["phone"],
        "email": "" if someone_else else data["email"],
        "address": data["address"],
        "postcode": data["postcode"],
        "area": data["area"],
        "is_online": bool(data["email"]) and not someone_else,
        "preferred_channel": ContactChannel.PHONE if data["phone"] else ContactChannel.LETTER,
    }
    request_fields = {
        "requester_kind": data["requester_kind"],
        "requester_name": data["requester_name"] if someone_else else "",
        "requester_phone": data["requester_phone"] if someone_else else "",
        "requester_email": data["email"] if someone_else else "",
        "requester_organisation": data["requester_organisation"] if someone_else else "",
        "recurrence": data["recurrence"],
        "wanted_from": data["wanted_from"],
        "description": data["description"],
        "event": data.get("event"),
    }
    with transaction.atomic():
        result = record_request(
            territory=territory,
            person=person,
            services=data["services"],
            channel=IntakeChannel.WEB,
            consent_method=ConsentMethod.WEB_FORM,
            consent_given_by=data["requester_name"] if someone_else else "",
            request_fields=request_fields,
            wanted_slots=parse_slots(data["wanted_slots"]),
            notice_version=notice_version(solidarity_settings),
            submission_key=key,
        )
        if not result.replayed:
            # Services sit on a parental relation: written to the database on save.
            result.request.services.set(data["services"])
            result.request.save()
            if data.get("offer") is not None:
                # Asked only: a coordinator confirms, which is when a place is taken.
                OfferParticipation.objects.create(offer=data["offer"], request=result.request)
            log(result.request, REQUEST_RECEIVED)
            _notify_request(form, result.request, territory, solidarity_settings)
    return result


def _notify_request(form, request, territory, solidarity_settings):
    context = {
        "request": request,
        "reference": request.reference,
        "services": list(form.cleaned_data["services"]),
        "area": form.cleaned_data["area"],
        "offer": form.cleaned_data.get("offer"),
        "event": form.cleaned_data.get("event"),
        "territory": territory,
        "settings": solidarity_settings,
        "admin_url": admin_url(reverse("bippop_requests:inspect", args=[request.pk])),
    }
    _send_safely(
        "request_received",
        to=coordinator_addresses(territory, solidarity_settings),
        context=context,
        territory=territory,
    )
    if form.cleaned_data["email"]:
        _send_safely(
            "request_acknowledgement",
            to=[form.cleaned_data["email"]],
            context=context,
            reply_to=solidarity_settings.coordinator_email or None,
            territory=territory,
        )


def submit_help_request(form, *, territory, solidarity_settings):
    """Store the request; returns the confirmation data, or None with errors on ``form``."""
    key = form.get_submission_key()
    try:
        result = _record(form, territory, solidarity_settings, key)
    except ValidationError as error:
        apply_model_errors(form, error)
        return None
    except IntegrityError:
        # Two copies of the same POST at once: the other one stored the request.
        existing = HelpRequest.objects.filter(submission_key=key).first()
        if existing is None:
            raise
        result = IntakeResult(existing, existing.beneficiary, False, replayed=True)
    request = result.request
    return {"reference": request.reference, "email": bool(form.cleaned_data["email"])}


@transaction.atomic
def _create_volunteer(form, territory, solidarity_settings, key):
    receipt = VolunteerSignupReceipt.objects.filter(submission_key=key).first()
    if receipt:
        return receipt.volunteer, True
    data = form.cleaned_data
    now = timezone.now()
    volunteer = Volunteer(
        territory=territory,
        first_name=data["first_name"],
        last_name=data["last_name"],
        phone=data["phone"],
        email=data["email"],
        address=data["address"],
        postcode=data["postcode"],
        area=data["area"],
        has_car=data["has_car"],
        mobility_radius_km=data["mobility_radius_km"],
        organisation=data["organisation"],
        directory_opt_in=data["directory_opt_in"],
        stage=VettingStage.TO_VET,
        charter_signed_at=now,
    )
    volunteer.full_clean()
    # Set before saving: a parental relation is written together with its parent.
    volunteer.services.set(data["services"])
    volunteer.save()
    AvailabilitySlot.objects.bulk_create(
        [
            AvailabilitySlot(volunteer=volunteer, weekday=day, period=period)
            for day, period in parse_slots(data["availability"])
        ]
    )
    version = notice_version(solidarity_settings)
    purposes = [ConsentPurpose.PROCESSING]
    if data["directory_opt_in"]:
        purposes.append(ConsentPurpose.DIRECTORY)
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                volunteer=volunteer,
                purpose=purpose,
                method=ConsentMethod.WEB_FORM,
                notice_version=version,
            )
            for purpose in purposes
        ]
    )
    VolunteerSignupReceipt.objects.create(submission_key=key, volunteer=volunteer)
    log(volunteer, VOLUNTEER_SIGNED_UP)
    # Written in the same transaction as the volunteer (outbox), delivered after the commit.
    context = {
        "volunteer": volunteer,
        "services": list(data["services"]),
        "area": data["area"],
        "territory": territory,
        "settings": solidarity_settings,
    }
    _send_safely(
        "volunteer_signup",
        to=coordinator_addresses(territory, solidarity_settings),
        context=context,
        territory=territory,
    )
    _send_safely(
        "volunteer_welcome",
        to=[volunteer.email],
        context=context,
        reply_to=solidarity_settings.coordinator_email or None,
        territory=territory,
    )
    return volunteer, False


def submit_volunteer_signup(form, *, territory, solidarity_settings):
    """Store a volunteer "to vet"; returns the confirmation data, or None with form errors."""
    key = form.get_submission_key()
    try:
        _create_volunteer(form, territory, solidarity_settings, key)
    except ValidationError as error:
        apply_model_errors(form, error)
        return None
    except IntegrityError:
        # Two copies of the same POST at once: the other one stored the volunteer.
        if not VolunteerSignupReceipt.objects.filter(submission_key=key).exists():
            raise
    return {"reference": "", "email": True}

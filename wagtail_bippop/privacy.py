"""Living with personal data: retention, anonymisation and the subject-access export.

The CNIL's guidance for social support is to keep a person's data for two years after the
last contact (``BIPPOP_RETENTION_MONTHS``), then to delete or anonymise it. Anonymising keeps
the figures true (visits, hours, loneliness scores, areas) while nobody can be recognised.

The vulnerable persons register (CASF art. L121-6-1 and R121-2 to R121-12) has its own rule:
an entry is kept as long as the person stays registered; once it is removed (the person's
request, or their death or move reported), its personal data are erased
``BIPPOP_REGISTER_WITHDRAWN_ERASE_DAYS`` days later. The row stays, without identity, so
that the register's figures stay true.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log, registry

from .conf import bippop_settings
from .models import (
    OPEN_STATUSES,
    Beneficiary,
    BeneficiaryStatus,
    CampaignCall,
    ConsentRecord,
    ContactLog,
    HelpRequest,
    LonelinessAssessment,
    Mission,
    MissionStatus,
    OutboxMessage,
    RegisterEntry,
    Solicitation,
    VettingStage,
    Visit,
    Volunteer,
    Worry,
)

ANONYMISED = "wagtail_bippop.anonymised"
REGISTER_ERASED = "wagtail_bippop.register_entry_erased"
SUBJECT_ACCESS_EXPORTED = "wagtail_bippop.subject_access_exported"
ACTIONS = {
    ANONYMISED: (_("Anonymised"), _("Personal data anonymised")),
    REGISTER_ERASED: (
        _("Erased"),
        _("Register entry erased after its removal (personal data deleted)"),
    ),
    SUBJECT_ACCESS_EXPORTED: (_("Data exported"), _("Personal data exported (right of access)")),
}
# What an anonymised person is called from then on, in every language.
ANONYMOUS_FIRST_NAME = "—"


def retention_cutoff(now=None):
    """The moment before which a person's last contact makes their data due for anonymising."""
    now = now or timezone.now()
    return now - datetime.timedelta(days=round(bippop_settings.RETENTION_MONTHS * 30.44))


def beneficiaries_due(territory=None, now=None):
    """People with no open request, no mission in progress and no contact since the cutoff."""
    cutoff = retention_cutoff(now)
    people = Beneficiary.objects.exclude(status=BeneficiaryStatus.ANONYMISED).filter(
        updated_at__lt=cutoff
    )
    if territory is not None:
        people = people.filter(territory=territory)
    # Each kind of recent activity keeps a person, whatever the others say.
    recent = [
        HelpRequest.objects.filter(Q(created_at__gte=cutoff) | Q(status__in=OPEN_STATUSES)),
        ContactLog.objects.filter(occurred_at__gte=cutoff),
    ]
    people = people.exclude(id__in=recent[0].values("beneficiary_id"))
    people = people.exclude(id__in=recent[1].values("beneficiary_id"))
    people = people.exclude(
        id__in=Mission.objects.filter(status=MissionStatus.ACTIVE).values("request__beneficiary_id")
    )
    people = people.exclude(
        id__in=Visit.objects.filter(starts_at__gte=cutoff).values(
            "mission__request__beneficiary_id"
        )
    )
    return people.order_by("updated_at")


def volunteers_due(territory=None, now=None):
    """Volunteers who left the network before the cutoff."""
    volunteers = Volunteer.objects.filter(
        stage=VettingStage.LEFT, updated_at__lt=retention_cutoff(now)
    ).exclude(first_name=ANONYMOUS_FIRST_NAME)
    if territory is not None:
        volunteers = volunteers.filter(territory=territory)
    return volunteers.order_by("updated_at")


# Keys of logged data that may hold free text about a person (reasons, notes, recipients).
FREE_TEXT_KEYS = {"reason", "note", "summary", "report", "recipient", "description", "name"}


def _scrub_log_entries(records, label):
    """The audit trail keeps what happened to ``records``; who it was goes.

    Entries are found by identity (content type and id), never by matching a name, so
    nobody else's history is touched whatever their name.
    """
    by_model = {}
    for record in records:
        by_model.setdefault(type(record), set()).add(str(record.pk))
    for model, ids in by_model.items():
        log_model = registry.get_log_model_for_model(model)
        if log_model is None:
            continue
        entries = log_model.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=ids
        )
        for entry in entries.only("pk", "label", "data", "object_id"):
            entry.data = {
                key: value for key, value in (entry.data or {}).items() if key not in FREE_TEXT_KEYS
            }
            if model in (Beneficiary, Volunteer):
                entry.label = label
            else:  # missions, visits, solicitations, messages: their labels name people
                entry.label = f"#{entry.object_id}"
            entry.save(update_fields=["label", "data"])


def _related_records(person):
    """``person`` and the records about them whose log entries may name them."""
    if isinstance(person, Beneficiary):
        requests = list(HelpRequest.objects.filter(beneficiary=person))
        return [
            person,
            *requests,
            *Mission.objects.filter(request__in=requests),
            *Visit.objects.filter(mission__request__in=requests),
            *ContactLog.objects.filter(beneficiary=person),
            *ConsentRecord.objects.filter(beneficiary=person),
            *OutboxMessage.objects.filter(beneficiary=person),
            *Solicitation.objects.filter(request__in=requests),
            *Worry.objects.filter(beneficiary=person),
        ]
    missions = list(Mission.objects.filter(volunteer=person))
    return [
        person,
        *missions,
        *Visit.objects.filter(mission__in=missions),
        *Solicitation.objects.filter(volunteer=person),
        *Worry.objects.filter(raised_by=person),
        *ConsentRecord.objects.filter(volunteer=person),
        *OutboxMessage.objects.filter(volunteer=person),
    ]


def _identifying_strings(person, *free_texts):
    """What names or describes ``person`` in a text: name, contact details, free texts."""
    from .phones import display_phone

    strings = [
        person.full_name,
        f"{person.last_name} {person.first_name}",
        person.phone,
        display_phone(person.phone) if person.phone else "",
        person.email,
        person.address,
        *free_texts,
    ]
    # Too short a string would match unrelated texts; names alone are checked in full.
    return [text for text in dict.fromkeys(t.strip() for t in strings if t) if len(text) >= 5]


def _scrub_outbox(territory_id, strings):
    """Messages not addressed to the person that still quote them (alerts to coordinators
    naming them, quoting a worry): their text goes, the row stays for the figures."""
    if not strings:
        return
    match = Q()
    for text in strings:
        match |= Q(subject__icontains=text) | Q(body__icontains=text)
    scope = Q(territory_id=territory_id) | Q(territory__isnull=True)
    OutboxMessage.objects.filter(scope).filter(match).update(subject="", body="", last_error="")
    recipients = Q()
    for text in strings:
        recipients |= Q(recipient__iexact=text)
    OutboxMessage.objects.filter(scope).filter(recipients).update(recipient="")


def _blank_identity(person, label):
    _scrub_log_entries(_related_records(person), label)
    person.first_name = ANONYMOUS_FIRST_NAME
    person.last_name = label
    for field in ("phone", "email", "address", "postcode"):
        setattr(person, field, "")
    if hasattr(person, "city"):
        person.city = ""


@transaction.atomic
def anonymise_beneficiary(person, *, user=None, now=None):
    """Remove everything that identifies ``person``; keep what the figures need."""
    now = now or timezone.now()
    label = f"#{person.pk}"
    requests = HelpRequest.objects.filter(beneficiary=person)
    free_texts = [
        person.restricted_notes,
        *requests.values_list("description", flat=True),
        *requests.values_list("requester_name", flat=True),
        *requests.values_list("requester_phone", flat=True),
        *requests.values_list("requester_email", flat=True),
        *Visit.objects.filter(mission__request__beneficiary=person).values_list(
            "report", flat=True
        ),
        *Worry.objects.filter(beneficiary=person).values_list("text", flat=True),
        *Worry.objects.filter(beneficiary=person).values_list("handled_note", flat=True),
        *ContactLog.objects.filter(beneficiary=person).values_list("summary", flat=True),
    ]
    _scrub_outbox(person.territory_id, _identifying_strings(person, *free_texts))
    _blank_identity(person, label)
    person.birth_year = None
    person.restricted_notes = ""
    person.status = BeneficiaryStatus.ANONYMISED
    person.anonymised_at = now
    person.save()
    HelpRequest.objects.filter(beneficiary=person).update(
        requester_name="",
        requester_phone="",
        requester_email="",
        requester_organisation="",
        description="",
        close_reason="",
    )
    Mission.objects.filter(request__beneficiary=person).update(end_reason="")
    Visit.objects.filter(mission__request__beneficiary=person).update(report="")
    Worry.objects.filter(beneficiary=person).update(text="", handled_note="")
    ContactLog.objects.filter(beneficiary=person).update(summary="")
    ConsentRecord.objects.filter(beneficiary=person).update(given_by="")
    OutboxMessage.objects.filter(beneficiary=person).update(
        recipient="", subject="", body="", last_error=""
    )
    log(person, ANONYMISED, user=user)
    return person


@transaction.atomic
def anonymise_volunteer(volunteer, *, user=None):
    label = f"#{volunteer.pk}"
    _scrub_outbox(volunteer.territory_id, _identifying_strings(volunteer, volunteer.left_reason))
    _blank_identity(volunteer, label)
    volunteer.directory_opt_in = False
    volunteer.left_reason = "—"  # required for a volunteer who left; says nothing
    volunteer.save()
    volunteer.absences.update(note="")
    if volunteer.user_id:
        account = volunteer.user
        account.is_active = False
        account.email = ""
        account.first_name = account.last_name = ""
        account.save(update_fields=["is_active", "email", "first_name", "last_name"])
    OutboxMessage.objects.filter(volunteer=volunteer).update(
        recipient="", subject="", body="", last_error=""
    )
    ConsentRecord.objects.filter(volunteer=volunteer).update(given_by="")
    log(volunteer, ANONYMISED, user=user)
    return volunteer


def register_entries_due(territory=None, now=None):
    """Register entries removed more than ``BIPPOP_REGISTER_WITHDRAWN_ERASE_DAYS`` ago."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=bippop_settings.REGISTER_WITHDRAWN_ERASE_DAYS)
    entries = RegisterEntry.objects.filter(withdrawn_at__lte=cutoff, erased_at__isnull=True)
    if territory is not None:
        entries = entries.filter(territory=territory)
    return entries.order_by("withdrawn_at")


@transaction.atomic
def erase_register_entry(entry, *, user=None, now=None):
    """Delete the personal data of a removed register entry; the row stays for the figures."""
    now = now or timezone.now()
    label = f"#{entry.pk}"
    strings = [
        f"{entry.first_name} {entry.last_name}",
        f"{entry.last_name} {entry.first_name}",
        entry.phone,
        entry.address,
        entry.emergency_contact,
        entry.emergency_phone,
        entry.home_services,
        entry.requester_name,
        entry.requester_phone,
    ]
    _scrub_outbox(
        entry.territory_id,
        [text for text in dict.fromkeys(t.strip() for t in strings if t) if len(text) >= 5],
    )
    calls = list(CampaignCall.objects.filter(entry=entry))
    _scrub_log_entries([entry, *calls], label)
    CampaignCall.objects.filter(entry=entry).update(note="")
    RegisterEntry.objects.filter(pk=entry.pk).update(
        first_name=ANONYMOUS_FIRST_NAME,
        last_name=label,
        birth_date=None,
        address="",
        phone="",
        emergency_contact="",
        emergency_phone="",
        home_services="",
        # A third party's request must name someone: the placeholder says nothing.
        requester_name="" if entry.requested_by == "self" else ANONYMOUS_FIRST_NAME,
        requester_relation="",
        requester_phone="",
        erased_at=now,
    )
    entry.refresh_from_db()
    log(entry, REGISTER_ERASED, user=user)
    return entry


def _when(value):
    return value.isoformat() if value else None


def subject_access(person):
    """Everything the network holds about a beneficiary, as plain data (RGPD art. 15)."""
    from .models import OfferParticipation, WantedSlot

    requests = HelpRequest.objects.filter(beneficiary=person).prefetch_related("services")
    missions = Mission.objects.filter(request__beneficiary=person).select_related(
        "request", "volunteer"
    )
    visits = Visit.objects.filter(mission__request__beneficiary=person).select_related(
        "mission__request"
    )
    return {
        "person": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "birth_year": person.birth_year,
            "phone": person.phone,
            "email": person.email,
            "address": person.address,
            "postcode": person.postcode,
            "area": str(person.area) if person.area_id else None,
            "preferred_channel": person.get_preferred_channel_display(),
            "lives_alone": person.lives_alone,
            "restricted_notes": person.restricted_notes,
            "status": person.get_status_display(),
            "created_at": _when(person.created_at),
        },
        "consents": [
            {
                "purpose": consent.get_purpose_display(),
                "method": consent.get_method_display(),
                "given_by": consent.given_by,
                "recorded_at": _when(consent.recorded_at),
                "withdrawn_at": _when(consent.withdrawn_at),
            }
            for consent in ConsentRecord.objects.filter(beneficiary=person)
        ],
        "requests": [
            {
                "reference": request.reference,
                "received_at": _when(request.created_at),
                "channel": request.get_channel_display(),
                "services": [str(service) for service in request.services.all()],
                "status": request.get_status_display(),
                "description": request.description,
                "requester_kind": request.get_requester_kind_display(),
                "requester_name": request.requester_name,
                "requester_phone": request.requester_phone,
                "requester_email": request.requester_email,
                "requester_organisation": str(request.requester_organisation or ""),
                "wanted_from": _when(request.wanted_from),
                "wanted_times": [str(slot) for slot in WantedSlot.objects.filter(request=request)],
            }
            for request in requests
        ],
        "participations": [
            {
                "request": participation.request.reference,
                "offer": str(participation.offer),
                "status": participation.get_status_display(),
                "asked_at": _when(participation.asked_at),
                "decided_at": _when(participation.decided_at),
            }
            for participation in OfferParticipation.objects.filter(
                request__beneficiary=person
            ).select_related("offer", "request")
        ],
        "missions": [
            {
                "request": mission.request.reference,
                "volunteer": mission.volunteer.public_name,
                "status": mission.get_status_display(),
                "start_date": _when(mission.start_date),
                "end_date": _when(mission.end_date),
            }
            for mission in missions
        ],
        "visits": [
            {
                "request": visit.mission.request.reference,
                "starts_at": _when(visit.starts_at),
                "status": visit.get_status_display(),
                "duration_minutes": visit.duration_minutes,
                "report": visit.report,
            }
            for visit in visits
        ],
        "contacts": [
            {
                "kind": contact.get_kind_display(),
                "occurred_at": _when(contact.occurred_at),
                "reached": contact.reached,
                "summary": contact.summary,
            }
            for contact in ContactLog.objects.filter(beneficiary=person)
        ],
        "loneliness": [
            {
                "taken_on": _when(assessment.taken_on),
                "moment": assessment.get_moment_display(),
                "lacks_companionship": assessment.lacks_companionship,
                "feels_left_out": assessment.feels_left_out,
                "feels_isolated": assessment.feels_isolated,
                "score": assessment.score,
                "satisfaction": assessment.satisfaction,
            }
            for assessment in LonelinessAssessment.objects.filter(beneficiary=person)
        ],
        "messages": [
            {
                "sent_at": _when(message.sent_at),
                "channel": message.get_channel_display(),
                "subject": message.subject,
                "text": message.body,
            }
            for message in OutboxMessage.objects.filter(beneficiary=person)
        ],
        # Messages to others (coordinators' alerts) that name or quote the person.
        "messages_about": [
            {
                "created_at": _when(message.created_at),
                "kind": message.kind,
                "subject": message.subject,
                "text": message.body,
            }
            for message in _messages_about(person)
        ],
        "worries": [
            {
                "raised_at": _when(worry.raised_at),
                "raised_by": worry.raised_by.public_name if worry.raised_by else "",
                "text": worry.text,
                "handled_at": _when(worry.handled_at),
                "handled_note": worry.handled_note,
            }
            for worry in Worry.objects.filter(beneficiary=person).select_related("raised_by")
        ],
        # Who did what with the file, and who read it (the audit trail about the person).
        "accesses": _accesses(person),
    }


def _messages_about(person):
    strings = [text for text in (person.full_name, person.phone, person.email) if text]
    if not strings:
        return OutboxMessage.objects.none()
    match = Q()
    for text in strings:
        match |= Q(subject__icontains=text) | Q(body__icontains=text)
    return (
        OutboxMessage.objects.filter(match)
        .filter(Q(territory_id=person.territory_id) | Q(territory__isnull=True))
        .exclude(beneficiary=person)
        .order_by("created_at")
    )


def _accesses(person):
    log_model = registry.get_log_model_for_model(Beneficiary)
    if log_model is None:
        return []
    entries = log_model.objects.filter(
        content_type=ContentType.objects.get_for_model(Beneficiary), object_id=str(person.pk)
    ).select_related("user")
    return [
        {
            "at": _when(entry.timestamp),
            "action": str(registry.get_action_label(entry.action)),
            "user": entry.user.get_username() if entry.user_id else "",
        }
        for entry in entries.order_by("timestamp")
    ]


def register_log_actions(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)

"""Recording a help request, whoever takes it: the public form or a coordinator on the phone.

The person is found or created (duplicates by normalised phone, or by name and birth
year), the consent is recorded and the request stored, all in one transaction.
"""

from dataclasses import dataclass

from django.db import transaction

from .models import Beneficiary, ConsentPurpose, ConsentRecord, HelpRequest, WantedSlot


@dataclass
class IntakeResult:
    request: HelpRequest
    beneficiary: Beneficiary
    beneficiary_created: bool
    replayed: bool = False


def find_duplicates(territory, *, first_name, last_name, phone="", birth_year=None):
    probe = Beneficiary(
        territory=territory,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        birth_year=birth_year,
    )
    return probe.duplicates()


@transaction.atomic
def record_request(
    *,
    territory,
    person,
    services,
    channel,
    consent_method,
    request_fields=None,
    wanted_slots=(),
    beneficiary=None,
    consent_given_by="",
    recorded_by=None,
    notice_version="",
    submission_key=None,
):
    """Store a request for ``beneficiary`` or for the person described by ``person``.

    ``person`` holds Beneficiary field values; when no ``beneficiary`` is given, the first
    duplicate by normalised phone is reused, else a new person is created.
    ``submission_key`` makes a replayed form POST return the first request.
    """
    if submission_key:
        existing = HelpRequest.objects.filter(submission_key=submission_key).first()
        if existing:
            return IntakeResult(existing, existing.beneficiary, False, replayed=True)
    created = False
    if beneficiary is None:
        candidate = Beneficiary(territory=territory, **person)
        candidate.full_clean(exclude=["territory"])
        beneficiary = (
            Beneficiary.objects.filter(territory=territory, phone=candidate.phone).first()
            if candidate.phone
            else None
        )
        if beneficiary is None:
            candidate.created_by = recorded_by
            candidate.save()
            beneficiary, created = candidate, True
    ConsentRecord.objects.create(
        beneficiary=beneficiary,
        purpose=ConsentPurpose.PROCESSING,
        method=consent_method,
        given_by=consent_given_by,
        recorded_by=recorded_by,
        notice_version=notice_version,
    )
    request = HelpRequest(
        territory=territory,
        beneficiary=beneficiary,
        channel=channel,
        created_by=recorded_by,
        submission_key=submission_key,
        **(request_fields or {}),
    )
    request.full_clean(exclude=["services", "reference", "submission_key"])
    # Parental relations (services, wanted slots) are written by save(), with the request.
    request.services.set(services)
    request.wanted_slots = [
        WantedSlot(weekday=day, period=period) for day, period in dict.fromkeys(wanted_slots)
    ]
    request.save()
    return IntakeResult(request, beneficiary, created)

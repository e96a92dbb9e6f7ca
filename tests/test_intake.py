"""Recording a request stores the person, the consent, the request and its parts together."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from wagtail_bippop.intake import find_duplicates, record_request
from wagtail_bippop.models import (
    Beneficiary,
    ConsentMethod,
    ConsentRecord,
    HelpRequest,
    IntakeChannel,
)

pytestmark = pytest.mark.django_db


def record(territory, service, **kwargs):
    kwargs.setdefault(
        "person", {"first_name": "Simone", "last_name": "Garnier", "phone": "06 11 22 33 44"}
    )
    return record_request(
        territory=territory,
        services=[service],
        channel=IntakeChannel.WEB,
        consent_method=ConsentMethod.WEB_FORM,
        **kwargs,
    )


def test_person_consent_request_services_and_slots_stored(territory, service):
    result = record(
        territory, service, wanted_slots=[(1, "afternoon"), (1, "afternoon"), (3, "morning")]
    )
    request = HelpRequest.objects.get(pk=result.request.pk)
    assert result.beneficiary_created
    assert request.beneficiary.phone == "+33611223344"
    assert list(request.services.all()) == [service]
    assert sorted(request.wanted_slots.values_list("weekday", "period")) == [
        (1, "afternoon"),
        (3, "morning"),
    ]
    assert ConsentRecord.objects.filter(beneficiary=request.beneficiary).count() == 1


def test_same_phone_reuses_the_person(territory, service):
    first = record(territory, service)
    second = record(
        territory,
        service,
        person={"first_name": "S.", "last_name": "Garnier", "phone": "+33 6 11 22 33 44"},
    )
    assert not second.beneficiary_created
    assert second.beneficiary == first.beneficiary
    assert Beneficiary.objects.count() == 1


def test_replayed_submission_returns_the_first_request(territory, service):
    key = uuid.uuid4()
    first = record(territory, service, submission_key=key)
    again = record(territory, service, submission_key=key)
    assert again.replayed and again.request == first.request
    assert HelpRequest.objects.count() == 1


def test_invalid_person_stores_nothing(territory, service):
    with pytest.raises(ValidationError):
        record(territory, service, person={"first_name": "X", "last_name": "Y", "phone": "12"})
    assert not Beneficiary.objects.exists() and not HelpRequest.objects.exists()


def test_find_duplicates_by_name_and_birth_year(territory, make_beneficiary):
    known = make_beneficiary(first_name="Marcel", last_name="Dupré", birth_year=1938)
    found = find_duplicates(territory, first_name="marcel", last_name="DUPRE", birth_year=1938)
    assert list(found) == [known]

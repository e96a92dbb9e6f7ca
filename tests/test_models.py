"""Every invariant of the domain, checked twice: by model validation and by the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from wagtail_bippop.models import (
    Absence,
    AvailabilitySlot,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    HelpRequest,
    Mission,
    MissionStatus,
    RequestStatus,
    ServiceType,
    Solicitation,
    Territory,
    VettingStage,
    Visit,
    VisitStatus,
    Volunteer,
    WantedSlot,
)

pytestmark = pytest.mark.django_db


def violates_constraint(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


# -- Territory and catalogue -------------------------------------------------------------


def test_new_territory_gets_the_default_catalogue_in_french(territory):
    names = list(ServiceType.objects.filter(territory=territory).values_list("name", flat=True))
    assert len(names) == 9
    assert "Visite de convivialité" in names
    assert "Lecture à voix haute" in names


def test_catalogue_is_per_territory_and_editable(territory, other_territory):
    service = territory.services.get(slug="balade")
    service.name = "Promenade au bord de l'Aronde"
    service.save()
    assert other_territory.services.get(slug="balade").name == "Balade"


def test_service_slug_unique_per_territory(territory):
    violates_constraint(
        lambda: ServiceType.objects.create(territory=territory, name="Balade", slug="balade")
    )


def test_one_site_holds_several_territories(site, territory, other_territory):
    assert set(Territory.objects.for_site(site)) == {territory, other_territory}


# -- People ------------------------------------------------------------------------------


def test_phone_is_normalised_whatever_the_typing(make_beneficiary):
    person = make_beneficiary(phone=" 06 12 34 56 78 ")
    assert person.phone == "+33612345678"


def test_invalid_phone_is_refused_with_a_clear_message(make_beneficiary):
    with pytest.raises(ValidationError) as error:
        make_beneficiary(phone="12 34")
    assert "phone" in error.value.message_dict


def test_duplicates_by_phone_or_by_name_and_birth_year(
    territory, other_territory, make_beneficiary
):
    first = make_beneficiary(first_name="Jeanne", last_name="Lefèvre", birth_year=1941)
    same_phone = make_beneficiary(first_name="J.", last_name="Autre", phone=first.phone)
    same_name = make_beneficiary(first_name="jeanne", last_name="LEFEVRE", birth_year=1941)
    other_year = make_beneficiary(first_name="Jeanne", last_name="Lefèvre", birth_year=1950)
    make_beneficiary(
        territory=other_territory,
        first_name="Jeanne",
        last_name="Lefèvre",
        birth_year=1941,
        phone=first.phone,
    )
    found = set(first.duplicates())
    assert found == {same_phone, same_name}
    assert other_year not in found


def test_birth_year_in_the_future_refused(make_beneficiary):
    with pytest.raises(ValidationError) as error:
        make_beneficiary(birth_year=timezone.localdate().year + 1)
    assert "birth_year" in error.value.message_dict


def test_birth_year_implausible_refused_by_database(make_beneficiary):
    person = make_beneficiary()
    person.birth_year = 1850
    violates_constraint(person.save)


def test_area_of_another_territory_refused(make_beneficiary, other_territory):
    from wagtail_bippop.models import Area

    elsewhere = Area.objects.create(territory=other_territory, name="Ailleurs")
    with pytest.raises(ValidationError) as error:
        make_beneficiary(area=elsewhere)
    assert "area" in error.value.message_dict


def test_public_name_is_first_name_and_initial(make_volunteer):
    assert make_volunteer(first_name="Hortense", last_name="Garnier").public_name == "Hortense G."


def test_active_volunteer_needs_a_compatible_honourability_check(make_volunteer, territory):
    volunteer = Volunteer(
        territory=territory, first_name="A", last_name="B", stage=VettingStage.ACTIVE
    )
    with pytest.raises(ValidationError) as error:
        volunteer.full_clean()
    assert "stage" in error.value.message_dict
    violates_constraint(volunteer.save)


def test_honourability_check_is_dated_and_decided_together(make_volunteer):
    volunteer = make_volunteer(stage=VettingStage.TO_VET)
    volunteer.honourability_checked_on = datetime.date(2026, 3, 1)
    with pytest.raises(ValidationError):
        volunteer.full_clean()
    violates_constraint(volunteer.save)


def test_load_cap_range(make_volunteer):
    volunteer = make_volunteer()
    volunteer.load_cap = 0
    with pytest.raises(ValidationError):
        volunteer.full_clean()
    violates_constraint(volunteer.save)


def test_leaving_needs_a_reason(make_volunteer):
    volunteer = make_volunteer()
    volunteer.stage = VettingStage.LEFT
    with pytest.raises(ValidationError) as error:
        volunteer.full_clean()
    assert "left_reason" in error.value.message_dict


def test_availability_slot_is_unique(make_volunteer):
    volunteer = make_volunteer()
    AvailabilitySlot.objects.create(volunteer=volunteer, weekday=1, period="afternoon")
    violates_constraint(
        lambda: AvailabilitySlot.objects.create(volunteer=volunteer, weekday=1, period="afternoon")
    )


def test_volunteer_edited_with_slots_and_absences_as_one_cluster(make_volunteer):
    volunteer = make_volunteer()
    volunteer.availability = [
        AvailabilitySlot(weekday=0, period="morning"),
        AvailabilitySlot(weekday=3, period="evening"),
    ]
    volunteer.absences = [
        Absence(start_date=datetime.date(2026, 8, 1), end_date=datetime.date(2026, 8, 15))
    ]
    volunteer.save()
    volunteer.refresh_from_db()
    assert volunteer.availability.count() == 2
    assert volunteer.absences.get().end_date == datetime.date(2026, 8, 15)


def test_absence_ends_after_it_starts(make_volunteer):
    volunteer = make_volunteer()
    absence = Absence(
        volunteer=volunteer,
        start_date=datetime.date(2026, 8, 10),
        end_date=datetime.date(2026, 8, 1),
    )
    with pytest.raises(ValidationError):
        absence.full_clean()
    violates_constraint(absence.save)


def test_consent_belongs_to_exactly_one_person(make_beneficiary, make_volunteer):
    consent = ConsentRecord(
        beneficiary=make_beneficiary(),
        volunteer=make_volunteer(),
        purpose=ConsentPurpose.PROCESSING,
        method=ConsentMethod.ORAL,
    )
    with pytest.raises(ValidationError):
        consent.full_clean()
    violates_constraint(consent.save)
    violates_constraint(
        lambda: ConsentRecord.objects.create(
            purpose=ConsentPurpose.PROCESSING, method=ConsentMethod.ORAL
        )
    )


# -- Requests ----------------------------------------------------------------------------


def test_request_gets_a_readable_unique_reference(make_request):
    first, second = make_request(), make_request()
    year = timezone.now().year
    assert first.reference.startswith(f"DA-{year}-")
    assert len(first.reference) == len(f"DA-{year}-") + 5
    assert first.reference != second.reference
    assert not set(first.reference[8:]) & set("01OIL")


def test_request_lifecycle_allows_only_listed_moves(make_request):
    request = make_request()
    with pytest.raises(ValidationError):
        request.move_to(RequestStatus.MATCHED)
    request.move_to(RequestStatus.CONTACTED)
    assert request.first_contact_at is not None
    request.move_to(RequestStatus.SEARCHING)
    request.move_to(RequestStatus.MATCHED)
    request.move_to(RequestStatus.CLOSED, reason="Fin de l'accompagnement")
    request.save()
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert request.closed_at >= request.created_at
    for status in RequestStatus:
        assert not request.can_move_to(status)


def test_request_person_of_another_territory_refused(
    make_request, other_territory, make_beneficiary
):
    stranger = make_beneficiary(territory=other_territory)
    request = HelpRequest(territory=make_request().territory, beneficiary=stranger, channel="phone")
    with pytest.raises(ValidationError) as error:
        request.full_clean(exclude=["reference"])
    assert "beneficiary" in error.value.message_dict


def test_request_cannot_be_called_back_before_it_arrived(make_request):
    request = make_request()
    request.first_contact_at = request.created_at - datetime.timedelta(hours=1)
    with pytest.raises(ValidationError):
        request.full_clean()
    violates_constraint(request.save)


def test_wanted_slots_are_unique(make_request):
    request = make_request()
    WantedSlot.objects.create(request=request, weekday=2, period="morning")
    violates_constraint(
        lambda: WantedSlot.objects.create(request=request, weekday=2, period="morning")
    )


def test_volunteer_solicited_once_per_request(make_request, make_volunteer):
    request, volunteer = make_request(), make_volunteer()
    Solicitation.objects.create(request=request, volunteer=volunteer)
    violates_constraint(lambda: Solicitation.objects.create(request=request, volunteer=volunteer))


# -- Missions and visits -----------------------------------------------------------------


def test_one_active_mission_per_request(make_mission, make_volunteer):
    mission = make_mission()
    second = Mission(request=mission.request, volunteer=make_volunteer())
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "request" in error.value.message_dict
    violates_constraint(second.save)
    # The same volunteer twice is refused too.
    violates_constraint(
        lambda: Mission.objects.create(request=mission.request, volunteer=mission.volunteer)
    )
    # Once the first mission ended, a new one may start.
    mission.status = MissionStatus.ENDED
    mission.save()
    second.save()
    assert second.pk


def test_mission_volunteer_of_another_territory_refused(
    make_request, make_volunteer, other_territory
):
    mission = Mission(request=make_request(), volunteer=make_volunteer(territory=other_territory))
    with pytest.raises(ValidationError) as error:
        mission.full_clean()
    assert "volunteer" in error.value.message_dict


def test_mission_ends_after_it_starts(make_mission):
    mission = make_mission()
    mission.end_date = mission.start_date - datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        mission.full_clean()
    violates_constraint(mission.save)


def test_visit_ends_after_it_starts(make_mission):
    mission = make_mission()
    start = timezone.now()
    visit = Visit(mission=mission, starts_at=start, ends_at=start)
    with pytest.raises(ValidationError) as error:
        visit.full_clean()
    assert "ends_at" in error.value.message_dict
    violates_constraint(visit.save)


def test_done_visit_has_a_plausible_duration(make_visit):
    visit = make_visit()
    visit.status = VisitStatus.DONE
    with pytest.raises(ValidationError):
        visit.full_clean()
    violates_constraint(visit.save)
    visit.duration_minutes = 13 * 60
    with pytest.raises(ValidationError):
        visit.full_clean()
    violates_constraint(visit.save)
    visit.duration_minutes = 75
    visit.full_clean()
    visit.save()


def test_visit_planned_once_per_slot(make_visit):
    visit = make_visit()
    violates_constraint(
        lambda: Visit.objects.create(
            mission=visit.mission, starts_at=visit.starts_at, ends_at=visit.ends_at
        )
    )


def test_fixtures_store_services(make_volunteer, make_request, service):
    volunteer = make_volunteer(services=[service])
    request = make_request(services=[service])
    assert Volunteer.objects.filter(pk=volunteer.pk, services=service).exists()
    assert HelpRequest.objects.filter(pk=request.pk, services=service).exists()

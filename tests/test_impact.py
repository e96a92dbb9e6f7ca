"""3-item UCLA Loneliness Scale: validated by the model and by the database; kept from the
read-only role."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from wagtail_bippop.models import Beneficiary, LonelinessAssessment
from wagtail_bippop.roles import COORDINATOR_GROUP, READ_ONLY_GROUP


def measure(beneficiary, items=(2, 2, 2), **fields):
    return LonelinessAssessment(
        beneficiary=beneficiary,
        lacks_companionship=items[0],
        feels_left_out=items[1],
        feels_isolated=items[2],
        **fields,
    )


def test_score_is_the_sum_of_the_three_items(make_beneficiary):
    m = measure(make_beneficiary(), (1, 3, 2))
    m.full_clean()
    m.save()
    assert m.score == 6


@pytest.mark.parametrize("items", [(0, 2, 2), (2, 4, 2), (2, 2, 9)])
def test_items_outside_1_to_3_are_refused_by_the_model(make_beneficiary, items):
    with pytest.raises(ValidationError):
        measure(make_beneficiary(), items).full_clean()


@pytest.mark.parametrize("items", [(0, 2, 2), (2, 4, 2)])
def test_items_outside_1_to_3_are_refused_by_the_database(make_beneficiary, items):
    with pytest.raises(IntegrityError), transaction.atomic():
        measure(make_beneficiary(), items).save()


def test_database_refuses_a_score_that_is_not_the_sum(make_beneficiary):
    m = measure(make_beneficiary())
    m.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        LonelinessAssessment.objects.filter(pk=m.pk).update(score=9)


def test_satisfaction_is_1_to_4(make_beneficiary):
    with pytest.raises(IntegrityError), transaction.atomic():
        measure(make_beneficiary(), satisfaction=5).save()


@pytest.fixture
def coordinator(make_staff, territory):
    Group.objects.get_or_create(name=COORDINATOR_GROUP)
    return make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)


def test_coordinator_group_may_record_measures(coordinator):
    assert coordinator.has_perm("wagtail_bippop.add_lonelinessassessment")
    assert coordinator.has_perm("wagtail_bippop.view_registerentry")


def test_coordinator_records_a_measure_for_own_people_only(
    client, coordinator, make_beneficiary, other_territory
):
    mine = make_beneficiary()
    stranger = Beneficiary.objects.create(territory=other_territory, first_name="Z", last_name="Z")
    client.force_login(coordinator)
    data = {
        "taken_on": "2026-03-01",
        "moment": "intake",
        "lacks_companionship": "3",
        "feels_left_out": "2",
        "feels_isolated": "3",
        "satisfaction": "",
    }
    url = reverse("bippop_loneliness:add")
    assert client.post(url, {**data, "beneficiary": stranger.pk}).status_code == 200
    assert not LonelinessAssessment.objects.exists()
    assert client.post(url, {**data, "beneficiary": mine.pk}).status_code == 302
    saved = LonelinessAssessment.objects.get()
    assert (saved.score, saved.taken_by, saved.taken_on) == (
        8,
        coordinator,
        datetime.date(2026, 3, 1),
    )
    other = measure(stranger)
    other.save()
    edit = reverse("bippop_loneliness:edit", args=[other.pk])
    assert client.get(edit).status_code == 404
    listing = client.get(reverse("bippop_loneliness:index"))
    assert [m.pk for m in listing.context["object_list"]] == [saved.pk]


def test_read_only_role_never_sees_a_score(client, make_staff, territory, make_beneficiary):
    Group.objects.get_or_create(name=READ_ONLY_GROUP)
    user = make_staff("elu", territories=[territory], group=READ_ONLY_GROUP)
    m = measure(make_beneficiary())
    m.save()
    client.force_login(user)
    assert client.get(reverse("bippop_loneliness:index")).status_code in (302, 403, 404)
    assert client.get(reverse("bippop_loneliness:edit", args=[m.pk])).status_code in (302, 403, 404)

"""Earlier audit entries of the network move to the territory-scoped log (migration 0013)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

from wagtail_bippop.models import Beneficiary, Visit
from wagtail_bippop.models.audit import BippopLogEntry

pytestmark = pytest.mark.django_db

migration = importlib.import_module("wagtail_bippop.migrations.0013_move_log_entries_by_territory")


def old_entry(instance, label):
    return ModelLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        label=label,
        action="wagtail_bippop.contact.log",
        timestamp=timezone.now(),
    )


def test_entries_move_with_the_territory_of_their_record(make_visit, other_territory):
    visit = make_visit()
    person = visit.mission.request.beneficiary
    old_entry(person, "Jeanne Martin")
    old_entry(visit, "a visit")
    gone = old_entry(person, "someone deleted")
    gone.object_id = "999999"
    gone.save()
    unrelated = ModelLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(ContentType),
        object_id="1",
        label="not ours",
        action="wagtail.edit",
        timestamp=timezone.now(),
    )

    migration.forward(apps, None)

    moved = {entry.label: entry.territory_id for entry in BippopLogEntry.objects.all()}
    assert moved == {
        "Jeanne Martin": person.territory_id,
        "a visit": visit.mission.request.territory_id,
        "someone deleted": None,
    }
    assert list(ModelLogEntry.objects.values_list("pk", flat=True)) == [unrelated.pk]
    assert person.territory_id != other_territory.pk

    migration.backward(apps, None)
    assert BippopLogEntry.objects.count() == 0
    assert (
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Beneficiary)
        ).count()
        == 2
    )
    assert (
        ModelLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Visit)).count()
        == 1
    )

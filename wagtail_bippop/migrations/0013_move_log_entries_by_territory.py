"""Move the network's earlier audit entries into the territory-scoped log.

Before 0011 every action on a person, request or mission went to Wagtail's generic
``ModelLogEntry``, which any admin with access to reports could read whatever their
territory. Those entries move to ``BippopLogEntry`` with the territory of their record, so
that the site history shows a coordinator only their own territories. Entries whose record
is gone keep no territory: only superusers see them.
"""

from django.db import migrations

APP = "wagtail_bippop"
# How far to follow foreign keys to reach a territory (visit → mission → request).
MAX_HOPS = 3
BATCH = 2000
COPIED_FIELDS = [
    "content_type_id",
    "label",
    "action",
    "data",
    "timestamp",
    "uuid",
    "user_id",
    "content_changed",
    "deleted",
    "object_id",
]


def territory_path(model, hops=MAX_HOPS):
    """The lookup from ``model`` to its territory's id, or None when it has none."""
    if model._meta.model_name == "territory":
        return "pk"
    for field in model._meta.concrete_fields:
        if field.many_to_one and field.related_model._meta.model_name == "territory":
            return field.attname
    if hops == 0:
        return None
    for field in model._meta.concrete_fields:
        related = field.related_model
        if field.many_to_one and related is not model and related._meta.app_label == APP:
            rest = territory_path(related, hops - 1)
            if rest is not None:
                return f"{field.name}__{'territory' if rest == 'pk' else rest}"
    return None


def is_page(model):
    return any(base._meta.model_name == "page" for base in model._meta.get_parent_list())


def forward(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    BippopLogEntry = apps.get_model(APP, "BippopLogEntry")
    for content_type in ContentType.objects.filter(app_label=APP):
        try:
            model = apps.get_model(APP, content_type.model)
        except LookupError:
            continue
        path = territory_path(model)
        if path is None or is_page(model) or model is BippopLogEntry:
            continue
        entries = ModelLogEntry.objects.filter(content_type_id=content_type.pk).order_by("pk")
        while True:
            batch = list(entries[:BATCH])
            if not batch:
                break
            pks = {entry.object_id for entry in batch}
            territories = {
                str(pk): territory
                for pk, territory in model._base_manager.filter(
                    pk__in=[pk for pk in pks if pk.isdigit()]
                ).values_list("pk", path)
            }
            BippopLogEntry.objects.bulk_create(
                [
                    BippopLogEntry(
                        territory_id=territories.get(entry.object_id),
                        **{name: getattr(entry, name) for name in COPIED_FIELDS},
                    )
                    for entry in batch
                ]
            )
            ModelLogEntry.objects.filter(pk__in=[entry.pk for entry in batch]).delete()


def backward(apps, schema_editor):
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    BippopLogEntry = apps.get_model(APP, "BippopLogEntry")
    entries = BippopLogEntry.objects.order_by("pk")
    while True:
        batch = list(entries[:BATCH])
        if not batch:
            break
        ModelLogEntry.objects.bulk_create(
            [
                ModelLogEntry(**{name: getattr(entry, name) for name in COPIED_FIELDS})
                for entry in batch
            ]
        )
        BippopLogEntry.objects.filter(pk__in=[entry.pk for entry in batch]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_bippop", "0012_offer_permissions"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward)]

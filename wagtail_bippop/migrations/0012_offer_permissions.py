"""Give the coordinators' group the permissions on offers of help and their participations."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COORDINATOR_GROUP = "Coordinateur"
CODENAMES = [
    *(f"{action}_offer" for action in ("add", "change", "delete", "view")),
    *(f"{action}_offerparticipation" for action in ("change", "view")),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtail_bippop", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=COORDINATOR_GROUP).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="wagtail_bippop", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_bippop", "0011_audit_log_by_territory"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

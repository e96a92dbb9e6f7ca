"""Create the two staff groups named in ``wagtail_bippop.roles``.

"Coordinateur" may manage the people and activity of the network (which territories a
coordinator sees is decided by ``TerritoryAccess``, not here); "Élu·e — lecture" may open
the admin to read aggregates, with no permission on any personal data.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COORDINATOR_GROUP = "Coordinateur"
READ_ONLY_GROUP = "Élu·e — lecture"

ALL_ACTIONS = ("add", "change", "delete", "view")
# Model name → actions a coordinator may take on it.
COORDINATOR_PERMISSIONS = {
    "territory": ("change", "view"),
    "area": ALL_ACTIONS,
    "servicetype": ALL_ACTIONS,
    "organisation": ALL_ACTIONS,
    "beneficiary": ALL_ACTIONS,
    "volunteer": ALL_ACTIONS,
    "availabilityslot": ALL_ACTIONS,
    "absence": ALL_ACTIONS,
    "consentrecord": ("add", "view"),
    "trainingsession": ALL_ACTIONS,
    "trainingattendance": ALL_ACTIONS,
    "helprequest": ALL_ACTIONS,
    "wantedslot": ALL_ACTIONS,
    "solicitation": ALL_ACTIONS,
    "mission": ALL_ACTIONS,
    "visit": ALL_ACTIONS,
    "contactlog": ALL_ACTIONS,
}


def _ensure_permissions(apps):
    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_groups(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    coordinator, _ = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    codenames = [
        f"{action}_{model}"
        for model, actions in COORDINATOR_PERMISSIONS.items()
        for action in actions
    ]
    coordinator.permissions.add(
        access_admin,
        *Permission.objects.filter(
            content_type__app_label="wagtail_bippop", codename__in=codenames
        ),
    )
    read_only, _ = Group.objects.get_or_create(name=READ_ONLY_GROUP)
    read_only.permissions.add(access_admin)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[COORDINATOR_GROUP, READ_ONLY_GROUP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_bippop", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]

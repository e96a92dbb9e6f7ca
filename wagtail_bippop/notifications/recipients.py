"""Who receives the messages meant for staff."""

from django.contrib.auth import get_user_model

from ..roles import COORDINATOR_GROUP


def coordinator_emails(territory):
    """E-mail addresses of the active coordinators working for ``territory``."""
    users = get_user_model().objects.filter(
        is_active=True,
        groups__name=COORDINATOR_GROUP,
        bippop_territory_access__territory=territory,
    )
    return list(users.exclude(email="").values_list("email", flat=True).distinct())

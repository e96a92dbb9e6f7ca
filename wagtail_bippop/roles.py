"""Staff roles and the territories each user may see.

Two groups are created by a migration: coordinators (full access to the people of their
own territories) and the read-only role for elected officials and funders (aggregates
only, never a person). Which territories a user works for is a ``TerritoryAccess`` row;
superusers see every territory.
"""

from .models import Territory

COORDINATOR_GROUP = "Coordinateur"
READ_ONLY_GROUP = "Élu·e — lecture"


def territories_for_user(user):
    if not user.is_authenticated or not user.is_active:
        return Territory.objects.none()
    if user.is_superuser:
        return Territory.objects.all()
    return Territory.objects.filter(staff_access__user=user)


def is_read_only(user):
    """True for users who may see aggregates but no personal data."""
    if user.is_superuser:
        return False
    names = set(user.groups.values_list("name", flat=True))
    return READ_ONLY_GROUP in names and COORDINATOR_GROUP not in names


# The two roles an account of the town's staff can have, by the group that gives it.
COORDINATOR = "coordinator"
READ_ONLY = "read_only"
ROLE_GROUPS = {COORDINATOR: COORDINATOR_GROUP, READ_ONLY: READ_ONLY_GROUP}


def role_of(user):
    """``COORDINATOR``, ``READ_ONLY`` or None (an account in neither group sees nothing)."""
    names = set(user.groups.values_list("name", flat=True))
    if COORDINATOR_GROUP in names:
        return COORDINATOR
    if READ_ONLY_GROUP in names:
        return READ_ONLY
    return None


def set_role(user, role):
    """Put ``user`` in the group of ``role`` and out of the other role's group."""
    from django.contrib.auth.models import Group

    for key, name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        if key == role:
            user.groups.add(group)
        else:
            user.groups.remove(group)

"""The staff groups created by migration, and what each may do."""

import pytest
from django.contrib.auth.models import Group

from wagtail_bippop.roles import COORDINATOR_GROUP, READ_ONLY_GROUP, is_read_only

pytestmark = pytest.mark.django_db


def test_coordinator_group_can_manage_people_and_open_the_admin():
    codenames = set(
        Group.objects.get(name=COORDINATOR_GROUP).permissions.values_list("codename", flat=True)
    )
    assert "access_admin" in codenames
    for model in ("beneficiary", "volunteer", "helprequest", "mission", "visit", "contactlog"):
        assert {f"view_{model}", f"add_{model}", f"change_{model}"} <= codenames
    # Staff access per territory is the superuser's business, not a coordinator's.
    assert not any(code.endswith("_territoryaccess") for code in codenames)
    assert "delete_territory" not in codenames


def test_read_only_group_has_no_personal_data_permission():
    permissions = Group.objects.get(name=READ_ONLY_GROUP).permissions
    assert permissions.filter(codename="access_admin").exists()
    assert not permissions.filter(content_type__app_label="wagtail_bippop").exists()


def test_roles_of_users_in_the_groups(make_staff, territory):
    elected = make_staff("elu", group=READ_ONLY_GROUP)
    coordinator = make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)
    assert is_read_only(elected)
    assert not is_read_only(coordinator)
    assert elected.has_perm("wagtailadmin.access_admin")
    assert not elected.has_perm("wagtail_bippop.view_beneficiary")
    assert coordinator.has_perm("wagtail_bippop.change_volunteer")

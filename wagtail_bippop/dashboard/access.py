"""Who may see what in the steering part."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ..conf import bippop_settings
from ..roles import is_read_only, territories_for_user

REGISTER_PERMISSION = "wagtail_bippop.view_registerentry"


def visible_territories(user):
    territories = territories_for_user(user)
    if not territories.exists():
        raise PermissionDenied
    return territories


def small_cell_threshold(user):
    """The read-only role never sees a count of fewer than N people."""
    return bippop_settings.SMALL_CELL_THRESHOLD if is_read_only(user) else None


def require_person_access(user):
    """Views that show a person: never for the read-only role."""
    if is_read_only(user):
        raise PermissionDenied
    return visible_territories(user)


def require_register_access(user):
    """The register is kept apart: its own permission on top of the territory scope."""
    territories = require_person_access(user)
    if not user.has_perm(REGISTER_PERMISSION):
        raise PermissionDenied
    return territories


def get_scoped(queryset, user, *, territory_field="territory", **lookup):
    """One object of the user's territories, or 404 (never say it exists elsewhere)."""
    territory_ids = territories_for_user(user).values("pk")
    obj = queryset.filter(**{f"{territory_field}__in": territory_ids}, **lookup).first()
    if obj is None:
        raise Http404
    return obj


class BreadcrumbsMixin:
    """Admin pages of the steering part: "Home > <page title>" above the page."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

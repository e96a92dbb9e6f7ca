"""Admin hooks of the coordinator section."""

from django.urls import include, path
from wagtail import hooks

from . import log_actions, urls
from .viewsets import (
    URL_NAMESPACE,
    BeneficiaryChooserViewSet,
    SolidarityViewSetGroup,
    VolunteerChooserViewSet,
)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [
        SolidarityViewSetGroup(),
        BeneficiaryChooserViewSet(),
        VolunteerChooserViewSet(),
    ]


@hooks.register("register_admin_urls")
def register_urls():
    return [path("solidarite/", include((urls.urlpatterns, URL_NAMESPACE)))]


hooks.register("register_log_actions", log_actions.register)


@hooks.register("construct_reports_menu")
def hide_site_history_from_staff(request, menu_items):
    # Wagtail's site-wide history is not scoped by territory: only superusers see it.
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]

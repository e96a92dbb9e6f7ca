"""Admin hooks of the coordinator section."""

from django.templatetags.static import static
from django.urls import include, path
from django.utils.html import format_html
from wagtail import hooks

from .. import privacy
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
hooks.register("register_log_actions", privacy.register_log_actions)


@hooks.register("insert_global_admin_css")
def coordinator_css():
    return format_html(
        '<link rel="stylesheet" href="{}">', static("wagtail_bippop/css/coordinator-admin.css")
    )

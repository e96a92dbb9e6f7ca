"""Admin hooks of the steering part: URLs, the "Steering" menu, home panel, log labels."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from ..roles import is_read_only, territories_for_user
from . import campaign_views, views
from .access import REGISTER_PERMISSION
from .panels import SteeringPanel
from .viewsets import loneliness_viewset, register_viewset

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("isolation/", views.IsolationWatchView.as_view(), name="isolation"),
    path("isolation/<int:pk>/call/", views.IsolationWatchView.as_view(), name="log_call"),
    path("campaigns/", campaign_views.CampaignIndexView.as_view(), name="campaigns"),
    path("campaigns/<int:pk>/", campaign_views.CampaignView.as_view(), name="campaign"),
    path(
        "campaigns/<int:pk>/close/",
        campaign_views.CampaignCloseView.as_view(),
        name="campaign_close",
    ),
    path(
        "campaigns/<int:pk>/export/",
        campaign_views.CampaignExportView.as_view(),
        name="campaign_export",
    ),
    path(
        "campaigns/calls/<int:pk>/",
        campaign_views.CampaignCallView.as_view(),
        name="campaign_call",
    ),
]


@hooks.register("register_admin_urls")
def register_steering_urls():
    return [path("steering/", include((urlpatterns, "wagtail_bippop_steering")))]


@hooks.register("register_admin_viewset")
def register_register_viewset():
    return register_viewset


@hooks.register("register_admin_viewset")
def register_loneliness_viewset():
    return loneliness_viewset


class StaffMenuItem(MenuItem):
    """Shown to staff who work for at least one territory."""

    people = False
    permission = None

    def __init__(self, *args, people=False, permission=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.people, self.permission = people, permission

    def is_shown(self, request):
        user = request.user
        if not territories_for_user(user).exists():
            return False
        if self.people and is_read_only(user):
            return False
        return not self.permission or user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def register_steering_menu():
    items = [
        StaffMenuItem(
            _("Dashboard"), reverse("wagtail_bippop_steering:dashboard"), icon_name="site"
        ),
        StaffMenuItem(
            _("Isolation watch"),
            reverse("wagtail_bippop_steering:isolation"),
            icon_name="warning",
            people=True,
        ),
        StaffMenuItem(
            _("Loneliness measures"),
            loneliness_viewset.menu_url,
            icon_name="pick",
            people=True,
            permission="wagtail_bippop.view_lonelinessassessment",
        ),
        StaffMenuItem(
            _("Vulnerable persons register"),
            register_viewset.menu_url,
            icon_name="list-ul",
            people=True,
            permission=REGISTER_PERMISSION,
        ),
        StaffMenuItem(
            _("Call campaigns"),
            reverse("wagtail_bippop_steering:campaigns"),
            icon_name="mail",
            people=True,
            permission=REGISTER_PERMISSION,
        ),
    ]
    return SubmenuMenuItem(
        _("Steering"), Menu(items=items), icon_name="table", name="bippop-steering", order=310
    )


@hooks.register("construct_homepage_panels")
def add_steering_panel(request, panels):
    if territories_for_user(request.user).exists():
        panels.append(SteeringPanel(request))


@hooks.register("register_log_actions")
def register_steering_log_actions(actions):
    actions.register_action("wagtail_bippop.log_call", _("Call logged"), _("Call logged"))
    actions.register_action(
        "wagtail_bippop.register_request",
        _("Register entry requested online"),
        _("Register entry requested online"),
    )
    actions.register_action(
        "wagtail_bippop.register_acknowledge",
        _("Register entry acknowledged"),
        _("Register entry acknowledged"),
    )
    actions.register_action(
        "wagtail_bippop.campaign_start", _("Campaign started"), _("Campaign started")
    )
    actions.register_action(
        "wagtail_bippop.campaign_call", _("Campaign call recorded"), _("Campaign call recorded")
    )
    actions.register_action(
        "wagtail_bippop.campaign_close", _("Campaign closed"), _("Campaign closed")
    )
    actions.register_action(
        "wagtail_bippop.loneliness_measure",
        _("Loneliness measure recorded"),
        _("Loneliness measure recorded"),
    )
    actions.register_action(
        "wagtail_bippop.campaign_export",
        _("Campaign list exported"),
        _("Campaign list exported"),
    )

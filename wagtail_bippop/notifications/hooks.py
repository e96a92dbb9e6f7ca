"""Admin wiring of messages: outbox, letters, worries, message texts, log labels."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import Worry
from ..models.outbox import MessageTemplate
from ..roles import is_read_only, territories_for_user
from . import admin_views
from .kinds import KINDS

LOG_ACTIONS = {
    "message_resend": _("Message sent again"),
    "message_handled": _("Letter printed or call made"),
    "message_uncertain": _("Message left uncertain: sending was interrupted"),
    "message_marked_delivered": _("Message marked as delivered"),
    "solicitation_refused_not_active": _("Acceptance refused: the volunteer is not active"),
    "volunteer_signed_in": _("Volunteer signed in"),
    "solicitation_answered": _("Volunteer answered a solicitation"),
    "availability_changed": _("Availability changed"),
    "absence_added": _("Absence added"),
    "absence_removed": _("Absence removed"),
    "visit_cancelled_for_absence": _("Visit cancelled: the volunteer is away"),
    "visit_reported": _("Visit reported"),
    "worry_raised": _("Worry raised about the person"),
    "worry_handled": _("Worry marked as handled"),
    "directory_opt_in": _("Shown in the public directory"),
    "directory_opt_out": _("Removed from the public directory"),
    "channel_changed": _("Preferred channel changed"),
    "calendar_link_reset": _("Calendar link renewed"),
    "closure_requested": _("Account closure asked"),
}


@hooks.register("register_log_actions")
def register_message_log_actions(actions):
    for name, label in LOG_ACTIONS.items():
        actions.register_action(f"wagtail_bippop.{name}", label, label)


@hooks.register("register_admin_urls")
def register_message_urls():
    return [
        path("bippop/messages/", admin_views.outbox, name="bippop_outbox"),
        path(
            "bippop/messages/<int:pk>/resend/",
            admin_views.outbox_resend,
            name="bippop_outbox_resend",
        ),
        path(
            "bippop/messages/<int:pk>/done/",
            admin_views.outbox_handled,
            name="bippop_outbox_handled",
        ),
        path(
            "bippop/messages/<int:pk>/delivered/",
            admin_views.outbox_delivered,
            name="bippop_outbox_delivered",
        ),
        path("bippop/letters/<int:beneficiary_pk>/", admin_views.letter, name="bippop_letter"),
        path("bippop/worries/", admin_views.worries, name="bippop_worries"),
        path(
            "bippop/worries/<int:pk>/handled/",
            admin_views.worry_handled,
            name="bippop_worry_handled",
        ),
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return not is_read_only(request.user)


@hooks.register("register_admin_menu_item")
def register_outbox_menu_item():
    return StaffMenuItem(_("Messages"), reverse("bippop_outbox"), icon_name="mail", order=310)


@hooks.register("register_admin_menu_item")
def register_worries_menu_item():
    return StaffMenuItem(_("Worries"), reverse("bippop_worries"), icon_name="warning", order=311)


def placeholders_help():
    lines = "".join(
        f"<li><strong>{kind.label}</strong> ({name}): "
        + ", ".join(f"{{{{ {value} }}}}" for value in kind.placeholders)
        + "</li>"
        for name, kind in KINDS.items()
    )
    return f"<ul>{lines}</ul>"


class MessageTemplateViewSet(SnippetViewSet):
    model = MessageTemplate
    icon = "doc-full"
    menu_label = _("Message texts")
    list_display = ["kind", "site", "subject"]

    @property
    def panels(self):
        return [
            FieldPanel("site"),
            FieldPanel("kind", widget=_kind_widget()),
            FieldPanel("subject"),
            FieldPanel("body"),
            HelpPanel(content=placeholders_help(), heading=_("Values you can use")),
        ]


def _kind_widget():
    from django import forms

    from .kinds import kind_choices

    return forms.Select(choices=kind_choices())


register_snippet(MessageTemplateViewSet)


class RecentWorriesPanel(Component):
    """On the admin dashboard: the worries still open in the user's territories."""

    name = "bippop_worries"
    template_name = "wagtail_bippop/letters/worries_panel.html"
    order = 90

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        worries = (
            Worry.objects.filter(
                handled_at__isnull=True,
                beneficiary__territory__in=territories_for_user(request.user),
            )
            .select_related("beneficiary", "raised_by")
            .order_by("-raised_at")[:10]
        )
        return {"worries": list(worries), "all_url": reverse("bippop_worries")}


@hooks.register("construct_homepage_panels")
def add_worries_panel(request, panels):
    if not is_read_only(request.user):
        panels.append(RecentWorriesPanel())

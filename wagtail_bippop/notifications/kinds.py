"""The kinds of message the app sends, each with the values its text may use.

A site may rewrite any of these texts (model ``MessageTemplate``); the default wording is
the file ``wagtail_bippop/notifications/<kind>.txt`` (first line: the e-mail subject).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

COMMON = ("platform_name", "coordinator_phone")


@dataclass(frozen=True)
class MessageKind:
    name: str
    label: str
    placeholders: tuple


def _kind(name, label, *placeholders):
    return MessageKind(name, label, COMMON + placeholders)


KINDS = {
    kind.name: kind
    for kind in [
        _kind("signin_link", _("Sign-in link"), "first_name", "link", "minutes"),
        _kind(
            "volunteer_coopted",
            _("Welcome when co-opted (to the volunteer)"),
            "first_name",
            "link",
        ),
        _kind(
            "mission_confirmed",
            _("Mission confirmed (to the person helped)"),
            "first_name",
            "last_name",
            "volunteer_first_name",
            "services",
            "schedule",
        ),
        _kind(
            "volunteer_reminder",
            _("Visit reminder (to the volunteer)"),
            "first_name",
            "beneficiary_name",
            "when",
            "link",
        ),
        _kind(
            "beneficiary_reminder",
            _("Visit reminder (to the person helped)"),
            "first_name",
            "last_name",
            "volunteer_first_name",
            "when",
        ),
        _kind(
            "worry_alert",
            _("A volunteer is worried (to coordinators)"),
            "volunteer_name",
            "beneficiary_name",
            "when",
            "report",
            "link",
        ),
        _kind(
            "volunteer_absence",
            _("A volunteer's absence cancels planned visits (to coordinators)"),
            "volunteer_name",
            "start",
            "end",
            "note",
            "visits",
            "link",
        ),
        _kind(
            "closure_request",
            _("A volunteer asks to close their account (to coordinators)"),
            "volunteer_name",
            "link",
        ),
    ]
}


def kind_choices():
    return [(kind.name, kind.label) for kind in KINDS.values()]

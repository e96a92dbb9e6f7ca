"""The messages the app sends on its own, with the values each one offers."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, time_format

from ..models import MissionRecurrence
from . import notify, notify_staff
from .reminders import visit_when


def _admin_url(path):
    return f"{getattr(settings, 'WAGTAILADMIN_BASE_URL', '').rstrip('/')}{path}"


def mission_schedule(mission):
    """e.g. “Every week, from Monday 7 December 2026 at 14:00”, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        when = date_format(mission.start_date, "l j F Y")
        hour = time_format(mission.usual_time, "H:i")
        recurrence = MissionRecurrence(mission.recurrence).label
        if mission.recurrence == MissionRecurrence.ONE_OFF:
            return translation.gettext("%(day)s at %(hour)s") % {"day": when, "hour": hour}
        return translation.gettext("%(recurrence)s, from %(day)s at %(hour)s") % {
            "recurrence": recurrence,
            "day": when,
            "hour": hour,
        }


def mission_confirmed_values(mission):
    beneficiary = mission.request.beneficiary
    return {
        "first_name": beneficiary.first_name,
        "last_name": beneficiary.last_name,
        "volunteer_first_name": mission.volunteer.first_name,
        "services": ", ".join(service.name for service in mission.request.services.all()),
        "schedule": mission_schedule(mission),
    }


def mission_confirmed(mission):
    """Tell the person helped who will come and when, through their own channel."""
    return notify(
        "mission_confirmed",
        person=mission.request.beneficiary,
        site=mission.request.territory.site,
        values=mission_confirmed_values(mission),
        dedupe_key=f"mission_confirmed:{mission.pk}",
    )


def worry_alert(visit):
    mission = visit.mission
    return notify_staff(
        "worry_alert",
        territory=mission.request.territory,
        values={
            "volunteer_name": mission.volunteer.full_name,
            "beneficiary_name": mission.request.beneficiary.full_name,
            "when": visit_when(visit),
            "report": visit.report,
            "link": _admin_url(reverse("bippop_worries")),
        },
    )


def closure_request(volunteer):
    return notify_staff(
        "closure_request",
        territory=volunteer.territory,
        values={
            "volunteer_name": volunteer.full_name,
            "link": _admin_url(reverse("bippop_outbox")),
        },
    )

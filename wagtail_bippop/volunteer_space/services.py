"""What a volunteer does in their space, as plain functions: views only call these.

Every change is logged with ``wagtail.log_actions``; queries are scoped to the volunteer.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.log_actions import log

from .. import signin
from ..models import (
    Absence,
    AvailabilitySlot,
    Beneficiary,
    Mission,
    MissionStatus,
    Solicitation,
    SolicitationStatus,
    VettingStage,
    Visit,
    VisitStatus,
    Volunteer,
    Worry,
)
from ..models.outbox import Channel, VolunteerPreferences
from ..phones import normalise_phone

# Volunteers who may sign in: everyone but those suspended or gone.
CLOSED_STAGES = (VettingStage.SUSPENDED, VettingStage.LEFT)


def find_volunteer(territory, identifier):
    """The volunteer of ``territory`` with this e-mail or phone, and the channel to use."""
    identifier = (identifier or "").strip()
    volunteers = Volunteer.objects.filter(territory=territory).exclude(stage__in=CLOSED_STAGES)
    if "@" in identifier:
        return volunteers.filter(email__iexact=identifier).first(), Channel.EMAIL
    try:
        phone = normalise_phone(identifier)
    except ValidationError:
        return None, None
    if not phone:
        return None, None
    return volunteers.filter(phone=phone).first(), Channel.SMS


def user_for(volunteer):
    """The volunteer's user account, created on first sign-in (no password)."""
    return signin.account_for(volunteer, "volunteer")


def moment_in_a_sentence(moment):
    """e.g. « mardi 8 décembre 2026 à 14 h », the weekday lower-case mid-sentence."""
    from ..scheduling import day_in_a_sentence, hour_in_a_sentence

    local = timezone.localtime(moment)
    return translation.gettext("%(day)s at %(hour)s") % {
        "day": day_in_a_sentence(local.date()),
        "hour": hour_in_a_sentence(local.time()),
    }


# --- what the volunteer may see ------------------------------------------------------


def upcoming_visits(volunteer):
    return (
        Visit.objects.filter(
            mission__volunteer=volunteer,
            mission__status=MissionStatus.ACTIVE,
            status=VisitStatus.PLANNED,
        )
        .select_related("mission__request__beneficiary")
        .order_by("starts_at")
    )


def visits_to_report(volunteer):
    return upcoming_visits(volunteer).filter(starts_at__lte=timezone.now())


def open_solicitations(volunteer):
    return (
        Solicitation.objects.filter(volunteer=volunteer, status=SolicitationStatus.PENDING)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .select_related("request__beneficiary__area")
        .prefetch_related("request__services")
        .order_by("sent_at")
    )


def visit_of(volunteer, pk):
    """One of the volunteer's own visits; DoesNotExist otherwise."""
    return Visit.objects.select_related("mission__request__beneficiary").get(
        pk=pk, mission__volunteer=volunteer
    )


def beneficiary_for(volunteer, pk):
    """A person the volunteer helps, only while a mission with them is active."""
    return (
        Beneficiary.objects.filter(
            help_requests__missions__volunteer=volunteer,
            help_requests__missions__status=MissionStatus.ACTIVE,
        )
        .distinct()
        .get(pk=pk)
    )


# --- solicitations -----------------------------------------------------------------


def respond(solicitation, accept, *, user=None):
    """Accept or decline a solicitation: the matching part owns “first acceptance wins”.

    Returns ``wagtail_bippop.solicitations.Response`` (outcome, message, mission).
    """
    from ..solicitations import respond as matching_respond

    return matching_respond(solicitation, accept, user=user)


# --- availability and absences ------------------------------------------------------


@transaction.atomic
def set_availability(volunteer, slots, *, user=None):
    """Replace the volunteer's weekly availability by ``slots`` [(weekday, period)]."""
    wanted = set(slots)
    current = {(slot.weekday, slot.period): slot for slot in volunteer.availability.all()}
    for key, slot in current.items():
        if key not in wanted:
            slot.delete()
    AvailabilitySlot.objects.bulk_create(
        [
            AvailabilitySlot(volunteer=volunteer, weekday=d, period=p)
            for d, p in wanted - set(current)
        ]
    )
    log(volunteer, "wagtail_bippop.availability_changed", user=user)


def add_absence(volunteer, start_date, end_date, note="", *, user=None):
    """Record an absence; the visits still planned inside it are cancelled, the reason kept
    on each one, and the coordination told at once (never the people helped: telling them,
    or planning another date, is the coordination's to agree with them).

    Returns the absence and the list of visits cancelled.
    """
    with transaction.atomic():
        absence = Absence(volunteer=volunteer, start_date=start_date, end_date=end_date, note=note)
        absence.full_clean()
        absence.save()
        log(volunteer, "wagtail_bippop.absence_added", user=user)
        cancelled = cancel_visits_during(absence, user=user)
    if cancelled:
        absence_alert(absence, cancelled)
    return absence, cancelled


def absence_alert(absence, visits):
    """Tell the coordinators of the territory which visits an absence cancelled."""
    from django.urls import reverse

    from ..notifications import notify_staff
    from ..notifications.reminders import visit_when
    from ..scheduling import day_in_a_sentence

    volunteer = absence.volunteer
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            "- {when} – {name}{phone}".format(
                when=visit_when(visit),
                name=visit.mission.request.beneficiary.full_name,
                phone=f" ({visit.mission.request.beneficiary.phone})"
                if visit.mission.request.beneficiary.phone
                else "",
            )
            for visit in visits
        ]
        start = day_in_a_sentence(absence.start_date)
        end = day_in_a_sentence(absence.end_date)
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    return notify_staff(
        "volunteer_absence",
        territory=volunteer.territory,
        values={
            "volunteer_name": volunteer.full_name,
            "start": start,
            "end": end,
            "note": absence.note,
            "visits": "\n".join(lines),
            "link": f"{base}{reverse('bippop_visits:index')}?status={VisitStatus.CANCELLED}",
        },
        dedupe_key=f"volunteer_absence:{absence.pk}",
    )


def visits_during(volunteer, start_date, end_date):
    """The volunteer's visits still planned from now on whose day falls in the dates given."""
    first = timezone.make_aware(datetime.datetime.combine(start_date, datetime.time.min))
    after = timezone.make_aware(
        datetime.datetime.combine(end_date + datetime.timedelta(days=1), datetime.time.min)
    )
    return upcoming_visits(volunteer).filter(
        starts_at__gte=max(first, timezone.now()), starts_at__lt=after
    )


def absence_reason(absence):
    """Why the visit is cancelled, in the site's language: shown on the person's timeline."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(
            "Cancelled: the volunteer is away (absence from %(start)s to %(end)s)."
        ) % {
            "start": date_format(absence.start_date, "j F Y"),
            "end": date_format(absence.end_date, "j F Y"),
        }


def cancel_visits_during(absence, *, user=None):
    visits = list(
        visits_during(absence.volunteer, absence.start_date, absence.end_date).select_for_update(
            of=("self",)
        )
    )
    reason = absence_reason(absence)
    now = timezone.now()
    for visit in visits:
        visit.status = VisitStatus.CANCELLED
        visit.duration_minutes = None
        visit.report = reason
        visit.reported_at = now
        visit.reported_by = user
        visit.save(
            update_fields=["status", "duration_minutes", "report", "reported_at", "reported_by"]
        )
        log(
            visit,
            "wagtail_bippop.visit_cancelled_for_absence",
            user=user,
            data={"absence": absence.pk},
        )
    return visits


def remove_absence(volunteer, pk, *, user=None):
    deleted, _count = Absence.objects.filter(volunteer=volunteer, pk=pk).delete()
    if deleted:
        log(volunteer, "wagtail_bippop.absence_removed", user=user)
    return bool(deleted)


# --- visits --------------------------------------------------------------------------


@transaction.atomic
def report_visit(visit, *, status, duration_minutes=None, report="", worry=False, user=None):
    """Record how a visit went; a worry is kept open and alerts the coordinators at once."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    visit.status = status
    visit.duration_minutes = duration_minutes if status == VisitStatus.DONE else None
    visit.report = report
    visit.worry = worry
    visit.reported_at = timezone.now()
    visit.reported_by = user
    visit.full_clean()
    visit.save()
    log(visit, "wagtail_bippop.visit_reported", user=user)
    if worry:
        log(visit, "wagtail_bippop.worry_raised", user=user)
        alert_worry(Worry.for_visit(visit))
    return visit


# --- worries between visits -----------------------------------------------------------


def raise_worry(volunteer, beneficiary, text, *, user=None):
    """A worry about a person the volunteer is assigned to, raised at any time."""
    mission = (
        Mission.objects.filter(
            volunteer=volunteer, request__beneficiary=beneficiary, status=MissionStatus.ACTIVE
        )
        .order_by("-created_at")
        .first()
    )
    worry = Worry.objects.create(
        beneficiary=beneficiary, mission=mission, raised_by=volunteer, text=text
    )
    log(worry, "wagtail_bippop.worry_raised", user=user)
    alert_worry(worry)
    return worry


def worry_occasion(worry):
    """When and where the worry was raised, in the site's language, for the alert."""
    with translation.override(settings.LANGUAGE_CODE):
        if worry.visit_id:
            return translation.gettext("after the visit of %(when)s") % {
                "when": moment_in_a_sentence(worry.visit.starts_at)
            }
        return translation.gettext("between visits, on %(when)s") % {
            "when": moment_in_a_sentence(worry.raised_at)
        }


def alert_worry(worry):
    """Tell the coordinators of the person's territory at once."""
    from django.urls import reverse

    from ..notifications import notify_staff

    beneficiary = worry.beneficiary
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    return notify_staff(
        "worry_alert",
        territory=beneficiary.territory,
        values={
            "volunteer_name": worry.raised_by.full_name if worry.raised_by else "",
            "beneficiary_name": beneficiary.full_name,
            "when": worry_occasion(worry),
            "report": worry.text,
            "link": f"{base}{reverse('bippop_worries')}",
        },
    )


# --- preferences ---------------------------------------------------------------------


def set_preferences(volunteer, *, directory_opt_in, preferred_channel, user=None):
    preferences = VolunteerPreferences.for_volunteer(volunteer)
    if volunteer.directory_opt_in != directory_opt_in:
        volunteer.directory_opt_in = directory_opt_in
        volunteer.save(update_fields=["directory_opt_in"])
        action = "directory_opt_in" if directory_opt_in else "directory_opt_out"
        log(volunteer, f"wagtail_bippop.{action}", user=user)
    if preferences.preferred_channel != preferred_channel:
        preferences.preferred_channel = preferred_channel
        preferences.fallback_channel = (
            Channel.SMS if preferred_channel == Channel.EMAIL else Channel.EMAIL
        )
        preferences.save(update_fields=["preferred_channel", "fallback_channel"])
        log(volunteer, "wagtail_bippop.channel_changed", user=user)
    return preferences


def reset_calendar(volunteer, *, user=None):
    preferences = VolunteerPreferences.for_volunteer(volunteer)
    preferences.reset_calendar_token()
    log(volunteer, "wagtail_bippop.calendar_link_reset", user=user)
    return preferences


def request_closure(volunteer, *, user=None):
    from ..notifications.messages import closure_request

    preferences = VolunteerPreferences.for_volunteer(volunteer)
    if preferences.closure_requested_at:
        return preferences
    preferences.closure_requested_at = timezone.now()
    preferences.save(update_fields=["closure_requested_at"])
    log(volunteer, "wagtail_bippop.closure_requested", user=user)
    closure_request(volunteer)
    return preferences


def beneficiary_for_or_none(volunteer, pk):
    try:
        return beneficiary_for(volunteer, pk)
    except Beneficiary.DoesNotExist:
        return None

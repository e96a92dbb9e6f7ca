"""Planning the visits of a mission, and ending a mission.

``plan_visits`` is idempotent: a visit is one row per (mission, start), a database
constraint, so running it again, or from two processes at once, never plans a visit
twice, and a visit cancelled by hand is never brought back.
"""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from wagtail.log_actions import log

from .conf import bippop_settings
from .models import Mission, MissionRecurrence, MissionStatus, Visit, VisitStatus

STEP_DAYS = {MissionRecurrence.WEEKLY: 7, MissionRecurrence.FORTNIGHTLY: 14}


def add_months(day, months):
    """The same day ``months`` later, or the last day of a shorter month (31 Jan → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, _month_length(year, month)))


def _month_length(year, month):
    return calendar.monthrange(year, month)[1]


def occurrences(mission, start, end):
    """Dates of the mission's visits between ``start`` and ``end`` (inclusive).

    Every date is computed from the first visit, never from the previous one, so that a
    monthly mission on the 31st comes back to the 31st after a shorter month.
    """
    last = min(end, mission.end_date) if mission.end_date else end
    if mission.recurrence == MissionRecurrence.ONE_OFF:
        return [mission.start_date] if start <= mission.start_date <= last else []
    dates = []
    index = 0
    if mission.recurrence in STEP_DAYS:
        step = STEP_DAYS[mission.recurrence]
        # Jump straight to the first occurrence on or after ``start``.
        index = max(0, -(-(start - mission.start_date).days // step))
    while True:
        if mission.recurrence == MissionRecurrence.MONTHLY:
            day = add_months(mission.start_date, index)
        else:
            day = mission.start_date + datetime.timedelta(days=step * index)
        if day > last:
            return dates
        if day >= start:
            dates.append(day)
        index += 1


def visit_times(mission, day):
    starts_at = timezone.make_aware(datetime.datetime.combine(day, mission.usual_time))
    return starts_at, starts_at + datetime.timedelta(minutes=mission.usual_duration_minutes)


def plan_visits(mission, *, horizon_days=None, today=None, user=None):
    """Create the missing visits of an active mission up to ``horizon_days`` ahead.

    A one-off mission gets its single visit whatever the horizon. A mission whose day and
    hour are not agreed with the person yet gets none. Returns the number of visits created.
    """
    if mission.status != MissionStatus.ACTIVE or not mission.is_scheduled:
        return 0
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(
        days=bippop_settings.PLANNING_HORIZON_DAYS if horizon_days is None else horizon_days
    )
    if mission.recurrence == MissionRecurrence.ONE_OFF:
        horizon = max(horizon, mission.start_date)
    wanted = [visit_times(mission, day) for day in occurrences(mission, today, horizon)]
    if not wanted:
        return 0
    existing = set(
        Visit.objects.filter(
            mission=mission, starts_at__gte=wanted[0][0], starts_at__lte=wanted[-1][0]
        ).values_list("starts_at", flat=True)
    )
    missing = [
        Visit(mission=mission, starts_at=starts_at, ends_at=ends_at)
        for starts_at, ends_at in wanted
        if starts_at not in existing
    ]
    if not missing:
        return 0
    # A concurrent run may have planned some meanwhile: the constraint keeps one of each.
    Visit.objects.bulk_create(missing, ignore_conflicts=True)
    log(
        mission,
        "wagtail_bippop.visits_planned",
        user=user,
        data={"count": len(missing), "until": horizon.isoformat()},
    )
    return len(missing)


def plan_upcoming_visits(*, horizon_days=None, today=None):
    """Plan ahead for every active recurring mission; meant for a daily scheduled job."""
    missions = Mission.objects.filter(
        status=MissionStatus.ACTIVE, schedule_agreed_at__isnull=False
    ).exclude(recurrence=MissionRecurrence.ONE_OFF)
    return sum(
        plan_visits(mission, horizon_days=horizon_days, today=today)
        for mission in missions.iterator()
    )


def end_mission(mission, *, user, reason, when=None):
    """End a mission and cancel its visits still planned after ``when`` (now by default).

    Visits already done, missed or reported stay as they are. Returns the number of
    visits cancelled; ending an ended mission changes nothing.
    """
    when = when or timezone.now()
    with transaction.atomic():
        locked = Mission.objects.select_for_update().get(pk=mission.pk)
        if locked.status != MissionStatus.ACTIVE:
            return 0
        locked.status = MissionStatus.ENDED
        locked.ended_at = when
        locked.end_reason = reason
        day = timezone.localtime(when).date()
        last = min(locked.end_date, day) if locked.end_date else day
        locked.end_date = max(locked.start_date, last)
        locked.save(update_fields=["status", "ended_at", "end_reason", "end_date"])
        cancelled = Visit.objects.filter(
            mission=locked, status=VisitStatus.PLANNED, starts_at__gt=when
        ).update(status=VisitStatus.CANCELLED)
        log(
            locked,
            "wagtail_bippop.mission_ended",
            user=user,
            data={"reason": reason, "cancelled_visits": cancelled},
        )
    for field in ("status", "ended_at", "end_reason", "end_date"):
        setattr(mission, field, getattr(locked, field))
    return cancelled


# --- The day and hour agreed with the person -------------------------------------------

SCHEDULE_FIELDS = ("recurrence", "start_date", "end_date", "usual_time", "usual_duration_minutes")
# A letter takes days: news about a visit sooner than this goes by SMS or a staff call.
LETTER_NOTICE_DAYS = 4

WEEKDAYS_IN_A_SENTENCE = [
    pgettext_lazy("weekday in a sentence", "Monday"),
    pgettext_lazy("weekday in a sentence", "Tuesday"),
    pgettext_lazy("weekday in a sentence", "Wednesday"),
    pgettext_lazy("weekday in a sentence", "Thursday"),
    pgettext_lazy("weekday in a sentence", "Friday"),
    pgettext_lazy("weekday in a sentence", "Saturday"),
    pgettext_lazy("weekday in a sentence", "Sunday"),
]

SCHEDULE_PHRASES = {
    MissionRecurrence.ONE_OFF: pgettext_lazy("mission schedule", "on %(day)s at %(hour)s"),
    MissionRecurrence.WEEKLY: pgettext_lazy(
        "mission schedule", "every week, from %(day)s at %(hour)s"
    ),
    MissionRecurrence.FORTNIGHTLY: pgettext_lazy(
        "mission schedule", "every two weeks, from %(day)s at %(hour)s"
    ),
    MissionRecurrence.MONTHLY: pgettext_lazy(
        "mission schedule", "every month, from %(day)s at %(hour)s"
    ),
}


def day_in_a_sentence(day):
    """e.g. « mardi 8 décembre 2026 » (the weekday is not capitalised mid-sentence)."""
    rest = formats.date_format(day, "j F Y")
    return f"{WEEKDAYS_IN_A_SENTENCE[day.weekday()]} {rest}"


def hour_in_a_sentence(value):
    """e.g. « 15 h 30 », « 14 h » in French; "15:30" in English."""
    if value.minute:
        return pgettext("time of a visit", "%(hour)s:%(minute)02d") % {
            "hour": value.hour,
            "minute": value.minute,
        }
    return pgettext("time of a visit, whole hour", "%(hour)s:00") % {"hour": value.hour}


def describe_schedule(mission):
    """The agreed schedule as words, in the site's language.

    e.g. « chaque semaine, à partir du mardi 8 décembre 2026 à 15 h 30 ». Only for a
    mission whose day and hour were agreed: never a date that nobody entered.
    """
    if not mission.is_scheduled:
        raise ValueError("The day and hour of this mission are not agreed yet.")
    with translation.override(settings.LANGUAGE_CODE):
        return str(SCHEDULE_PHRASES[MissionRecurrence(mission.recurrence)]) % {
            "day": day_in_a_sentence(mission.start_date),
            "hour": hour_in_a_sentence(mission.usual_time),
        }


def agree_schedule(mission, *, user, when=None, **schedule):
    """Record the day, hour and rhythm agreed with the person; plan; tell them.

    ``schedule`` holds the fields of ``SCHEDULE_FIELDS``. The first time, the person and
    the volunteer are told the first visit; afterwards, a different day or hour is sent as
    a change of schedule and the visits still planned at the old times are replaced.
    Saving the same schedule again does nothing. Returns "scheduled", "changed" or "".
    """
    when = when or timezone.now()
    with transaction.atomic():
        locked = Mission.objects.select_for_update().get(pk=mission.pk)
        if locked.status != MissionStatus.ACTIVE:
            raise ValidationError(_("This mission has ended."), code="ended")
        before = {field: getattr(locked, field) for field in SCHEDULE_FIELDS}
        first_time = not locked.is_scheduled
        for field, value in schedule.items():
            if field not in SCHEDULE_FIELDS:
                raise TypeError(f"Not a schedule field: {field}")
            setattr(locked, field, value)
        after = {field: getattr(locked, field) for field in SCHEDULE_FIELDS}
        if not first_time and after == before:
            return ""
        locked.schedule_agreed_at = when
        locked.full_clean(exclude=["request", "volunteer"])
        locked.save(update_fields=[*SCHEDULE_FIELDS, "schedule_agreed_at"])
        replaced = 0
        if not first_time:
            # Visits planned at the old day or hour, not yet reported: the new plan replaces
            # them (the change is kept in the mission's history).
            replaced, _by_model = Visit.objects.filter(
                mission=locked, status=VisitStatus.PLANNED, starts_at__gt=when
            ).delete()
        outcome = "scheduled" if first_time else "changed"
        log(
            locked,
            f"wagtail_bippop.mission_{outcome}",
            user=user,
            data={
                "before": None if first_time else _jsonable(before),
                "after": _jsonable(after),
                "replaced_visits": replaced,
            },
        )
        plan_visits(locked, today=timezone.localtime(when).date(), user=user)
        mission_id = locked.pk
        transaction.on_commit(lambda: tell_schedule(mission_id, changed=not first_time))
    for field in (*SCHEDULE_FIELDS, "schedule_agreed_at"):
        setattr(mission, field, getattr(locked, field))
    return outcome


def _jsonable(values):
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in values.items()
    }


def _beneficiary_channel(beneficiary, first_day):
    """The person's own channel, unless a letter would arrive after the visit."""
    from .models import Channel
    from .notifications.channels import route

    channels = route(beneficiary)
    days_ahead = (first_day - timezone.localdate()).days
    if channels[0] != Channel.LETTER or days_ahead >= LETTER_NOTICE_DAYS:
        return channels[0]
    faster = [channel for channel in channels if channel in (Channel.SMS, Channel.EMAIL)]
    return faster[0] if faster else Channel.CALL


def tell_schedule(mission_id, *, changed):
    """Tell the person and the volunteer the agreed day and hour, each by their channel."""
    from . import notifications

    mission = Mission.objects.select_related(
        "request__beneficiary", "request__territory__site", "volunteer"
    ).get(pk=mission_id)
    beneficiary, volunteer = mission.request.beneficiary, mission.volunteer
    site = mission.request.territory.site
    stamp = int(mission.schedule_agreed_at.timestamp())
    values = {
        "first_name": beneficiary.first_name,
        "last_name": beneficiary.last_name,
        "volunteer_first_name": volunteer.first_name,
        "services": ", ".join(service.name for service in mission.request.services.all()),
        "schedule": describe_schedule(mission),
    }
    kind = "mission_confirmed_schedule_changed" if changed else "mission_confirmed"
    notifications.notify(
        kind,
        person=beneficiary,
        site=site,
        channel=_beneficiary_channel(beneficiary, mission.start_date),
        values=values,
        dedupe_key=f"{kind}:{mission.pk}:{stamp}" if changed else f"{kind}:{mission.pk}",
    )
    volunteer_kind = (
        "mission_confirmed_schedule_changed_volunteer"
        if changed
        else "mission_confirmed_first_visit_volunteer"
    )
    from .volunteer_space.links import signin_url

    notifications.notify(
        volunteer_kind,
        person=volunteer,
        site=site,
        values={
            "first_name": volunteer.first_name,
            "beneficiary_name": beneficiary.full_name,
            "services": values["services"],
            "schedule": values["schedule"],
            "space_url": signin_url(mission.request.territory),
        },
        dedupe_key=f"{volunteer_kind}:{mission.pk}:{stamp}",
    )

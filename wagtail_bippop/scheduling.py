"""Planning the visits of a mission, and ending a mission.

``plan_visits`` is idempotent: a visit is one row per (mission, start), a database
constraint, so running it again, or from two processes at once, never plans a visit
twice, and a visit cancelled by hand is never brought back.
"""

import calendar
import datetime

from django.db import transaction
from django.utils import timezone
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

    A one-off mission gets its single visit whatever the horizon. Returns the number of
    visits created.
    """
    if mission.status != MissionStatus.ACTIVE:
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
    missions = Mission.objects.filter(status=MissionStatus.ACTIVE).exclude(
        recurrence=MissionRecurrence.ONE_OFF
    )
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

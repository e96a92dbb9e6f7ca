"""Planning visits of one-off and recurring missions, and ending a mission."""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import audit_log
from wagtail_bippop.models import MissionRecurrence, MissionStatus, Visit, VisitStatus
from wagtail_bippop.scheduling import add_months, end_mission, occurrences, plan_visits

pytestmark = pytest.mark.django_db

D = datetime.date


def planned_days(mission):
    return [
        timezone.localtime(v.starts_at).date()
        for v in Visit.objects.filter(mission=mission).order_by("starts_at")
    ]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2027, 1, 31), 3, D(2027, 4, 30)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 11, 30), 14, D(2028, 1, 30)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_monthly_on_the_31st_comes_back_to_the_31st(make_mission):
    mission = make_mission(recurrence=MissionRecurrence.MONTHLY, start_date=D(2027, 1, 31))
    assert occurrences(mission, D(2027, 1, 1), D(2027, 5, 31)) == [
        D(2027, 1, 31),
        D(2027, 2, 28),
        D(2027, 3, 31),
        D(2027, 4, 30),
        D(2027, 5, 31),
    ]


def test_weekly_and_fortnightly_dates_from_a_later_start(make_mission):
    weekly = make_mission(recurrence=MissionRecurrence.WEEKLY, start_date=D(2026, 12, 1))
    assert occurrences(weekly, D(2026, 12, 10), D(2026, 12, 31)) == [
        D(2026, 12, 15),
        D(2026, 12, 22),
        D(2026, 12, 29),
    ]
    fortnightly = make_mission(recurrence=MissionRecurrence.FORTNIGHTLY, start_date=D(2026, 12, 1))
    assert occurrences(fortnightly, D(2026, 12, 1), D(2027, 1, 12)) == [
        D(2026, 12, 1),
        D(2026, 12, 15),
        D(2026, 12, 29),
        D(2027, 1, 12),
    ]


def test_recurring_mission_plans_ahead_until_its_end_date(make_mission):
    mission = make_mission(
        recurrence=MissionRecurrence.WEEKLY,
        start_date=D(2026, 12, 2),
        end_date=D(2026, 12, 20),
        usual_time=datetime.time(10, 30),
        usual_duration_minutes=90,
    )
    assert plan_visits(mission, horizon_days=60, today=D(2026, 11, 30)) == 3
    assert planned_days(mission) == [D(2026, 12, 2), D(2026, 12, 9), D(2026, 12, 16)]
    visit = Visit.objects.filter(mission=mission).first()
    assert timezone.localtime(visit.starts_at).time() == datetime.time(10, 30)
    assert visit.ends_at - visit.starts_at == datetime.timedelta(minutes=90)
    assert visit.status == VisitStatus.PLANNED


def test_horizon_limits_planning_and_later_runs_extend_it(make_mission):
    mission = make_mission(recurrence=MissionRecurrence.WEEKLY, start_date=D(2026, 12, 1))
    assert plan_visits(mission, horizon_days=14, today=D(2026, 12, 1)) == 3
    assert plan_visits(mission, horizon_days=14, today=D(2026, 12, 1)) == 0
    assert plan_visits(mission, horizon_days=14, today=D(2026, 12, 8)) == 1
    assert planned_days(mission) == [
        D(2026, 12, 1),
        D(2026, 12, 8),
        D(2026, 12, 15),
        D(2026, 12, 22),
    ]
    entry = audit_log().filter(action="wagtail_bippop.visits_planned").first()
    assert entry is not None and entry.object_id == str(mission.pk)


def test_planning_never_brings_back_a_cancelled_visit(make_mission):
    mission = make_mission(recurrence=MissionRecurrence.WEEKLY, start_date=D(2026, 12, 1))
    plan_visits(mission, horizon_days=7, today=D(2026, 12, 1))
    Visit.objects.filter(mission=mission).update(status=VisitStatus.CANCELLED)
    assert plan_visits(mission, horizon_days=7, today=D(2026, 12, 1)) == 0
    assert Visit.objects.filter(mission=mission).count() == 2


def test_one_off_mission_gets_its_single_visit_beyond_the_horizon(make_mission):
    mission = make_mission(start_date=D(2027, 3, 1))
    assert plan_visits(mission, horizon_days=7, today=D(2026, 12, 1)) == 1
    assert plan_visits(mission, horizon_days=7, today=D(2026, 12, 1)) == 0
    assert planned_days(mission) == [D(2027, 3, 1)]


def test_ended_mission_plans_nothing(make_mission):
    mission = make_mission(
        recurrence=MissionRecurrence.WEEKLY, start_date=D(2026, 12, 1), status="ended"
    )
    assert plan_visits(mission, today=D(2026, 12, 1)) == 0
    assert not Visit.objects.filter(mission=mission).exists()


def test_ending_a_mission_cancels_only_its_future_planned_visits(
    make_mission, make_visit, superuser
):
    now = timezone.now().replace(microsecond=0)
    mission = make_mission(
        recurrence=MissionRecurrence.WEEKLY, start_date=(now - datetime.timedelta(30)).date()
    )
    done = make_visit(
        mission=mission,
        starts_at=now - datetime.timedelta(days=7),
        status=VisitStatus.DONE,
        duration_minutes=50,
    )
    past_planned = make_visit(mission=mission, starts_at=now - datetime.timedelta(days=1))
    future = make_visit(mission=mission, starts_at=now + datetime.timedelta(days=6))
    later = make_visit(mission=mission, starts_at=now + datetime.timedelta(days=13))
    other_mission_visit = make_visit(starts_at=now + datetime.timedelta(days=6))

    assert end_mission(mission, user=superuser, reason="Moved to a care home", when=now) == 2

    statuses = {v.pk: v.status for v in Visit.objects.all()}
    assert statuses[done.pk] == VisitStatus.DONE
    assert statuses[past_planned.pk] == VisitStatus.PLANNED
    assert statuses[future.pk] == statuses[later.pk] == VisitStatus.CANCELLED
    assert statuses[other_mission_visit.pk] == VisitStatus.PLANNED
    mission.refresh_from_db()
    assert mission.status == MissionStatus.ENDED
    assert mission.end_reason == "Moved to a care home"
    assert mission.end_date == timezone.localtime(now).date()
    entry = audit_log().get(action="wagtail_bippop.mission_ended")
    assert entry.user_id == superuser.pk and entry.data["cancelled_visits"] == 2
    # Ending twice changes nothing more.
    assert end_mission(mission, user=superuser, reason="again") == 0
    mission.refresh_from_db()
    assert mission.end_reason == "Moved to a care home"

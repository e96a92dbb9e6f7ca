"""The daily roll-up stays equal to a fresh rebuild, and to the visits, after every write."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail_bippop.dashboard import metrics, rollup
from wagtail_bippop.models import Area, Visit, VisitStatus
from wagtail_bippop.models.rollup import FirstVisit, RollupSource, VisitRollup
from wagtail_bippop.volunteer_space.services import report_visit


def at(month, day, hour=10):
    return datetime.datetime(2026, month, day, hour, tzinfo=timezone.get_current_timezone())


def snapshot():
    rows = {
        (r.territory_id, r.dimension, r.key, r.day, r.previous_day): (
            r.people,
            r.visits,
            r.minutes,
            r.worries,
        )
        for r in VisitRollup.objects.all()
    }
    sources = {
        (s.subject, s.subject_id, s.territory_id): s.facts for s in RollupSource.objects.all()
    }
    firsts = dict(FirstVisit.objects.values_list("request_id", "starts_at"))
    return rows, sources, firsts


def expected(period):
    """The figures computed by hand from the visits themselves."""
    visits = [
        v
        for v in Visit.objects.select_related("mission__request__beneficiary").filter(
            status=VisitStatus.DONE, mission__request__territory_id__in=period.territory_ids
        )
        if period.start <= timezone.localtime(v.starts_at).date() <= period.end
    ]
    months = {}
    for v in visits:
        month = timezone.localtime(v.starts_at).date().replace(day=1)
        entry = months.setdefault(month, [set(), 0, 0])
        entry[0].add(v.mission.request.beneficiary_id)
        entry[1] += 1
        entry[2] += v.duration_minutes
    return {
        "visits": len(visits),
        "people": len({v.mission.request.beneficiary_id for v in visits}),
        "people_offline": len(
            {
                v.mission.request.beneficiary_id
                for v in visits
                if not v.mission.request.beneficiary.is_online
            }
        ),
        "volunteers": len({v.mission.volunteer_id for v in visits}),
        "worries": sum(v.worry for v in visits),
        "hours": Decimal(sum(v.duration_minutes for v in visits)) / 60,
        "by_month": [
            (month, len(p), n, Decimal(m) / 60) for month, (p, n, m) in sorted(months.items())
        ],
    }


def assert_exact(territory, periods):
    kept = snapshot()
    rollup.rebuild()
    assert snapshot() == kept, "the roll-up kept by the writes differs from a rebuild"
    for start, end in periods:
        period = metrics.Period((territory.pk,), start, end)
        want = expected(period)
        totals = metrics.visit_totals(period)
        for key in ("visits", "people", "people_offline", "volunteers", "worries", "hours"):
            assert totals[key] == want[key], (key, start, end)
        months = [
            (r["month"], r["people"], r["visits"], r["hours"]) for r in metrics.by_month(period)
        ]
        assert months == want["by_month"], (start, end)


PERIODS = [
    (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    (datetime.date(2026, 1, 15), datetime.date(2026, 3, 10)),
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
    (datetime.date(2026, 3, 5), datetime.date(2026, 3, 5)),
]


@pytest.fixture
def people(territory, make_beneficiary, make_request, make_volunteer, make_mission):
    services = list(territory.services.order_by("pk")[:3])
    centre = Area.objects.create(territory=territory, name="Centre")
    alice = make_beneficiary(first_name="Alice", area=centre, is_online=False)
    bruno = make_beneficiary(first_name="Bruno", is_online=True, email="b@example.org")
    v1, v2 = make_volunteer(), make_volunteer()
    ra = make_request(beneficiary=alice, services=services[:2])
    rb = make_request(beneficiary=bruno, services=[services[2]], channel="web")
    return {
        "alice": alice,
        "bruno": bruno,
        "centre": centre,
        "services": services,
        "ra": ra,
        "ma": make_mission(request=ra, volunteer=v1),
        "mb": make_mission(request=rb, volunteer=v1),
        "v2": v2,
    }


def test_a_scripted_sequence_of_writes_keeps_the_rollup_exact(territory, people, make_visit):
    ma, mb = people["ma"], people["mb"]

    def done(mission, when, minutes=60, **fields):
        return make_visit(
            mission=mission, starts_at=when, status="done", duration_minutes=minutes, **fields
        )

    first = done(ma, at(1, 10))
    second = done(ma, at(1, 20), 45, worry=True)
    done(mb, at(1, 20), 30)
    done(mb, at(2, 14), 30)
    assert_exact(territory, PERIODS)
    assert metrics.visit_totals(metrics.Period((territory.pk,), *PERIODS[0]))["people"] == 2

    second.duration_minutes = 90  # edit the duration
    second.save()
    assert_exact(territory, PERIODS)

    first.status = VisitStatus.CANCELLED  # cancel a done visit
    first.duration_minutes = None
    first.save()
    assert_exact(territory, PERIODS)

    moving = done(ma, at(2, 3))
    assert_exact(territory, PERIODS)
    moving.starts_at, moving.ends_at = at(3, 5), at(3, 5, 11)  # across months
    moving.save()
    assert_exact(territory, PERIODS)

    second.delete()
    assert_exact(territory, PERIODS)

    planned = make_visit(mission=mb, starts_at=at(3, 5, 15))
    report_visit(planned, status=VisitStatus.DONE, duration_minutes=50, worry=True)
    assert_exact(territory, PERIODS)


def test_changes_to_what_the_breakdowns_read_keep_the_rollup_exact(territory, people, make_visit):
    for when in (at(1, 5), at(2, 5), at(3, 5)):
        make_visit(mission=people["ma"], starts_at=when, status="done", duration_minutes=60)
    make_visit(mission=people["mb"], starts_at=at(2, 6), status="done", duration_minutes=30)
    alice = people["alice"]
    alice.is_online, alice.area = True, None
    alice.save()
    assert_exact(territory, PERIODS)
    request = people["ra"]
    request.services.set(people["services"][2:])
    request.channel = "partner"
    request.save()
    assert_exact(territory, PERIODS)
    mission = people["ma"]
    mission.volunteer = people["v2"]
    mission.save()
    assert_exact(territory, PERIODS)
    period = metrics.Period((territory.pk,), *PERIODS[0])
    services = {
        r["mission__request__services__name"]: r["people"] for r in metrics.by_service(period)
    }
    assert services == {people["services"][2].name: 2}
    channels = {r["mission__request__channel"]: r["visits"] for r in metrics.by_channel(period)}
    assert channels == {"partner": 3, "web": 1}
    people["ma"].delete()  # its visits go with it
    assert_exact(territory, PERIODS)
    assert metrics.visit_totals(period)["people"] == 1


def test_first_visit_of_each_request_follows_the_visits(territory, people, make_visit):
    later = make_visit(mission=people["ma"], starts_at=at(3, 1), status="done", duration_minutes=60)
    assert FirstVisit.objects.get(request=people["ra"]).starts_at == at(3, 1)
    earlier = make_visit(
        mission=people["ma"], starts_at=at(2, 1), status="done", duration_minutes=60
    )
    assert FirstVisit.objects.get(request=people["ra"]).starts_at == at(2, 1)
    earlier.delete()
    later.delete()
    assert not FirstVisit.objects.filter(request=people["ra"]).exists()


def test_rebuild_command_restores_rows_lost_to_a_bulk_write(territory, people, make_visit):
    make_visit(mission=people["ma"], starts_at=at(1, 5), status="done", duration_minutes=60)
    Visit.objects.update(duration_minutes=120)  # bulk writes bypass the receivers
    period = metrics.Period((territory.pk,), *PERIODS[0])
    assert metrics.visit_totals(period)["hours"] == 1
    call_command("bippop_rollup", "--rebuild", "--territory", territory.slug, verbosity=0)
    assert metrics.visit_totals(period)["hours"] == 2


def test_reading_the_rollup_costs_the_same_queries_whatever_the_data(territory, people, make_visit):
    period = metrics.Period((territory.pk,), *PERIODS[0])
    with CaptureQueriesContext(connection) as small:
        metrics.visit_totals(period)
        metrics.by_month(period)
        metrics.breakdowns(period)
        metrics.volunteer_retention(period)
    for day in range(1, 28):
        make_visit(mission=people["ma"], starts_at=at(4, day), status="done", duration_minutes=30)
        make_visit(mission=people["mb"], starts_at=at(5, day), status="done", duration_minutes=30)
    with CaptureQueriesContext(connection) as large:
        metrics.visit_totals(period)
        metrics.by_month(period)
        metrics.breakdowns(period)
        metrics.volunteer_retention(period)
    assert len(large) == len(small) == 5


def test_a_write_under_a_staff_member_s_own_time_zone_lands_on_the_site_s_day(
    territory, people, make_visit
):
    late = at(1, 6, 0)  # midnight in the site's time zone: still 5 January in New York
    with timezone.override("America/New_York"):
        make_visit(mission=people["ma"], starts_at=late, status="done", duration_minutes=30)
    assert list(VisitRollup.objects.filter(dimension="all").values_list("day", flat=True)) == [
        datetime.date(2026, 1, 6)
    ]
    assert_exact(territory, PERIODS)


def test_reporting_a_visit_costs_the_same_queries_whatever_the_person_s_history(
    territory, people, make_visit
):
    def report_cost(when):
        planned = make_visit(mission=people["ma"], starts_at=when)
        with CaptureQueriesContext(connection) as queries:
            report_visit(planned, status=VisitStatus.DONE, duration_minutes=40)
        return len(queries)

    make_visit(mission=people["ma"], starts_at=at(1, 1), status="done", duration_minutes=30)
    report_cost(at(1, 15))  # warms the per-process caches (content types, site)
    short = report_cost(at(2, 10))
    for day in range(1, 28):
        make_visit(mission=people["ma"], starts_at=at(3, day), status="done", duration_minutes=30)
    long = report_cost(at(4, 10))
    assert long == short
    assert short < 80  # about half of them the report itself and its audit entry
    assert_exact(territory, PERIODS)


def test_a_random_sequence_of_writes_keeps_the_rollup_exact(territory, people, make_visit):
    rng = random.Random(6)
    missions = [people["ma"], people["mb"]]
    visits, created = [], 0
    for step in range(120):
        action = rng.choice(["create", "create", "edit", "cancel", "move", "delete", "person"])
        if action == "create" or not visits:
            when = at(rng.randint(1, 6), rng.randint(1, 28), rng.randint(8, 18))
            if Visit.objects.filter(mission=missions[step % 2], starts_at=when).exists():
                continue
            created += 1
            visits.append(
                make_visit(
                    mission=missions[step % 2],
                    starts_at=when,
                    status="done",
                    duration_minutes=rng.randint(10, 120),
                    worry=rng.random() < 0.2,
                )
            )
            continue
        visit = rng.choice(visits)
        if action == "edit" and visit.status == "done":
            visit.duration_minutes = rng.randint(10, 120)
            visit.save()
        elif action == "cancel":
            visit.status, visit.duration_minutes = VisitStatus.CANCELLED, None
            visit.save()
        elif action == "move":
            when = at(rng.randint(1, 6), rng.randint(1, 28), rng.randint(8, 18))
            if not Visit.objects.filter(mission=visit.mission, starts_at=when).exists():
                visit.starts_at, visit.ends_at = when, when + datetime.timedelta(hours=1)
                visit.save()
        elif action == "delete":
            visits.remove(visit)
            visit.delete()
        elif action == "person":
            alice = people["alice"]
            alice.is_online = not alice.is_online
            alice.area = None if alice.area_id else people["centre"]
            alice.save()
    assert created > 25 and visits
    assert_exact(territory, PERIODS + [(datetime.date(2026, 2, 10), datetime.date(2026, 5, 20))])


def test_saving_only_fields_the_rollup_ignores_costs_nothing(territory, people, make_visit):
    visit = make_visit(mission=people["ma"], starts_at=at(1, 5), status="done", duration_minutes=30)
    visit.report = "Nous avons parlé du jardin."
    with CaptureQueriesContext(connection) as queries:
        visit.save(update_fields=["report"])
    # Neither the look-up of the saved status nor a refresh (Wagtail's own reference index
    # may still read the visit).
    assert not [q for q in queries if "rollup" in q["sql"] or '"status" AS "status"' in q["sql"]]
    visit.duration_minutes = 75
    visit.save(update_fields=["duration_minutes"])
    assert metrics.visit_totals(metrics.Period((territory.pk,), *PERIODS[0]))["hours"] == Decimal(
        "1.25"
    )
    assert_exact(territory, PERIODS)
